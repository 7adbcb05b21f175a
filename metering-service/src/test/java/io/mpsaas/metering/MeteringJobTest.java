package io.mpsaas.metering;

import static io.mpsaas.metering.MeteringFixtures.hoursAgo;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.mpsaas.common.marketplace.BatchMeterUsageRequest;
import io.mpsaas.common.marketplace.UsageRecord;
import io.mpsaas.common.customer.SubscriptionState;
import io.mpsaas.metering.domain.AggregateStatus;
import io.mpsaas.metering.domain.UsageOutcome;
import io.mpsaas.metering.job.MeteringJob;
import io.mpsaas.metering.service.MeteringRunner;
import io.mpsaas.metering.service.UsageIngestion;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeRequest;
import io.mpsaas.sandbox.marketplace.fault.Operation;
import io.mpsaas.sandbox.marketplace.fault.OperationFaults;
import io.mpsaas.sandbox.marketplace.ledger.AttemptOutcome;
import io.mpsaas.sandbox.marketplace.ledger.MeteredRecord;
import io.mpsaas.sandbox.marketplace.ledger.MeteringAttempt;
import io.mpsaas.sandbox.testing.PrometheusText;
import io.mpsaas.sandbox.testing.SandboxTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The metering job against DynamoDB Local and the simulator: hours, batches, statuses, retries, the window. */
@QuarkusTest
@QuarkusTestResource(value = SandboxTestResource.class, restrictToAnnotatedClass = false)
class MeteringJobTest extends MeteringTestSupport {

    /** /q/metrics, on the management interface (its own port: quarkus.management.test-port=0; values are under /q). */
    @TestHTTPResource(value = "metrics", management = true)
    URL metrics;

    @Inject
    MeteringJob job;

