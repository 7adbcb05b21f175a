package io.mpsaas.entitlement.rest;

import io.mpsaas.common.security.ApiRole;
import io.mpsaas.common.security.SecuredApi;
import io.mpsaas.common.webhook.WebhookDeliveries;
import io.mpsaas.common.webhook.WebhookDelivery;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Operators: webhook deliveries parked after their retry budget, and their replay. */
@Path("/api/v1/admin/webhooks")
@Produces(MediaType.APPLICATION_JSON)
@SecuredApi(ApiRole.ADMIN)
@Tag(name = "admin", description = "The operator API: an admin key (suite.api.admin-keys)")
@SecurityRequirement(name = "ApiKey")
@SecurityRequirement(name = "Bearer")
@APIResponse(responseCode = "403", description = "An app key: this API needs an admin key")
public class WebhookAdminResource {

    /** Most parked deliveries listed or replayed by one call. */
    static final int MAX_LISTED = 500;

    static final String PARKED_EXAMPLE = """
            {"count": 1, "deliveries": [{"endpoint": "app", "eventId": "4f7c1a0e-3b2d-5e6f-8a9b-0c1d2e3f4a5b",
              "type": "customer-activated", "customerKey": "license#l-0123456789abcdef",
              "productCode": "prod-abc123", "status": "PARKED", "attempts": 31,
              "createdAt": "2026-11-21T07:12:40.118Z", "retryFrom": "2026-11-21T07:12:40.118Z",
              "lastStatus": 503, "lastError": "HTTP 503", "parkedAt": "2026-11-22T08:13:02.402Z",
              "body": "{\\"id\\":\\"4f7c1a0e-3b2d-5e6f-8a9b-0c1d2e3f4a5b\\",\\"type\\":\\"customer-activated\\"}"}]}""";

    private final WebhookDeliveries deliveries;
    private final Clock clock;

    public WebhookAdminResource(WebhookDeliveries deliveries, Clock clock) {
        this.deliveries = deliveries;
        this.clock = clock;
    }

    /** Deliveries listed or replayed. */
    public record Deliveries(@Schema(required = true) int count,
            @Schema(required = true) List<WebhookDelivery> deliveries) {
    }

    @GET
    @Path("/parked")
    @Operation(summary = "Webhook deliveries parked after their retry budget, oldest first, with their last HTTP"
            + " status and error", operationId = "parkedWebhooks")
    @APIResponse(responseCode = "200", description = "The parked deliveries (at most 500)", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Deliveries.class),
            examples = @ExampleObject(name = "one-parked", value = PARKED_EXAMPLE)))
    public Deliveries parked() {
        List<WebhookDelivery> parked = deliveries.parked(MAX_LISTED);
        return new Deliveries(parked.size(), parked);
    }

    @POST
    @Path("/parked/{endpoint}/{eventId}/replay")
    @Operation(summary = "Puts one parked delivery back in line, due now, with a fresh retry budget",
            operationId = "replayParkedWebhook")
    @APIResponse(responseCode = "200", description = "The delivery, pending again", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Deliveries.class)))
    @APIResponse(responseCode = "404", description = "No parked delivery of this event to this endpoint")
    public Deliveries replayOne(@PathParam("endpoint") String endpoint, @PathParam("eventId") String eventId) {
        if (!deliveries.replay(endpoint, eventId, clock.instant())) {
            throw ApiException.notFound("no parked webhook delivery of event " + eventId + " to endpoint " + endpoint);
        }
        WebhookDelivery replayed = deliveries.find(endpoint, eventId).orElseThrow();
        return new Deliveries(1, List.of(replayed));
    }

    @POST
    @Path("/parked/replay")
    @Operation(summary = "Puts every parked delivery (at most 500 a call) back in line", operationId = "replayParkedWebhooks")
    @APIResponse(responseCode = "200", description = "The deliveries replayed", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Deliveries.class)))
    public Deliveries replayAll() {
        List<WebhookDelivery> replayed = new ArrayList<>();
        for (WebhookDelivery d : deliveries.parked(MAX_LISTED)) {
            // a delivery replayed meanwhile by another call is left out
            if (deliveries.replay(d.endpoint(), d.eventId(), clock.instant())) {
                replayed.add(d);
            }
        }
        return new Deliveries(replayed.size(), replayed);
    }
}
