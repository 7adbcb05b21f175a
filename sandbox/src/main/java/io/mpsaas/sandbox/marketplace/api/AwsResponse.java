package io.mpsaas.sandbox.marketplace.api;

/**
 * An AWS JSON 1.1 answer, independent of the HTTP server that carries it.
 *
 * @param errorType the {@code __type} of an error answer (also sent as {@code x-amzn-ErrorType}), null on success
 */
public record AwsResponse(int status, String requestId, String errorType, byte[] body) {

    public static final String CONTENT_TYPE = "application/x-amz-json-1.1";

    /** The Agreement API's protocol, AWS JSON 1.0. */
    public static final String CONTENT_TYPE_1_0 = "application/x-amz-json-1.0";

    /** The content type AWS answers a target with: JSON 1.0 for the Agreement API, 1.1 for the others. */
    public static String contentTypeFor(String target) {
        return target != null && target.startsWith(io.mpsaas.sandbox.marketplace.fault.Operation.AGREEMENT_PREFIX + ".")
                ? CONTENT_TYPE_1_0 : CONTENT_TYPE;
    }
}
