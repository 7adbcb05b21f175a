package io.mpsaas.onboarding.rest;

import io.mpsaas.onboarding.domain.ReferenceCheck;
import io.mpsaas.onboarding.service.RegistrationResult;
import io.mpsaas.onboarding.service.RegistrationService;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import java.util.HashMap;
import java.util.Map;

/**
 * The registration form's submit, {@code POST /register}: CSRF-checked by quarkus-rest-csrf before it gets here, then
 * the signed reference, then the fields. Answers the confirmation page, or the form again with field messages.
 */
@Path("/register")
public class RegistrationResource {

    /** Unprocessable content: the form again, with field messages. */
    static final int INVALID_FORM = 422;

    private final RegistrationService registrations;
    private final Pages pages;
    private final CsrfTokens csrf;

    public RegistrationResource(RegistrationService registrations, Pages pages, CsrfTokens csrf) {
        this.registrations = registrations;
        this.pages = pages;
        this.csrf = csrf;
    }

    /** Someone opened the submit address directly (a bookmark, history): send them to AWS Marketplace. */
    @GET
    @Produces(MediaType.TEXT_HTML)
    public Response visit() {
        return html(pages.problem(ProblemKind.START, null));
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    public Response submit(MultivaluedMap<String, String> form, RoutingContext routing) {
        Map<String, String> submitted = new HashMap<>();
        form.forEach((name, values) -> {
            if (values != null && !values.isEmpty()) {
                submitted.put(name, values.get(0));
            }
        });
        String reference = submitted.get(Pages.REFERENCE_FIELD);
        RegistrationResult result = registrations.submit(reference, submitted);
        if (result instanceof RegistrationResult.Registered registered) {
            return html(pages.confirmation(registered.customer(), registered.details(), registered.outcome()));
        }
        if (result instanceof RegistrationResult.Invalid invalid) {
            return html(pages.registration(INVALID_FORM, invalid.customer(), invalid.reference(),
                    csrf.forVerifiedSubmit(routing, submitted.get(csrf.fieldName())), csrf.fieldName(),
                    invalid.validation().values(),
                    invalid.validation().errors(), null));
        }
        if (result instanceof RegistrationResult.NotSaved notSaved) {
            return html(pages.registration(503, notSaved.customer(), notSaved.reference(),
                    csrf.forVerifiedSubmit(routing, submitted.get(csrf.fieldName())), csrf.fieldName(),
                    notSaved.validation().values(), Map.of(),
                    "We could not save your details just now because of a temporary problem. Nothing is lost:"
                            + " please submit the form again in a minute."));
        }
        ReferenceCheck check = ((RegistrationResult.Refused) result).check();
        return html(pages.problem(check instanceof ReferenceCheck.Expired ? ProblemKind.REFERENCE_EXPIRED
                : ProblemKind.REFERENCE_INVALID, null));
    }

    static Response html(Pages.Page page) {
        return Response.status(page.status()).type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8"))
                .entity(page.html()).build();
    }
}
