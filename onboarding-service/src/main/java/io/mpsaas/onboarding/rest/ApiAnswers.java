package io.mpsaas.onboarding.rest;

import io.mpsaas.common.rest.Problem;
import io.mpsaas.common.rest.Unavailable;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;
import java.util.Locale;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The seller's JSON API under {@code /v1/} ({@link RegistrationLinkResource}) answers its errors as problem+json, where
 * the buyer's pages answer HTML: the exception mapper and the response filter ask here which a request is.
 */
@ApplicationScoped
public class ApiAnswers {

    private final String prefix;

    public ApiAnswers(@ConfigProperty(name = "quarkus.http.root-path", defaultValue = "/") String rootPath) {
        this.prefix = (rootPath.endsWith("/") ? rootPath : rootPath + "/") + "v1/";
    }

    /** Whether the request path is the seller's API. */
    public boolean isApi(String path) {
        return path != null && path.startsWith(prefix);
    }

    /** The problem+json of an error the HTTP layer or a failure decided, with the page's status. */
    public Response problem(ProblemKind kind, String detail) {
        if (kind == ProblemKind.TEMPORARILY_UNAVAILABLE) {
            return Unavailable.storage("Our storage did not answer; send the request again.");
        }
        int status = kind.status();
        Response.Status known = Response.Status.fromStatusCode(status);
        return Response.status(status).type(Problem.MEDIA_TYPE).entity(Problem.of(status,
                kind.name().toLowerCase(Locale.ROOT).replace('_', '-'), known == null ? "Error"
                        : known.getReasonPhrase(), detail)).build();
    }
}
