package io.mpsaas.sandbox.marketplace.api;

/**
 * An AWS JSON 1.1 answer, independent of the HTTP server that carries it.
 *
 * @param errorType the {@code __type} of an error answer (also sent as {@code x-amzn-ErrorType}), null on success
 */
public record AwsResponse(int status, String requestId, String errorType, byte[] body) {

    public static final String CONTENT_TYPE = "application/x-amz-json-1.1";
}
