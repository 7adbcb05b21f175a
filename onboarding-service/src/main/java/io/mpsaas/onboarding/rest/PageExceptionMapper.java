package io.mpsaas.onboarding.rest;

import io.mpsaas.common.Causes;
import io.quarkus.logging.Log;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.core.Context;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The service's one exception mapper. Buyers get HTML pages: the
 * status of a JAX-RS error (404, 405, 415, ...) with a page, 400 for a form Quarkus REST could not decode, 503 when
 * DynamoDB or SQS failed, and 500 (logged with its stack trace) only for our own bugs. Never a stack trace to the buyer.
 * The seller's JSON API under {@code /v1/} gets the same statuses as problem+json.
 */
@Provider
public class PageExceptionMapper implements ExceptionMapper<Exception> {

    private static final String FORM_PARSERS = "org.jboss.resteasy.reactive.server.core.multipart.";
    private static final String FORM_BODY_HANDLER = "org.jboss.resteasy.reactive.server.handlers.FormBodyHandler";

    private final Pages pages;
    private final ApiAnswers api;

    @Context
    HttpServerRequest request;

    public PageExceptionMapper(Pages pages, ApiAnswers api) {
        this.pages = pages;
        this.api = api;
    }

    @Override
    public Response toResponse(Exception exception) {
        ProblemKind kind;
        if (exception instanceof WebApplicationException web) {
            kind = ProblemKind.ofStatus(web.getResponse().getStatus());
            Log.debugf("Request refused with %d (%s)", web.getResponse().getStatus(),
                    exception.getClass().getSimpleName());
        } else if (unreadableRequest(exception)) {
            kind = ProblemKind.BAD_REQUEST;
            Log.infof("Request refused: its form could not be decoded (%s)", exception.getClass().getSimpleName());
        } else if (exception instanceof SdkException) {
            kind = ProblemKind.TEMPORARILY_UNAVAILABLE;
            Log.warnf("AWS call failed while serving a page: %s", exception.getClass().getSimpleName());
        } else {
            kind = ProblemKind.INTERNAL_ERROR;
            Log.errorf(exception, "Unexpected error while serving a page");
        }
        if (request != null && api.isApi(request.path())) {
            // the seller's JSON API (RegistrationLinkResource) answers problem+json, never a buyer's page
            return api.problem(kind, null);
        }
        return RegistrationResource.html(pages.problem(kind, null));
    }

    /**
     * Whether Quarkus REST failed while decoding the request's form (a malformed percent escape, a broken multipart
     * body): the client's fault, thrown before any of our code ran, as a plain IllegalArgumentException.
     */
    static boolean unreadableRequest(Throwable exception) {
        return Causes.thrownBy(exception, type -> type.startsWith(FORM_PARSERS) || type.equals(FORM_BODY_HANDLER));
    }
}
