package io.mpsaas.entitlement.rest;

import io.mpsaas.common.messaging.SqsConsumer;
import io.mpsaas.common.security.ApiRole;
import io.mpsaas.common.security.SecuredApi;
import io.mpsaas.entitlement.config.EntitlementConfig;
import io.mpsaas.entitlement.listener.NotificationConsumers;
import io.mpsaas.entitlement.listener.NotificationHandler;
import io.mpsaas.entitlement.messaging.DeadLetterQueues;
import io.mpsaas.entitlement.messaging.NotificationQueues;
import io.mpsaas.entitlement.messaging.ParkedMessage;
import io.mpsaas.entitlement.messaging.SuiteDeadLetters;
import io.mpsaas.entitlement.service.ReconciliationReport;
import io.mpsaas.entitlement.service.ReconciliationService;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Operators: parked messages of every queue of the suite and their replay, a reconciliation run on demand, consumer
 * counters.
 */
@Path("/api/v1/admin")
@Produces(MediaType.APPLICATION_JSON)
@SecuredApi(ApiRole.ADMIN)
@Tag(name = "admin", description = "The operator API: an admin key (suite.api.admin-keys)")
@SecurityRequirement(name = "ApiKey")
@SecurityRequirement(name = "Bearer")
@APIResponse(responseCode = "403", description = "An app key: this API needs an admin key")
public class AdminResource {

    /** A message the consumer parked, as the parked-messages list shows it. */
    static final String PARKED_EXAMPLE = """
            {"count": 1, "messages": [{"queue": "marketplace-notifications-dlq",
              "messageId": "0b5e7f3a-8d0c-4a57-9f8e-1d2c3b4a5f60",
              "parkReason": "malformed JSON: Unexpected end-of-input", "parkedAt": "2026-11-22T07:12:40.118Z",
              "sourceQueue": "marketplace-notifications", "originalMessageId": "6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f",
              "receiveCount": 1, "body": "{\\"Type\\": \\"Notification\\""}]}""";

    private final NotificationQueues queues;
    private final SuiteDeadLetters suiteDeadLetters;
    private final DeadLetterQueues deadLetters;
    private final ReconciliationService reconciliation;
    private final NotificationConsumers consumers;
    private final NotificationHandler handler;
    private final EntitlementConfig config;

    public AdminResource(NotificationQueues queues, SuiteDeadLetters suiteDeadLetters, DeadLetterQueues deadLetters,
            ReconciliationService reconciliation, NotificationConsumers consumers, NotificationHandler handler,
            EntitlementConfig config) {
        this.queues = queues;
        this.suiteDeadLetters = suiteDeadLetters;
        this.deadLetters = deadLetters;
        this.reconciliation = reconciliation;
        this.consumers = consumers;
        this.handler = handler;
        this.config = config;
    }

    /** Messages listed or replayed. */
    public record ParkedMessages(@Schema(required = true) int count,
            @Schema(required = true) List<ParkedMessage> messages) {
    }

    /** Consumer counters since start. */
    public record ConsumerStats(@Schema(required = true) String queue, boolean healthy, long received, long done, long retried, long parked,
            int inFlight) {
    }

    /**
     * A dead-letter queue of the suite: the queue it serves, who consumes that queue, how many messages SQS counts in
     * it (visible and in flight; null when unknown), why it could not be read (null when it could), its messages.
     */
    public record DeadLetterQueueView(@Schema(required = true) String queue, String consumer,
            @Schema(nullable = true) String deadLetterQueue, @Schema(nullable = true) Long approximateCount,
            @Schema(nullable = true) String error, @Schema(nullable = true) List<ParkedMessage> messages) {

        static DeadLetterQueueView of(SuiteDeadLetters.Listing l) {
            String dlq = l.queue().deadLetterUrl();
            return new DeadLetterQueueView(l.queue().name(), l.queue().consumer(),
                    dlq == null ? null : dlq.substring(dlq.lastIndexOf('/') + 1), l.approximateCount(), l.error(),
                    l.messages());
        }
    }

    /** Counters of every consumer, and parked messages by reason. */
    public record Stats(List<ConsumerStats> consumers, Map<String, Long> parkedByReason) {
    }

    @GET
    @Path("/dead-letter-queues")
    @Operation(summary = "Every dead-letter queue of the suite (notification, usage, metering-commands and"
            + " customer-events queues) with its count and, unless messages=false, its parked messages",
            operationId = "deadLetterQueues")
    @APIResponse(responseCode = "200", description = "One entry per dead-letter queue", content = @Content(
            mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(type = SchemaType.ARRAY, implementation = DeadLetterQueueView.class)))
    public List<DeadLetterQueueView> deadLetterQueues(@QueryParam("messages") @DefaultValue("true") boolean messages) {
        return suiteDeadLetters.listAll(messages).stream().map(DeadLetterQueueView::of).toList();
    }

