package io.mpsaas.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.mpsaas.common.dynamo.Attr;
import io.mpsaas.common.dynamo.Paging;
import io.mpsaas.common.dynamo.SuiteTables;
import io.mpsaas.common.messaging.SuiteQueues;
import io.mpsaas.sandbox.LocalAws;
import io.mpsaas.sandbox.LocalSuite.Service;
import io.mpsaas.sandbox.marketplace.webhook.WebhookReceiver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Webhooks lose no event when the seller's receiver is down (10 minutes in the full run, 30 s in every build, with
 * short retry delays so the retries happen meanwhile) and when entitlement-service, which sends them, is SIGKILLed
 * while retrying and again while delivering: every event the suite put on the customer-events queue reaches the
 * sandbox's receiver, signed (the receiver refuses anything else), and every delivery ends delivered.
 */
class WebhookReliabilityTest {

    private static final long SEED = 21_001L;

    @Test
    void receiverDown_andTheSenderKilledMidDelivery_loseNoEvent() throws IOException {
        Level level = Level.current();
        Duration down = Duration.ofSeconds(level.pick(30, 600));
        Figures figures = new Figures("webhooks");
        try (Suite suite = Suite.start("webhooks", Map.of(), Map.of(Service.ENTITLEMENT, Map.of(
                // retries every few seconds while the receiver is down; a killed sender's claims free after 15 s
                "suite.webhooks.first-delay", "PT1S",
                "suite.webhooks.max-delay", "PT5S",
                "suite.webhooks.lease", "PT15S")))) {
            WebhookReceiver receiver = suite.sim.webhooks();
            LocalAws aws = suite.local.sandbox().aws();

            // GIVEN the seller's receiver down (it answers 503)
            receiver.down(true);

            // WHEN buyers subscribe, activate, upgrade and cancel while it is down
            Journeys journeys = new Journeys(suite, figures, SEED, level.pick(6, 24)).start(Duration.ofMillis(300));
            Load.pause(down.toMillis() / 2);
            // AND entitlement-service is SIGKILLed while it retries, and started again
            restart(suite, figures);
            Load.pause(down.toMillis() / 2);
            journeys.stop();

            // AND the receiver comes back, and the sender is killed again while it delivers the backlog
            receiver.down(false);
            Load.pause(300);
            restart(suite, figures);

            // THEN every delivery written ends delivered
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                    assertThat(deliveries(aws).values()).isNotEmpty().allMatch("DELIVERED"::equals));
            Set<String> written = deliveries(aws).keySet();
            // AND the receiver got each of them, and only them, with a valid signature (it refused nothing)
            Set<String> received = receiver.deliveries().stream().map(WebhookReceiver.Received::id)
                    .collect(Collectors.toCollection(TreeSet::new));
            assertThat(received).isEqualTo(written);
            assertThat(receiver.rejected()).isEmpty();
            // AND every event the suite put on the customer-events queue is among them: none lost
            Set<String> queued = queuedEventIds(aws, suite);
            assertThat(queued).isNotEmpty();
            assertThat(received).containsAll(queued);
            figures.add("events", queued.size());
            figures.add("deliveries", written.size());
            figures.add("repeats received (at least once)", receiver.deliveries().stream()
                    .mapToInt(WebhookReceiver.Received::repeats).sum());
            figures.note("outcome", "passed");
        } catch (RuntimeException | AssertionError e) {
            figures.note("outcome", "failed: " + Verdicts.abbreviate(String.valueOf(e.getMessage())));
            throw e;
        } finally {
            figures.publish();
        }
    }

    private static void restart(Suite suite, Figures figures) {
        suite.local.kill(Service.ENTITLEMENT);
        figures.inc("entitlement-service SIGKILLs");
        try {
            suite.local.startService(Service.ENTITLEMENT);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200))
                .until(() -> suite.live(Service.ENTITLEMENT));
    }

    /** The webhook delivery items of the sandbox's endpoint: eventId -> status. */
    private static Map<String, String> deliveries(LocalAws aws) {
        ScanRequest scan = ScanRequest.builder().tableName(SuiteTables.CUSTOMERS)
                .filterExpression("begins_with(pk, :p)")
                .expressionAttributeValues(Map.of(":p", AttributeValue.fromS("webhook#sandbox#"))).build();
        return Paging.scan(aws.dynamo(), scan).collect(Collectors.toMap(i -> Attr.string(i, "eventId"),
                i -> Attr.string(i, "status")));
    }

    /** The eventIds of every event on the customer-events queue (nobody else reads it in this run). */
    private static Set<String> queuedEventIds(LocalAws aws, Suite suite) {
        String url = aws.queueUrl(SuiteQueues.CUSTOMER_EVENTS);
        Set<String> ids = new TreeSet<>();
        Instant until = Instant.now().plusSeconds(30);
        List<Message> batch;
        do {
            batch = aws.sqs().receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1)
                    .visibilityTimeout(600)).messages();
            for (Message m : batch) {
                try {
                    JsonNode event = suite.json.readTree(m.body());
                    ids.add(event.path("eventId").asText());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        } while (!batch.isEmpty() && Instant.now().isBefore(until));
        return ids;
    }
}
