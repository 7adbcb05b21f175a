package io.mpsaas.sandbox.marketplace.api;

/**
 * An AWS error answer: {@code {"__type": errorType, "message": ...}} with HTTP 400 (client errors) or 500
 * ({@code InternalServiceErrorException}), which the SDK turns into its exception class of the same name.
 */
public final class AwsApiError extends RuntimeException {

    private final String errorType;
    private final int httpStatus;
    private final String reason;

    public AwsApiError(String errorType, int httpStatus, String message) {
        this(errorType, httpStatus, message, null);
    }

    /** An error with a {@code reason} member, as the Agreement API's ValidationException carries. */
    public AwsApiError(String errorType, int httpStatus, String message, String reason) {
        super(message, null, false, false);
        this.errorType = errorType;
        this.httpStatus = httpStatus;
        this.reason = reason;
    }

    public static AwsApiError client(String errorType, String message) {
        return new AwsApiError(errorType, 400, message);
    }

    /** AWS's generic constraint-violation answer, used where the service models no specific error. */
    public static AwsApiError validation(String member, String constraint) {
        return client("ValidationException", "1 validation error detected: Value at '" + member
                + "' failed to satisfy constraint: " + constraint);
    }

    public String errorType() {
        return errorType;
    }

    public int httpStatus() {
        return httpStatus;
    }

    /** The {@code reason} member, or null. */
    public String reason() {
        return reason;
    }
}