    @GET
    @Path("/parked-messages")
    @Operation(summary = "Messages parked in the dead-letter queues of the notification queues (or of the suite's"
            + " queue named by 'queue'), with their reason", operationId = "parkedMessages")
    @APIResponse(responseCode = "200", description = "The messages", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ParkedMessages.class),
            examples = @ExampleObject(name = "one-parked", value = PARKED_EXAMPLE)))
    @APIResponse(responseCode = "404", description = "'queue' names no queue of the suite")
    public ParkedMessages parked(@QueryParam("queue") String queue) {
        List<ParkedMessage> all = new ArrayList<>();
        for (NotificationQueues.Queue q : selected(queue)) {
            all.addAll(deadLetters.list(q, config.admin().maxParkedMessages()));
        }
        return new ParkedMessages(all.size(), all);
    }

    @POST
    @Path("/parked-messages/{messageId}/replay")
    @Operation(summary = "Moves one parked message back to its queue (a notification queue, or the suite's queue named"
            + " by 'queue')", operationId = "replayParkedMessage")
    @APIResponse(responseCode = "200", description = "The message replayed, without its park attributes", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ParkedMessages.class),
            examples = @ExampleObject(name = "one-parked", value = PARKED_EXAMPLE)))
    @APIResponse(responseCode = "404", description = "No longer parked, or 'queue' names no queue of the suite")
    public ParkedMessages replayOne(@PathParam("messageId") String messageId, @QueryParam("queue") String queue) {
        List<ParkedMessage> replayed = new ArrayList<>();
        for (NotificationQueues.Queue q : selected(queue)) {
            replayed.addAll(deadLetters.replay(q, config.admin().maxParkedMessages(), messageId));
        }
        if (replayed.isEmpty()) {
            throw ApiException.notFound("no parked message " + messageId);
        }
        return new ParkedMessages(replayed.size(), replayed);
    }

    @POST
    @Path("/parked-messages/replay")
    @Operation(summary = "Moves every parked message back to its queue (the notification queues, or the suite's queue"
            + " named by 'queue')", operationId = "replayParkedMessages")
    @APIResponse(responseCode = "200", description = "The messages replayed (at most suite.entitlement.admin.max-parked-messages)", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ParkedMessages.class),
            examples = @ExampleObject(name = "one-parked", value = PARKED_EXAMPLE)))
    @APIResponse(responseCode = "404", description = "'queue' names no queue of the suite")
    public ParkedMessages replayAll(@QueryParam("queue") String queue) {
        List<ParkedMessage> replayed = new ArrayList<>();
        for (NotificationQueues.Queue q : selected(queue)) {
            replayed.addAll(deadLetters.replay(q, config.admin().maxParkedMessages(), null));
        }
        return new ParkedMessages(replayed.size(), replayed);
    }

    @POST
    @Path("/reconciliation")
    @Operation(summary = "Runs a reconciliation now, over one product or every product", operationId = "reconcile")
    @APIResponse(responseCode = "200", description = "What the run checked and repaired", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ReconciliationReport.class),
            examples = @ExampleObject(name = "one-product", value = """
                    {"startedAt": "2026-11-22T08:00:00.010Z", "finishedAt": "2026-11-22T08:00:01.250Z",
                     "productCodes": ["sbx-legacy-contract"], "checked": 12, "repaired": 1, "failed": 0,
                     "effectsResent": 0}""")))
    @APIResponse(responseCode = "409", description = "A reconciliation is running")
    public ReconciliationReport reconcile(@QueryParam("productCode") List<String> productCodes) {
        try {
            return reconciliation.run(productCodes == null || productCodes.isEmpty() ? null : productCodes);
        } catch (ReconciliationService.AlreadyRunningException e) {
            throw new ApiException(409, "reconciliation-running", "Reconciliation running", e.getMessage());
        }
    }

    @GET
    @Path("/consumers")
    @Operation(summary = "Counters of the notification consumers", operationId = "consumers")
    @APIResponse(responseCode = "200", description = "Counters since start, and parked messages by reason",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Stats.class)))
    public Stats consumers() {
        List<ConsumerStats> stats = new ArrayList<>();
        for (SqsConsumer c : consumers.consumers()) {
            stats.add(new ConsumerStats(c.name(), c.healthy(), c.received(), c.done(), c.retried(), c.parked(),
                    c.inFlight()));
        }
        return new Stats(stats, handler.parkedByReason());
    }

    /** The notification queues, or the one queue of the suite named (a notification queue or another's). */
    private List<NotificationQueues.Queue> selected(String queue) {
        if (queue == null || queue.isBlank()) {
            return queues.all();
        }
        String name = queue.strip();
        return List.of(queues.byName(name).or(() -> suiteDeadLetters.byName(name)
                .map(SuiteDeadLetters.Queue::asAdminQueue)).orElseThrow(() -> ApiException.notFound(
                        "no queue of the suite named " + queue)));
    }
}
