package io.mpsaas.metering;

import static io.mpsaas.metering.MeteringFixtures.hoursAgo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mpsaas.common.customer.SubscriptionState;
import io.mpsaas.common.messaging.CustomerIds;
import io.mpsaas.common.messaging.MeteringCommand;
import io.mpsaas.common.messaging.SuiteQueues;
import io.mpsaas.metering.domain.Aggregate;
import io.mpsaas.metering.domain.AggregateStatus;
import io.mpsaas.metering.domain.RejectionReason;
import io.mpsaas.metering.domain.UsageOutcome;
import io.mpsaas.metering.service.MeteringRunner;
import io.mpsaas.metering.service.UsageIngestion;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeRequest;
import io.mpsaas.sandbox.marketplace.ledger.MeteredRecord;
import io.mpsaas.sandbox.testing.SandboxTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;

/** Pricing models, the cancellation flush, dry run and the test-account allow-list. */
@QuarkusTest
@QuarkusTestResource(value = SandboxTestResource.class, restrictToAnnotatedClass = false)
class PricingFlushAndDryRunTest extends MeteringTestSupport {

    @Inject
    ObjectMapper mapper;

    @Inject
    SqsClient sqs;

    @Test
    void aConsumptionContract_billsOnlyTheHourlyOverageBeyondTheEntitlement() {
        // GIVEN 100 requests and 50 included calls per hour under contract
        MeteringFixtures.Buyer buyer = fx.buyer(SubscribeRequest.of("mtr-consumption").activated()
                .withQuantity("requests", 100).withQuantity("included_calls", 50), 3, SubscriptionState.ACTIVE,
                Map.of("requests", 100, "included_calls", 50));
        Instant h2 = hoursAgo(2);
        Instant h1 = hoursAgo(1);
        ingest(buyer, "requests", 80, h2);
        ingest(buyer, "requests", 100, h1);
        ingest(buyer, "requests", 30, h1.plusSeconds(600));
        ingest(buyer, "api_calls", 40, h1);
        ingest(buyer, "api_calls", 75, h2);

        // WHEN
        runner.flush(buyer.customerKey(), Instant.now());

        // THEN per hour: max(0, usage - entitled); the entitled dimension of api_calls is included_calls
        Aggregate requestsH1 = aggregate(buyer, "requests", h1);
        assertThat(requestsH1.frozenQuantity()).isEqualTo(130);
        assertThat(requestsH1.entitledQuantity()).isEqualTo(100.0);
        assertThat(requestsH1.billedQuantity()).isEqualTo(30);
        List<MeteredRecord> billed = sandbox.simulator().ledger().records("mtr-consumption", buyer.ledgerId());
        assertThat(billed).extracting(MeteredRecord::hour, MeteredRecord::dimension, MeteredRecord::quantity)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple(h2, "requests", 0),
                        org.assertj.core.groups.Tuple.tuple(h2, "api_calls", 25),
                        org.assertj.core.groups.Tuple.tuple(h1, "requests", 30),
                        org.assertj.core.groups.Tuple.tuple(h1, "api_calls", 0));
    }

    @Test
    void aFlushCommand_metersOpenUsageAtOnce_currentHourIncluded_andLaterUsageIsRejected() throws Exception {
        // GIVEN usage in the previous and the current hour, and the buyer cancels
        MeteringFixtures.Buyer buyer = fx.activeBuyer(fx.newProduct(true, "requests"), 2);
        Instant h1 = hoursAgo(1);
        Instant current = hoursAgo(0);
        ingest(buyer, "requests", 5, h1);
        ingest(buyer, "requests", 3, Instant.now());
        sandbox.simulator().cancel(buyer.sub().subscriptionId());
        fx.setState(buyer.customerKey(), SubscriptionState.UNSUBSCRIBE_PENDING);

        // WHEN entitlement-service sends the flush
        MeteringCommand flush = new MeteringCommand(MeteringCommand.FLUSH, UUID.randomUUID().toString(),
                new CustomerIds(buyer.customerKey(), null, buyer.productCode(), null,
                        buyer.sub().customerAWSAccountId(), buyer.sub().licenseArn(), buyer.sub().agreementId()),
                "unsubscribe-pending", Instant.now(), Instant.now().plus(Duration.ofHours(1)));
        String body = mapper.writeValueAsString(flush);
        sqs.sendMessage(r -> r.queueUrl(sandbox.aws().queueUrl(SuiteQueues.METERING_COMMANDS)).messageBody(body));

        // THEN both hours are billed right away, the open one included
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(aggregate(buyer, "requests", h1).status()).isEqualTo(AggregateStatus.SENT);
            assertThat(aggregate(buyer, "requests", current).status()).isEqualTo(AggregateStatus.SENT);
        });
        assertThat(sandbox.simulator().ledger().records(buyer.productCode(), buyer.ledgerId()))
                .extracting(MeteredRecord::hour, MeteredRecord::quantity)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(h1, 5),
                        org.assertj.core.groups.Tuple.tuple(current, 3));
        // usage of the flushed hour can no longer be billed: rejected with a reason, not dropped silently
        assertThat(ingestion.ingest(List.of(buyer.usage("requests", 1, Instant.now())), UsageIngestion.SOURCE_API))
                .extracting(UsageOutcome::reason).containsExactly(RejectionReason.HOUR_ALREADY_METERED);
        // and once the cancellation completes, nothing is accepted any more
        sandbox.simulator().completeCancellation(buyer.sub().subscriptionId());
        fx.setState(buyer.customerKey(), SubscriptionState.UNSUBSCRIBED);
        assertThat(ingestion.ingest(List.of(buyer.usage("requests", 1, Instant.now())), UsageIngestion.SOURCE_API))
                .extracting(UsageOutcome::reason).containsExactly(RejectionReason.CUSTOMER_NOT_ACTIVE);
        assertThat(fx.billed(buyer, "requests")).isEqualTo(8);
    }

    @Test
    void dryRun_sendsNothing_andRecordsTheAggregatesAsDryRun() {
        MeteringFixtures.Buyer buyer = fx.activeBuyer(fx.newProduct(false, "requests"), 2);
        ingest(buyer, "requests", 9, hoursAgo(1));

        MeteringRunner.Report report = replica("dry-run", true, Set.of(), MeteringRunner.Failpoint.NONE)
                .flush(buyer.customerKey(), Instant.now());

        assertThat(report.count(AggregateStatus.DRY_RUN)).isEqualTo(1);
        assertThat(aggregate(buyer, "requests", hoursAgo(1)).status()).isEqualTo(AggregateStatus.DRY_RUN);
        assertThat(fx.attempts(buyer)).isEmpty();
        assertThat(fx.billed(buyer, "requests")).isZero();
    }

    @Test
    void theTestAccountAllowList_metersOnlyListedAccounts() {
        String product = fx.newProduct(true, "requests");
        MeteringFixtures.Buyer tester = fx.activeBuyer(product, 2);
        MeteringFixtures.Buyer realCustomer = fx.activeBuyer(product, 2);
        ingest(tester, "requests", 4, hoursAgo(1));
        ingest(realCustomer, "requests", 6, hoursAgo(1));
        MeteringRunner staging = replica("staging", false, Set.of(tester.sub().customerAWSAccountId()),
                MeteringRunner.Failpoint.NONE);

        staging.flush(tester.customerKey(), Instant.now());
        staging.flush(realCustomer.customerKey(), Instant.now());

        assertThat(fx.billed(tester, "requests")).isEqualTo(4);
        assertThat(fx.attempts(realCustomer)).isEmpty();
        Aggregate skipped = aggregate(realCustomer, "requests", hoursAgo(1));
        assertThat(skipped.status()).isEqualTo(AggregateStatus.DRY_RUN);
        assertThat(skipped.resultMessage()).contains("not a test account");
    }

    @Test
    void zeroQuantityRecords_areSentForActiveCustomersWithoutUsage() {
        MeteringFixtures.Buyer buyer = fx.activeBuyer("mtr-zero", 3);
        Instant h1 = hoursAgo(1);
        ingest(buyer, "requests", 5, h1);

        int created = runner.zeroRecords(h1, Instant.now());
        runner.flush(buyer.customerKey(), Instant.now());

        assertThat(created).isGreaterThanOrEqualTo(1);
        assertThat(sandbox.simulator().ledger().records("mtr-zero", buyer.ledgerId()))
                .extracting(MeteredRecord::dimension, MeteredRecord::quantity)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("requests", 5),
                        org.assertj.core.groups.Tuple.tuple("gb_stored", 0));
    }

    @Test
    void finalUsage_afterLicenseDeprovisioned_isAcceptedAndBilledForAnHour_butNotUsageAfterIt() {
        // GIVEN a Concurrent Agreements (EventBridge) customer whose license was just deprovisioned
        MeteringFixtures.Buyer buyer = fx.activeBuyer(fx.newProduct(true, "requests"), 2);
        sandbox.simulator().cancel(buyer.sub().subscriptionId());
        sandbox.simulator().completeCancellation(buyer.sub().subscriptionId());
        Instant deprovisionedAt = Instant.now();
        fx.setDeprovisioned(buyer, deprovisionedAt);

        // WHEN usage that happened before the deprovisioning arrives within the hour after it, and usage after it
        List<UsageOutcome> outcomes = ingestion.ingest(List.of(
                buyer.usage("requests", 4, deprovisionedAt.minusSeconds(30)),
                buyer.usage("requests", 1, deprovisionedAt.plusSeconds(5))), UsageIngestion.SOURCE_API);

        // THEN the final usage is accepted, the later one refused
        assertThat(outcomes).extracting(UsageOutcome::status).containsExactly(UsageOutcome.Status.ACCEPTED,
                UsageOutcome.Status.REJECTED);
        assertThat(outcomes.get(1).reason()).isEqualTo(RejectionReason.CUSTOMER_NOT_ACTIVE);

        // AND it is billed: AWS (the simulator) takes it within the hour after License Deprovisioned
        replica("final-hour").flush(buyer.customerKey(), Instant.now());
        assertThat(fx.billed(buyer, "requests")).isEqualTo(4);
    }
}
