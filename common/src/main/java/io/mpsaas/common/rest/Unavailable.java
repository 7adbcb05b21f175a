package io.mpsaas.common.rest;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

/**
 * The answer of a JSON API whose storage (DynamoDB, or SQS for an admin call) failed: 503 problem+json with
 * {@code Retry-After}, the same in every service. The service itself is fine; the request may succeed when sent again.
 */
public final class Unavailable {

    /** When to ask again: a storage outage seen by a request lasts seconds to minutes. */
    public static final int RETRY_AFTER_SECONDS = 5;

    private Unavailable() {
    }

    /** The 503, its {@code detail} saying what the client may do (never the error's message). */
    public static Response storage(String detail) {
        return answer(detail, RETRY_AFTER_SECONDS);
    }

    /**
     * The same 503 for a dependency whose outage lasts longer than a storage blip (AWS Marketplace throttling or down
     * after the client's retries), with its own {@code Retry-After}.
     */
    public static Response answer(String detail, int retryAfterSeconds) {
        return Response.status(503).type(Problem.MEDIA_TYPE)
                .entity(Problem.of(503, "unavailable", "Service unavailable", detail))
                .header(HttpHeaders.RETRY_AFTER, retryAfterSeconds).build();
    }
}