    @Test
    void closedHours_areMeteredOncePerHour_withTheStartOfTheHourAsTimestamp() {
        // GIVEN a CA and a legacy customer with usage in the two previous hours and the current one
        MeteringFixtures.Buyer ca = fx.activeBuyer(fx.newProduct(true, "requests"), 3);
        MeteringFixtures.Buyer legacy = fx.activeBuyer(fx.newProduct(false, "requests"), 3);
        Instant h2 = hoursAgo(2);
        Instant h1 = hoursAgo(1);
        Instant current = hoursAgo(0);
        for (MeteringFixtures.Buyer b : List.of(ca, legacy)) {
            ingest(b, "requests", 3, h2.plusSeconds(1));
            ingest(b, "requests", 4, h2.plusSeconds(3599));
            ingest(b, "requests", 10, h1);
            ingest(b, "requests", 20, h1.plusSeconds(1200));
            ingest(b, "requests", 1, Instant.now());
        }

        // WHEN the job runs (twice: the second run has nothing left to send)
        job.runNow();
        int attemptsAfterFirstRun = fx.attempts(ca).size() + fx.attempts(legacy).size();
        job.runNow();

        // THEN each closed hour is billed once, stamped with the start of its hour; the open hour waits
        for (MeteringFixtures.Buyer b : List.of(ca, legacy)) {
            List<MeteredRecord> billed = sandbox.simulator().ledger().records(b.productCode(), b.ledgerId());
            assertThat(billed).extracting(MeteredRecord::hour, MeteredRecord::timestamp, MeteredRecord::quantity)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(h2, h2, 7),
                            org.assertj.core.groups.Tuple.tuple(h1, h1, 30));
            assertThat(aggregate(b, "requests", h1).status()).isEqualTo(AggregateStatus.SENT);
            assertThat(aggregate(b, "requests", h1).meteringRecordId()).isEqualTo(billed.get(1).meteringRecordId());
            assertThat(aggregate(b, "requests", current).status()).isEqualTo(AggregateStatus.OPEN);
        }
        assertThat(fx.attempts(ca)).extracting(MeteringAttempt::licenseArn).containsOnly(ca.sub().licenseArn());
        assertThat(fx.attempts(ca)).extracting(MeteringAttempt::customerIdentifier).containsOnlyNulls();
        assertThat(fx.attempts(legacy)).extracting(MeteringAttempt::customerIdentifier)
                .containsOnly(legacy.sub().customerIdentifier());
        assertThat(fx.attempts(ca).size() + fx.attempts(legacy).size()).isEqualTo(attemptsAfterFirstRun);
    }

    @Test
    void lateUsageForAnHourAlreadySent_countsInTheCurrentHour_neverLost() {
        MeteringFixtures.Buyer buyer = fx.activeBuyer(fx.newProduct(true, "requests"), 3);
        Instant h1 = hoursAgo(1);
        ingest(buyer, "requests", 5, h1);
        runner.flush(buyer.customerKey(), Instant.now());

        List<UsageOutcome> late = ingestion.ingest(List.of(buyer.usage("requests", 2, h1.plusSeconds(60))),
                UsageIngestion.SOURCE_API);

        assertThat(late.get(0).status()).isEqualTo(UsageOutcome.Status.ACCEPTED);
        assertThat(late.get(0).usageHour()).isEqualTo(h1);
        assertThat(late.get(0).meteredHour()).isEqualTo(hoursAgo(0));
        assertThat(aggregate(buyer, "requests", hoursAgo(0)).quantity()).isEqualTo(2);
        assertThat(aggregate(buyer, "requests", hoursAgo(0)).carriedQuantity())
                .as("the current hour says how much of it was carried from the sent hour").isEqualTo(2);
        assertThat(aggregate(buyer, "requests", h1).carriedQuantity()).isZero();
        assertThat(fx.billed(buyer, "requests")).isEqualTo(5);
    }

    @Test
    void thirtyRecordsOfOneProduct_areSentInCallsOf25AndOf5() {
        // GIVEN one customer with usage in 30 dimensions of one hour
        String[] dimensions = new String[30];
        for (int i = 0; i < 30; i++) {
            dimensions[i] = String.format("d%02d", i);
        }
        MeteringFixtures.Buyer buyer = fx.activeBuyer(fx.newProduct(true, dimensions), 2);
        Instant h1 = hoursAgo(1);
        for (int i = 0; i < 30; i++) {
            ingest(buyer, dimensions[i], i + 1, h1.plusSeconds(i));
        }

        // WHEN
        MeteringRunner.Report report = runner.flush(buyer.customerKey(), Instant.now());

        // THEN two calls: 25 records, then 5; all billed exactly
        Map<String, Long> perCall = fx.attempts(buyer).stream().collect(Collectors.groupingBy(
                MeteringAttempt::requestId, LinkedHashMap::new, Collectors.counting()));
        assertThat(perCall.values()).containsExactly(25L, 5L);
        assertThat(report.count(AggregateStatus.SENT)).isEqualTo(30);
        for (int i = 0; i < 30; i++) {
            assertThat(fx.billed(buyer, dimensions[i])).isEqualTo(i + 1);
        }
    }

    @Test
    void everyPerRecordStatus_isRecorded_andABadRecordIsIsolatedBySplittingItsBatch() {
        // GIVEN in one product: a good customer (also with usage of a dimension AWS does not know), a customer AWS
        // does not consider subscribed yet, and one for whom AWS already holds another quantity of the hour
        String product = fx.newProduct(false, "requests");
        MeteringFixtures.Buyer good = fx.activeBuyer(product, 3);
        MeteringFixtures.Buyer notActivated = fx.buyer(SubscribeRequest.of(product), 3, SubscriptionState.ACTIVE,
                Map.of());
        MeteringFixtures.Buyer duplicate = fx.activeBuyer(product, 3);
        Instant h1 = hoursAgo(1);
        ingest(good, "requests", 11, h1);
        ingest(good, "bogus", 1, h1);
        ingest(notActivated, "requests", 12, h1);
        ingest(duplicate, "requests", 13, h1);
        marketplace.batchMeterUsage(new BatchMeterUsageRequest(product,
                List.of(UsageRecord.legacy(h1, duplicate.sub().customerIdentifier(), "requests", 99))));
        double duplicatesBefore = records("DUPLICATE_RECORD");

        // WHEN
        job.runNow();

        // THEN
        assertThat(aggregate(good, "requests", h1).status()).isEqualTo(AggregateStatus.SENT);
        assertThat(aggregate(good, "bogus", h1).status()).isEqualTo(AggregateStatus.FAILED);
        assertThat(aggregate(good, "bogus", h1).resultCode()).isEqualTo("InvalidUsageDimensionException");
        assertThat(aggregate(notActivated, "requests", h1).status())
                .isEqualTo(AggregateStatus.CUSTOMER_NOT_SUBSCRIBED);
        assertThat(aggregate(duplicate, "requests", h1).status()).isEqualTo(AggregateStatus.DUPLICATE_RECORD);
        assertThat(records("DUPLICATE_RECORD")).isEqualTo(duplicatesBefore + 1);
        assertThat(fx.billed(good, "requests")).isEqualTo(11);
        assertThat(fx.billed(notActivated, "requests")).isZero();
        assertThat(fx.billed(duplicate, "requests")).isEqualTo(99);
        assertThat(fx.attempts(good)).extracting(MeteringAttempt::errorCode)
                .contains("InvalidUsageDimensionException");
        // failures are listed for operators with their reason
        given().header("X-Api-Key", "test-admin-key").when().get("/v1/admin/metering/failures?limit=1000")
                .then().statusCode(200).body("find { it.customerKey == '" + good.customerKey() + "' }.resultCode",
                        org.hamcrest.Matchers.equalTo("InvalidUsageDimensionException"));
    }

    @Test
    void throttlingAndOutages_areRetriedToSuccess_withTheSameQuantity() {
        MeteringFixtures.Buyer buyer = fx.activeBuyer(fx.newProduct(true, "requests"), 2);
        Instant h1 = hoursAgo(1);
        ingest(buyer, "requests", 42, h1);
        sandbox.simulator().faults().failNext(Operation.BATCH_METER_USAGE, 5, "ThrottlingException");
        sandbox.simulator().faults().failNext(Operation.BATCH_METER_USAGE, 2, "InternalServiceErrorException");

        MeteringRunner.Report report = runner.flush(buyer.customerKey(), Instant.now());

        // THEN all seven injected failures were answered (the simulator fails calls before reading them, so they
        // are not in its attempts ledger), and the eighth call billed the record once
        assertThat(report.count(AggregateStatus.SENT)).isEqualTo(1);
        assertThat(sandbox.simulator().faults().settings().failNext()).isEmpty();
        assertThat(fx.attempts(buyer)).extracting(MeteringAttempt::quantity).containsOnly(42);
        assertThat(fx.attempts(buyer)).extracting(MeteringAttempt::outcome).endsWith(AttemptOutcome.SUCCESS)
                .doesNotContain(AttemptOutcome.DUPLICATE_RECORD);
        assertThat(fx.billed(buyer, "requests")).isEqualTo(42);
    }

    @Test
    void unprocessedRecords_areLeftForALaterRun_andSentAgainWithTheSameQuantity() {
        MeteringFixtures.Buyer buyer = fx.activeBuyer(fx.newProduct(false, "requests", "gb"), 2);
        Instant h1 = hoursAgo(1);
        ingest(buyer, "requests", 7, h1);
        ingest(buyer, "gb", 8, h1);
        sandbox.simulator().faults().set(Operation.BATCH_METER_USAGE, OperationFaults.NONE.withUnprocessedRate(1));

        MeteringRunner.Report first = runner.flush(buyer.customerKey(), Instant.now());
        assertThat(first.retryLater()).isEqualTo(2);
        assertThat(aggregate(buyer, "requests", h1).status()).isEqualTo(AggregateStatus.FROZEN);
        assertThat(aggregate(buyer, "requests", h1).attempts()).isEqualTo(1);
        // usage arriving now can no longer change the frozen hour: it goes to the current hour
        ingest(buyer, "requests", 1, h1.plusSeconds(5));
        sandbox.simulator().faults().reset();
        MeteringRunner.Report second = runner.meterClosedHours(Instant.now().plusSeconds(2), true);

        assertThat(second.count(AggregateStatus.SENT)).isGreaterThanOrEqualTo(2);
        assertThat(fx.attempts(buyer)).extracting(MeteringAttempt::outcome).contains(AttemptOutcome.UNPROCESSED)
                .endsWith(AttemptOutcome.SUCCESS, AttemptOutcome.SUCCESS);
        assertThat(fx.billed(buyer, "requests")).isEqualTo(7);
        assertThat(fx.billed(buyer, "gb")).isEqualTo(8);
    }

    @Test
    void usageNotSentBeforeAwsDeadline_expiresWithAnAlert_andIsNeverSent() {
        MeteringFixtures.Buyer buyer = fx.activeBuyer(fx.newProduct(true, "requests"), 21);
        Instant old = hoursAgo(19);
        ingest(buyer, "requests", 5, old);
        double expiredBefore = records("EXPIRED");

        MeteringRunner.Report report = runner.flush(buyer.customerKey(), old.plus(Duration.ofHours(24)));

        assertThat(report.count(AggregateStatus.EXPIRED)).isEqualTo(1);
        assertThat(aggregate(buyer, "requests", old).status()).isEqualTo(AggregateStatus.EXPIRED);
        assertThat(fx.attempts(buyer)).isEmpty();
        assertThat(records("EXPIRED")).isEqualTo(expiredBefore + 1);
    }

    @Test
    void usageCloseToItsDeadline_isWarnedAbout_andAnOutageIsRetriedByALaterRunInsideTheWindow() {
        // GIVEN usage 19 hours old and AWS failing every call
        MeteringFixtures.Buyer buyer = fx.activeBuyer(fx.newProduct(true, "requests"), 21);
        Instant old = hoursAgo(19);
        ingest(buyer, "requests", 8, old);
        sandbox.simulator().faults().set(Operation.BATCH_METER_USAGE,
                OperationFaults.NONE.withInternalErrorRate(1));
        Instant now = Instant.now();

        // WHEN a run meets the outage, and a later one finds AWS back
        MeteringRunner.Report failed = runner.flush(buyer.customerKey(), now);
        sandbox.simulator().faults().reset();
        MeteringRunner.Report later = runner.flush(buyer.customerKey(), now.plus(config.job().retryLater()));

        // THEN the first warned (deadline within warn-before-deadline) and released the frozen record for later
        assertThat(failed.atRisk()).isEqualTo(1);
        assertThat(failed.retryLater()).isEqualTo(1);
        assertThat(later.count(AggregateStatus.SENT)).isEqualTo(1);
        assertThat(aggregate(buyer, "requests", old).attempts()).isEqualTo(1);
        assertThat(fx.attempts(buyer)).extracting(MeteringAttempt::outcome).containsExactly(AttemptOutcome.SUCCESS);
        assertThat(fx.billed(buyer, "requests")).isEqualTo(8);
    }

    /** {@code mpsaas_metering_records_total{status}} as /q/metrics shows it now. */
    private double records(String status) {
        return PrometheusText.parse(given().when().get(metrics).then().statusCode(200).extract().asString())
                .sum("mpsaas_metering_records_total", Map.of("status", status));
    }
}
