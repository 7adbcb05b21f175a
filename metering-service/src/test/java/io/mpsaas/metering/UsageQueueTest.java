package io.mpsaas.metering;

import static io.mpsaas.metering.MeteringFixtures.hoursAgo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mpsaas.common.messaging.SqsConsumer;
import io.mpsaas.common.messaging.SuiteQueues;
import io.mpsaas.metering.domain.UsageRecordInput;
import io.mpsaas.metering.service.UsageIngestion;
import io.mpsaas.sandbox.testing.SandboxTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/** The usage queue: same schema as the API, aggregated together; bad records parked with their reason. */
@QuarkusTest
@QuarkusTestResource(value = SandboxTestResource.class, restrictToAnnotatedClass = false)
class UsageQueueTest extends MeteringTestSupport {

    @Inject
    SqsClient sqs;

    @Inject
    ObjectMapper mapper;

    private void send(Object body) throws Exception {
        String json = body instanceof String s ? s : mapper.writeValueAsString(body);
        sqs.sendMessage(r -> r.queueUrl(sandbox.aws().queueUrl(SuiteQueues.USAGE)).messageBody(json));
    }

    @Test
    void queueAndApiUsage_addUpInTheSameHour_andAreBilledExactly() throws Exception {
        MeteringFixtures.Buyer buyer = fx.activeBuyer(fx.newProduct(true, "requests"), 2);
        Instant h1 = hoursAgo(1);
        UsageRecordInput repeated = buyer.usage("requests", 4, h1.plusSeconds(7));
        send(Map.of("records", List.of(buyer.usage("requests", 2, h1), repeated)));
        send(repeated);
        send(List.of(buyer.usage("requests", 1, h1.plusSeconds(9))));
        ingestion.ingest(List.of(buyer.usage("requests", 10, h1.plusSeconds(20))), UsageIngestion.SOURCE_API);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(
                () -> assertThat(aggregate(buyer, "requests", h1).events()).isEqualTo(4));
        assertThat(aggregate(buyer, "requests", h1).quantity()).isEqualTo(17);

        runner.flush(buyer.customerKey(), Instant.now());
        assertThat(fx.billed(buyer, "requests")).isEqualTo(17);
    }

    @Test
    void aMalformedMessage_isParkedInTheDeadLetterQueueWithItsReason() throws Exception {
        String marker = "not-json-" + UUID.randomUUID();
        send("{" + marker);

        Message parked = awaitParked(marker);
        assertThat(parked.messageAttributes().get(SqsConsumer.PARK_REASON_ATTRIBUTE).stringValue())
                .contains("malformed usage message");
    }

    @Test
    void onlyTheRejectedRecordsOfAMessage_areParked_theOthersCount() throws Exception {
        MeteringFixtures.Buyer buyer = fx.activeBuyer(fx.newProduct(false, "requests"), 2);
        Instant h1 = hoursAgo(1);
        String badKey = "bad-" + UUID.randomUUID();
        send(Map.of("records", List.of(buyer.usage("requests", 5, h1), buyer.usage("requests", -3, h1, badKey))));

        Message parked = awaitParked(badKey);
        assertThat(parked.messageAttributes().get(SqsConsumer.PARK_REASON_ATTRIBUTE).stringValue())
                .contains("INVALID_QUANTITY");
        assertThat(mapper.readTree(parked.body()).path("records")).hasSize(1);
        assertThat(aggregate(buyer, "requests", h1).quantity()).isEqualTo(5);
    }

    @Test
    void aMeteringCommandOfAnUnknownType_isParkedWithItsReason() {
        String commandId = "cmd-" + UUID.randomUUID();
        sqs.sendMessage(r -> r.queueUrl(sandbox.aws().queueUrl(SuiteQueues.METERING_COMMANDS)).messageBody(
                "{\"type\":\"explode\",\"commandId\":\"" + commandId + "\",\"customer\":{\"customerKey\":\"x\"},"
                        + "\"requestedAt\":\"2026-01-01T00:00:00Z\"}"));

        Message parked = awaitParked(SuiteQueues.METERING_COMMANDS, commandId);
        assertThat(parked.messageAttributes().get(SqsConsumer.PARK_REASON_ATTRIBUTE).stringValue())
                .contains("unknown metering command type 'explode'");
    }

    private Message awaitParked(String marker) {
        return awaitParked(SuiteQueues.USAGE, marker);
    }
}
