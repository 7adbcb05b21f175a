package io.mpsaas.sandbox.marketplace.api;

/** An AWS JSON 1.1 answer, independent of the HTTP server that carries it. */
public record AwsResponse(int status, String requestId, byte[] body) {

    public static final String CONTENT_TYPE = "application/x-amz-json-1.1";
}
