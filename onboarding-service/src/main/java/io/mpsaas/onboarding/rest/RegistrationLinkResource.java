package io.mpsaas.onboarding.rest;

import io.mpsaas.common.customer.CustomerRecord;
import io.mpsaas.common.rest.Problem;
import io.mpsaas.common.rest.Unavailable;
import io.mpsaas.common.security.ApiRole;
import io.mpsaas.common.security.SecuredApi;
import io.mpsaas.onboarding.config.OnboardingConfig;
import io.mpsaas.onboarding.service.ApiPurchaseService;
import io.mpsaas.onboarding.service.RegistrationLinkResult;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.net.URI;
import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The seller's side of a purchase made through the Agreement API ({@code ApiRole.ADMIN}): the registration link to send
 * the buyer, who never passed through the fulfillment URL (README, "Purchases made through the API").
 */
@Path("/v1/admin/agreements")
@SecuredApi(ApiRole.ADMIN)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "operator", description = "The seller's API: an admin key (suite.api.admin-keys)")
@SecurityRequirement(name = "ApiKey")
@SecurityRequirement(name = "Bearer")
@APIResponse(responseCode = "403", description = "An app key: this API needs an admin key")
public class RegistrationLinkResource {

    static final String LINK_EXAMPLE = """
            {"agreementId": "agmt-0123456789abcdef0123456789",
             "link": "https://saas.example.com/register/link/v1.link.bGljZW5zZSNsLTAx.1765400000.x7Gd0Qk...",
             "expiresAt": "2026-12-13T22:40:00Z", "tokenResolved": true,
             "customerKey": "license#l-0123456789abcdef0123456789abcdef", "productCode": "prod-code",
             "customerAwsAccountId": "111122223333",
             "licenseArn": "arn:aws:license-manager::111122223333:license:l-0123456789abcdef0123456789abcdef",
             "registered": false}""";

    /**
     * The link to send the buyer.
     *
     * @param link          the registration form of this customer, valid until {@code expiresAt}; a bearer credential
     *                      to the form: send it to the buyer only
     * @param tokenResolved whether this call resolved the agreement's registration token (false: the customer was set
     *                      up by an earlier call or landing, and this is a fresh link to it)
     */
    public record RegistrationLink(String agreementId, String link, Instant expiresAt, boolean tokenResolved,
            String customerKey, String productCode, String customerAwsAccountId, String licenseArn,
            String subscriptionState, boolean registered) {
    }

    private final ApiPurchaseService apiPurchases;
    private final Pages pages;
    private final OnboardingConfig config;

    public RegistrationLinkResource(ApiPurchaseService apiPurchases, Pages pages, OnboardingConfig config) {
        this.apiPurchases = apiPurchases;
        this.pages = pages;
        this.config = config;
    }

    @POST
    @Path("/{agreementId}/registration-link")
    @Operation(operationId = "registrationLink", summary = "The registration link of a purchase made through the API",
            description = "Reads the agreement's entitlements (GetAgreementEntitlements) and resolves the registration"
                    + " token AWS hands out for 30 minutes after a purchase made through the API, as the fulfillment"
                    + " URL resolves a buyer's (the customer is stored the same way); answers a link to the"
                    + " registration form, valid suite.onboarding.api-purchase.link-ttl (7 days by default), for the"
                    + " seller to send to the buyer. Idempotent: asked again, it answers a fresh link to the same"
                    + " customer, also after the token expired. The registration token itself is never answered.")
    @APIResponse(responseCode = "200", description = "The link", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = RegistrationLink.class),
            examples = @ExampleObject(name = "issued", value = LINK_EXAMPLE)))
    @APIResponse(responseCode = "400", description = "Not an agreement id (invalid-agreement-id)")
    @APIResponse(responseCode = "404", description = "AWS knows no agreement of this seller with that id"
            + " (agreement-not-found)")
    @APIResponse(responseCode = "409", description = "AWS hands out no registration token and no customer of the"
            + " agreement is set up: not purchased through the API, or its 30-minute token expired before anyone asked"
            + " (no-registration-token)")
    @APIResponse(responseCode = "410", description = "The registration token expired before it could be resolved"
            + " (registration-token-expired)")
    @APIResponse(responseCode = "502", description = "AWS Marketplace refused the call or the token: the seller's"
            + " permissions or account (marketplace-refused)")
    public Response registrationLink(
            @Parameter(description = "The agreement id (agmt-...), as the purchase through the API answered it")
            @PathParam("agreementId") String agreementId, @Context UriInfo uri) {
        RegistrationLinkResult result = apiPurchases.issue(agreementId);
        if (result instanceof RegistrationLinkResult.Issued issued) {
            CustomerRecord customer = issued.customer();
            return Response.ok(new RegistrationLink(issued.agreementId(), link(uri, issued.reference()),
                    issued.expiresAt(), issued.tokenResolved(), customer.key(), customer.productCode(),
                    customer.customerAwsAccountId(), customer.licenseArn(), customer.state().name(),
                    customer.registered())).build();
        }
        RegistrationLinkResult.Refused refused = (RegistrationLinkResult.Refused) result;
        RegistrationLinkResult.Reason reason = refused.reason();
        if (reason == RegistrationLinkResult.Reason.TEMPORARILY_UNAVAILABLE) {
            // AWS Marketplace or our storage after the retries: ask again in half a minute
            return Unavailable.answer(refused.detail(), 30);
        }
        return Response.status(reason.status()).type(Problem.MEDIA_TYPE)
                .entity(Problem.of(reason.status(), reason.slug(), reason.title(), refused.detail())).build();
    }

    /** The link: {@code suite.onboarding.public-url}, else the scheme and host this call came to, and the path. */
    private String link(UriInfo uri, String reference) {
        URI base = config.publicUrl().orElse(uri.getBaseUri());
        String origin = base.getScheme() + "://" + base.getRawAuthority();
        return origin + pages.linkPath(reference);
    }
}
