package io.mpsaas.common.marketplace;

/**
 * An AWS Marketplace call that failed for good: either a non-retryable error, or a retryable one that outlasted the
 * retries. {@link #error()} says which; {@link #errorType()} keeps AWS's own {@code __type} for logs.
 */
public class MarketplaceException extends RuntimeException {

    private final MarketplaceError error;
    private final String errorType;
    private final int httpStatus;
    private final String requestId;
    private final int attempts;

    public MarketplaceException(MarketplaceError error, String errorType, String message, int httpStatus,
            String requestId, int attempts, Throwable cause) {
        super(message, cause);
        this.error = error;
        this.errorType = errorType;
        this.httpStatus = httpStatus;
        this.requestId = requestId;
        this.attempts = attempts;
    }

    public MarketplaceError error() {
        return error;
    }

    /** AWS's {@code __type} as received, or {@link MarketplaceError#wireName()} for transport errors. */
    public String errorType() {
        return errorType;
    }

    /** HTTP status of the last answer, 0 when there was none. */
    public int httpStatus() {
        return httpStatus;
    }

    /** {@code x-amzn-RequestId} of the last answer, for AWS support; may be null. */
    public String requestId() {
        return requestId;
    }

    /** How many attempts were made before giving up. */
    public int attempts() {
        return attempts;
    }

    public boolean retryable() {
        return error.retryable() || httpStatus >= 500;
    }

    /** Copy with the number of attempts made, once the retry loop has given up. */
    MarketplaceException afterAttempts(int count) {
        return new MarketplaceException(error, errorType, getMessage(), httpStatus, requestId, count, getCause());
    }

    @Override
    public String toString() {
        return "MarketplaceException[" + errorType + " (" + httpStatus + ", attempts " + attempts + ", requestId "
                + requestId + "): " + getMessage() + "]";
    }
}
