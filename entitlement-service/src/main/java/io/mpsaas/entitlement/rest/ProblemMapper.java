package io.mpsaas.entitlement.rest;

import io.mpsaas.common.logging.OutageLog;
import io.mpsaas.common.rest.Problem;
import io.mpsaas.common.rest.Unavailable;
import io.quarkus.logging.Log;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/**
 * The service's one exception mapper: every error is {@code application/problem+json}; bad input is a 4xx; an
 * failing AWS dependency (DynamoDB, SQS) is a 503 with {@code Retry-After}; an unexpected failure is a 500 whose body
 * says nothing about the internals (the log has the stack trace).
 */
@Provider
public class ProblemMapper implements ExceptionMapper<Exception> {

    /** A DynamoDB or SQS outage fails every request: one line each, one stack trace per outage. */
    private static final OutageLog AWS_OUTAGES = new OutageLog(ProblemMapper.class);

    @Override
    public Response toResponse(Exception exception) {
        if (exception instanceof ApiException api) {
            return problem(Problem.of(api.status(), api.slug(), api.title(), api.getMessage()));
        }
        if (exception instanceof WebApplicationException web) {
            int status = web.getResponse().getStatus();
            String title = Response.Status.fromStatusCode(status) == null ? "Error"
                    : Response.Status.fromStatusCode(status).getReasonPhrase();
            String slug = title.toLowerCase(java.util.Locale.ROOT).replace(' ', '-');
            return problem(Problem.of(status, slug, title, status >= 500 ? "The request failed." : web.getMessage()));
        }
        if (OutageLog.isAwsFailure(exception)) {
            // DynamoDB (or SQS, for the admin API) unreachable, throttled or failing: the service is fine, its storage
            // is not; a 503 tells the app to try again, as metering's usage API does
            AWS_OUTAGES.error("AWS call failed while handling a request (answered 503)", exception);
            return Unavailable.storage("Storage is unavailable; send the request again later.");
        }
        Log.errorf(exception, "Request failed");
        return problem(Problem.of(500, "internal-error", "Internal error",
                "The request failed; the service log has the details."));
    }

    private static Response problem(Problem problem) {
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem).build();
    }
}
