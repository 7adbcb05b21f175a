package io.mpsaas.metering.rest;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.mpsaas.common.Causes;
import io.mpsaas.common.logging.OutageLog;
import io.mpsaas.common.rest.Problem;
import io.mpsaas.common.rest.Unavailable;
import io.mpsaas.metering.service.UsageJson;
import io.quarkus.logging.Log;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The service's one exception mapper: every error answer is {@code application/problem+json}; bad input is a 4xx,
 * a storage outage a 503 (safe to retry), and nothing else ever shows a stack trace.
 */
public class ProblemMapper {

    /** A DynamoDB outage fails every request: one line each, one stack trace per outage. */
    private static final OutageLog STORAGE_OUTAGES = new OutageLog(ProblemMapper.class);

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e) {
        if (e.getCause() instanceof JsonProcessingException json) {
            // Quarkus REST's reader wraps what Jackson refused: its detail says what is wrong, not "HTTP 400"
            return malformedJson(json);
        }
        int status = e.getResponse().getStatus();
        if (status == 413) {
            return problem(413, "too-large", "Content too large", e.getMessage());
        }
        String detail = status >= 500 ? "The request could not be handled." : e.getMessage();
        return problem(status, status == 404 ? "not-found" : status >= 500 ? "server-error" : "bad-request",
                Response.Status.fromStatusCode(status) == null ? "Error"
                        : Response.Status.fromStatusCode(status).getReasonPhrase(), detail);
    }

    @ServerExceptionMapper
    public Response malformedJson(JsonProcessingException e) {
        return problem(400, "malformed-body", "Malformed body",
                "The body is not valid JSON of the expected shape: " + UsageJson.problem(e));
    }

    // Quarkus REST ships its own mappers for these two; ours answer problem+json instead
    @ServerExceptionMapper
    public Response unreadableJson(JsonParseException e) {
        return malformedJson(e);
    }

    @ServerExceptionMapper
    public Response wrongShape(MismatchedInputException e) {
        return malformedJson(e);
    }

    @ServerExceptionMapper
    public Response storage(SdkException e) {
        STORAGE_OUTAGES.error("AWS call failed while handling a request (answered 503)", e);
        return Unavailable.storage(
                "Storage is unavailable; send the same request again later (idempotency keys make that safe).");
    }

    @ServerExceptionMapper
    public Response unexpected(Exception e) {
        if (e instanceof java.io.IOException && closedByClient(e)) {
            // the client went away (or broke its body off) before the body was read: its doing, not an incident
            Log.debugf("Request body not read, the connection was closed: %s", e);
            return problem(400, "malformed-body", "Malformed body", "The request body could not be read.");
        }
        Log.errorf(e, "Unexpected error while handling a request");
        return problem(500, "server-error", "Internal error", "The request could not be handled.");
    }

    private static boolean closedByClient(Throwable e) {
        return Causes.any(e, t -> t instanceof java.nio.channels.ClosedChannelException
                || t instanceof io.vertx.core.http.HttpClosedException);
    }

    private static Response problem(int status, String slug, String title, String detail) {
        return Response.status(status).type(Problem.MEDIA_TYPE).entity(Problem.of(status, slug, title, detail))
                .build();
    }
}
