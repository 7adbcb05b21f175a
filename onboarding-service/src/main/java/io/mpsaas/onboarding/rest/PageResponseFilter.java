package io.mpsaas.onboarding.rest;

import io.mpsaas.common.rest.Problem;
import jakarta.ws.rs.core.Response;
import io.mpsaas.common.customer.CustomerRecord;
import io.mpsaas.onboarding.domain.FieldSpec;
import io.mpsaas.onboarding.service.RegistrationService;
import io.quarkus.logging.Log;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;
import org.jboss.resteasy.reactive.server.core.CurrentRequestManager;
import org.jboss.resteasy.reactive.server.core.ResteasyReactiveRequestContext;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Gives the bare error answers of the HTTP layer a readable page. The important one: quarkus-rest-csrf refuses a
 * registration submit without a matching token with an empty 400. If the form's signed reference is still valid, the
 * buyer gets the form back (403) with what they typed and a token that matches their cookie, so one more click
 * submits it (the usual cause is a second tab that replaced the cookie); otherwise a page says how to start again.
 */
public class PageResponseFilter {

    private final Pages pages;
    private final ApiAnswers api;
    private final CsrfTokens csrf;
    private final RegistrationService registrations;

    public PageResponseFilter(Pages pages, CsrfTokens csrf, RegistrationService registrations, ApiAnswers api) {
        this.pages = pages;
        this.api = api;
        this.csrf = csrf;
        this.registrations = registrations;
    }

    @ServerResponseFilter
    public void filter(ContainerRequestContext request, ContainerResponseContext response, RoutingContext routing) {
        int status = response.getStatus();
        if (status < 400 || response.hasEntity()) {
            return;
        }
        if (api.isApi(routing.request().path())) {
            // quarkus-rest-csrf checks every form post, the seller's API included: a call with a form body is refused
            boolean form = status == 400 && isForm(request.getMediaType());
            Response problem = api.problem(ProblemKind.ofStatus(status), form ? "Send no body, or a JSON one: a form"
                    + " body is taken for a browser's form and needs its CSRF token." : null);
            response.setStatus(problem.getStatus());
            response.getHeaders().remove("Content-Length");
            response.setEntity(problem.getEntity(), null, MediaType.valueOf(Problem.MEDIA_TYPE));
            return;
        }
        Pages.Page page;
        if (status == 400 && "POST".equals(request.getMethod()) && isForm(request.getMediaType())) {
            page = csrfFailed(routing);
        } else {
            page = pages.problem(ProblemKind.ofStatus(status), null);
        }
        response.setStatus(page.status());
        response.getHeaders().remove("Content-Length");
        response.setEntity(page.html(), null, MediaType.TEXT_HTML_TYPE.withCharset("UTF-8"));
    }

    private Pages.Page csrfFailed(RoutingContext routing) {
        Map<String, String> values = new HashMap<>();
        String reference = null;
        // response filters get a wrapped request context; the request's own context still holds the parsed form
        ResteasyReactiveRequestContext context = CurrentRequestManager.get();
        if (context != null) {
            reference = formValue(context, Pages.REFERENCE_FIELD);
            for (FieldSpec field : registrations.form().fields()) {
                String value = formValue(context, field.inputName());
                if (value != null) {
                    values.put(field.inputName(), value.strip());
                }
            }
        }
        Optional<CustomerRecord> customer;
        try {
            customer = registrations.customerOf(reference);
        } catch (SdkException e) {
            customer = Optional.empty();
        }
        if (customer.isEmpty()) {
            Log.info("Registration submit refused by the CSRF check; no valid reference to show the form again");
            return pages.problem(ProblemKind.FORM_EXPIRED, null);
        }
        Log.infof("Registration submit of customer %s refused by the CSRF check; the form was shown again",
                customer.get().key());
        return pages.registration(403, customer.get(), reference, csrf.forResponse(routing), csrf.fieldName(),
                values, Map.of(), "For your security, please check your details and submit the form again.");
    }

    private static String formValue(ResteasyReactiveRequestContext context, String name) {
        Object value = context.getFormParameter(name, true, false);
        return value instanceof String text ? text : null;
    }

    private static boolean isForm(MediaType type) {
        return type != null && ("application".equals(type.getType()) && "x-www-form-urlencoded".equals(type.getSubtype())
                || "multipart".equals(type.getType()) && "form-data".equals(type.getSubtype()));
    }
}
