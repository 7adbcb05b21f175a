package io.mpsaas.console.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.rest.client.annotation.ClientHeaderParam;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/**
 * entitlement-service's admin API ({@code /api/v1/admin}, README "Operations"), as the console reads it: customers,
 * their detail and history, the suite's dead-letter queues and their replay. The records are the API's JSON answers;
 * fields the console does not show are ignored.
 */
@RegisterRestClient(configKey = "entitlement")
@ClientHeaderParam(name = "Authorization", value = "{io.mpsaas.console.client.AdminKey.bearer}")
@Path("/api/v1/admin")
@Produces(MediaType.APPLICATION_JSON)
public interface EntitlementAdmin {

    @GET
    @Path("/customers")
    CustomerPage customers(@QueryParam("product") String product, @QueryParam("state") String state,
            @QueryParam("after") String after);

    @GET
    @Path("/customers/search")
    SearchResult search(@QueryParam("q") String text, @QueryParam("by") String by);

    @GET
    @Path("/customers/{customerKey}")
    CustomerDetail customer(@PathParam("customerKey") String customerKey);

    @GET
    @Path("/dead-letter-queues")
    List<DeadLetterQueue> deadLetterQueues(@QueryParam("messages") @DefaultValue("true") boolean messages);

    @POST
    @Path("/parked-messages/{messageId}/replay")
    ParkedMessages replayOne(@PathParam("messageId") String messageId, @QueryParam("queue") String queue);

    @POST
    @Path("/parked-messages/replay")
    ParkedMessages replayAll(@QueryParam("queue") String queue);

    @JsonIgnoreProperties(ignoreUnknown = true)
    record CustomerRow(String customerKey, String state, boolean accessGranted, String productCode,
            String customerIdentifier, String licenseArn, String customerAwsAccountId, String company,
            boolean registered, Instant since, String matchedBy) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record CustomerPage(List<CustomerRow> customers, String next, List<String> states) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record SearchResult(String query, String searchedBy, List<CustomerRow> customers, int limit, boolean truncated) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Registration(String company, String contactName, String email, String phone,
            Map<String, String> extraFields, Instant registeredAt, Instant updatedAt) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Entitlement(String type, Object value, Instant expiresAt, boolean expired) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Customer(String customerKey, String identityModel, String productCode, String customerIdentifier,
            String customerAwsAccountId, String licenseArn, String agreementId, String offerId, String state,
            boolean accessGranted, boolean freeTrial, Instant stateEventAt, Instant stateChangedAt,
            Instant createdAt, boolean registered, Registration registration, Map<String, Entitlement> entitlements,
            Instant entitlementsRefreshedAt, long version, AgreementTerms agreementTerms) {
    }

    /** The current agreement's terms, as entitlement-service last read them from the Agreement API. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record AgreementTerms(String agreementId, String productId, String offerType, String channelPartnerAccountId,
            String status, Instant startsAt, Instant endsAt, Boolean autoRenew, Instant freeTrialEndsAt,
            String summary, Instant readAt) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record HistoryEntry(String messageId, String kind, String result, boolean effectsPending, Instant receivedAt) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record CustomerDetail(Customer customer, String offerTypeHint, long landings, Instant firstLandedAt,
            Instant lastLandedAt, List<HistoryEntry> history, int historyLimit) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record ParkedMessage(String queue, String messageId, String parkReason, String parkedAt, String sourceQueue,
            String originalMessageId, int receiveCount, String body) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record DeadLetterQueue(String queue, String consumer, String deadLetterQueue, Long approximateCount,
            String error, List<ParkedMessage> messages) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record ParkedMessages(int count, List<ParkedMessage> messages) {
    }
}
