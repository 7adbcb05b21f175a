package io.mpsaas.common.marketplace;

/** The AWS Marketplace errors the suite acts on, by their wire {@code __type}; anything else is {@link #UNKNOWN}. */
public enum MarketplaceError {
    INVALID_TOKEN("InvalidTokenException", false),
    EXPIRED_TOKEN("ExpiredTokenException", false),
    THROTTLING("ThrottlingException", true),
    INTERNAL_SERVICE_ERROR("InternalServiceErrorException", true),
    DISABLED_API("DisabledApiException", false),
    INVALID_PRODUCT_CODE("InvalidProductCodeException", false),
    INVALID_USAGE_DIMENSION("InvalidUsageDimensionException", false),
    INVALID_TAG("InvalidTagException", false),
    INVALID_USAGE_ALLOCATIONS("InvalidUsageAllocationsException", false),
    INVALID_CUSTOMER_IDENTIFIER("InvalidCustomerIdentifierException", false),
    INVALID_LICENSE("InvalidLicenseException", false),
    TIMESTAMP_OUT_OF_BOUNDS("TimestampOutOfBoundsException", false),
    INVALID_PARAMETER("InvalidParameterException", false),
    INVALID_ENDPOINT_REGION("InvalidEndpointRegionException", false),
    /** Agreement API: the request broke a constraint (its {@code reason} says which). */
    VALIDATION("ValidationException", false),
    /** Agreement API: no agreement with that id is visible to this seller; Catalog API: no such entity. */
    RESOURCE_NOT_FOUND("ResourceNotFoundException", false),
    /** Signature, credentials or permissions refused (403 family). */
    ACCESS_DENIED("AccessDeniedException", false),
    /** No answer, a broken connection or an unreadable answer: the call may or may not have been applied. */
    TRANSPORT("TransportError", true),
    UNKNOWN("Unknown", false);

    private final String wireName;
    private final boolean retryable;

    MarketplaceError(String wireName, boolean retryable) {
        this.wireName = wireName;
        this.retryable = retryable;
    }

    public String wireName() {
        return wireName;
    }

    /** Whether the same call may succeed later unchanged (throttling, AWS-side faults, transport). */
    public boolean retryable() {
        return retryable;
    }

    /**
     * Maps a wire {@code __type} such as {@code ThrottlingException} or
     * {@code com.amazonaws.marketplace.metering#ThrottlingException} (namespace prefix stripped).
     */
    public static MarketplaceError fromWire(String type) {
        if (type == null) {
            return UNKNOWN;
        }
        String name = type.substring(type.indexOf('#') + 1);
        int colon = name.indexOf(':');
        if (colon >= 0) {
            name = name.substring(0, colon);
        }
        for (MarketplaceError error : values()) {
            if (error.wireName.equals(name)) {
                return error;
            }
        }
        return switch (name) {
            case "UnrecognizedClientException", "InvalidSignatureException", "MissingAuthenticationTokenException",
                    "IncompleteSignatureException", "ExpiredTokenExceptionSigV4", "InvalidClientTokenId",
                    "SignatureDoesNotMatch" -> ACCESS_DENIED;
            case "ServiceUnavailableException", "InternalFailure", "InternalError",
                    "InternalServerException", // the Agreement API's name for it
                    "InternalServiceException" -> INTERNAL_SERVICE_ERROR; // the Catalog API's
            case "TooManyRequestsException", "Throttling", "RequestLimitExceeded" -> THROTTLING;
            default -> UNKNOWN;
        };
    }
}
