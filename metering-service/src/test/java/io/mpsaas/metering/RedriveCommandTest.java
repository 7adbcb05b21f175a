package io.mpsaas.metering;

import static io.mpsaas.metering.MeteringFixtures.hoursAgo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mpsaas.common.customer.SubscriptionState;
import io.mpsaas.common.marketplace.BatchMeterUsageRequest;
import io.mpsaas.common.marketplace.UsageRecord;
import io.mpsaas.common.messaging.CustomerIds;
import io.mpsaas.common.messaging.MeteringCommand;
import io.mpsaas.common.messaging.SqsConsumer;
import io.mpsaas.common.messaging.SuiteQueues;
import io.mpsaas.metering.domain.AggregateStatus;
import io.mpsaas.metering.persistence.UsageTable;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeRequest;
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

/**
 * The operator console's re-drive: a {@code redrive} MeteringCommand on the metering-commands queue goes through the
 * admin re-drive's code path, so it re-drives exactly what the endpoint would and refuses what it refuses.
 */
@QuarkusTest
@QuarkusTestResource(value = SandboxTestResource.class, restrictToAnnotatedClass = false)
class RedriveCommandTest extends MeteringTestSupport {

    @Inject
    ObjectMapper mapper;

    @Inject
    SqsClient sqs;

    @Test
    void aRedriveCommand_requeuesARedrivableAggregate_withItsFrozenQuantity_andLeavesADuplicateRecordAlone()
            throws Exception {
        // GIVEN one hour refused as CustomerNotSubscribed (the buyer was not activated yet) and, once activated, one
        // hour AWS already holds another quantity for (DuplicateRecord)
        String product = fx.newProduct(false, "requests");
        MeteringFixtures.Buyer buyer = fx.buyer(SubscribeRequest.of(product), 4, SubscriptionState.ACTIVE, Map.of());
        Instant h1 = hoursAgo(1);
        Instant h2 = hoursAgo(2);
        ingest(buyer, "requests", 12, h1);
        runner.flush(buyer.customerKey(), Instant.now());
        sandbox.simulator().activate(buyer.sub().subscriptionId());
        ingest(buyer, "requests", 4, h2);
        marketplace.batchMeterUsage(new BatchMeterUsageRequest(product,
                List.of(UsageRecord.legacy(h2, buyer.sub().customerIdentifier(), "requests", 9))));
        runner.flush(buyer.customerKey(), Instant.now());
        String notSubscribed = UsageTable.aggregateId(buyer.customerKey(), "requests", h1);
        String duplicate = UsageTable.aggregateId(buyer.customerKey(), "requests", h2);
        assertThat(aggregate(buyer, "requests", h1).status()).isEqualTo(AggregateStatus.CUSTOMER_NOT_SUBSCRIBED);
        assertThat(aggregate(buyer, "requests", h2).status()).isEqualTo(AggregateStatus.DUPLICATE_RECORD);

        // WHEN the console asks for both to be re-driven
        send(MeteringCommand.redrive("cmd-" + UUID.randomUUID(), ids(buyer), List.of(notSubscribed, duplicate),
                "operator console", Instant.now()));

        // THEN the re-drivable one is pending again with its frozen quantity, the duplicate is untouched
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(aggregate(buyer, "requests", h1).status()).isEqualTo(AggregateStatus.FROZEN));
        assertThat(aggregate(buyer, "requests", h1).frozenQuantity()).isEqualTo(12);
        assertThat(aggregate(buyer, "requests", h2).status()).isEqualTo(AggregateStatus.DUPLICATE_RECORD);
        // AND the next run bills it, once, with the frozen quantity
        runner.meterClosedHours(Instant.now(), true);
        assertThat(aggregate(buyer, "requests", h1).status()).isEqualTo(AggregateStatus.SENT);
        assertThat(fx.billed(buyer, "requests")).isEqualTo(12 + 9);
    }

    @Test
    void aRedriveCommand_namingAnotherCustomersAggregate_isParked_andReDrivesNothing() throws Exception {
        // GIVEN a failed aggregate of one customer
        String product = fx.newProduct(false, "requests");
        MeteringFixtures.Buyer buyer = fx.buyer(SubscribeRequest.of(product), 3, SubscriptionState.ACTIVE, Map.of());
        MeteringFixtures.Buyer other = fx.activeBuyer(product, 3);
        Instant h1 = hoursAgo(1);
        ingest(buyer, "requests", 7, h1);
        runner.flush(buyer.customerKey(), Instant.now());
        String failed = UsageTable.aggregateId(buyer.customerKey(), "requests", h1);
        sandbox.simulator().activate(buyer.sub().subscriptionId());

        // WHEN a command for another customer names it
        String commandId = "cmd-" + UUID.randomUUID();
        send(MeteringCommand.redrive(commandId, ids(other), List.of(failed), "operator console", Instant.now()));

        // THEN the command is parked with its reason and the aggregate stays failed
        Message parked = awaitParked(SuiteQueues.METERING_COMMANDS, commandId);
        assertThat(parked.messageAttributes().get(SqsConsumer.PARK_REASON_ATTRIBUTE).stringValue())
                .contains("not one of customer " + other.customerKey());
        assertThat(aggregate(buyer, "requests", h1).status()).isEqualTo(AggregateStatus.CUSTOMER_NOT_SUBSCRIBED);
    }

    @Test
    void aRedriveCommand_withoutAggregateIds_isParked() throws Exception {
        MeteringFixtures.Buyer buyer = fx.activeBuyer(fx.newProduct(false, "requests"), 2);
        String commandId = "cmd-" + UUID.randomUUID();

        send(MeteringCommand.redrive(commandId, ids(buyer), List.of(), "operator console", Instant.now()));

        Message parked = awaitParked(SuiteQueues.METERING_COMMANDS, commandId);
        assertThat(parked.messageAttributes().get(SqsConsumer.PARK_REASON_ATTRIBUTE).stringValue())
                .contains("names no aggregates");
    }

    private static CustomerIds ids(MeteringFixtures.Buyer buyer) {
        return new CustomerIds(buyer.customerKey(), null, buyer.productCode(), buyer.sub().customerIdentifier(),
                buyer.sub().customerAWSAccountId(), null, null);
    }

    private void send(MeteringCommand command) throws Exception {
        String body = mapper.writeValueAsString(command);
        sqs.sendMessage(r -> r.queueUrl(sandbox.aws().queueUrl(SuiteQueues.METERING_COMMANDS)).messageBody(body));
    }
}
