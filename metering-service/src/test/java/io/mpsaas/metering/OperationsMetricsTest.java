package io.mpsaas.metering;

import static io.mpsaas.metering.MeteringFixtures.hoursAgo;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mpsaas.common.messaging.SuiteQueues;
import io.mpsaas.common.ops.DeadLetterQueueGauges;
import io.mpsaas.metering.domain.MeteringWindow;
import io.mpsaas.metering.domain.UsageRecordInput;
import io.mpsaas.metering.job.UnmeteredUsageGauge;
import io.mpsaas.metering.service.UsageIngestion;
import io.mpsaas.sandbox.marketplace.fault.Operation;
import io.mpsaas.sandbox.testing.ManagementInterface;
import io.mpsaas.sandbox.testing.PrometheusText;
import io.mpsaas.sandbox.testing.SandboxTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.net.URL;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;

/** metering-service's metrics on /q/metrics (the management port) move when usage arrives, is metered, is throttled or is parked. */
@QuarkusTest
@QuarkusTestResource(value = SandboxTestResource.class, restrictToAnnotatedClass = false)
class OperationsMetricsTest extends MeteringTestSupport {

    /** /q/metrics, on the management interface (its own port: quarkus.management.test-port=0; values are under /q). */
    @TestHTTPResource(value = "metrics", management = true)
    URL metrics;

    private static final String USAGE = "mpsaas_metering_usage_records_total";

    @Inject
    UnmeteredUsageGauge unmetered;

    @Inject
    DeadLetterQueueGauges deadLetterQueues;

    @Inject
    SqsClient sqs;

    private PrometheusText scrape() {
        return PrometheusText.parse(given().when().get(metrics).then().statusCode(200).extract().asString());
    }

    @Test
    void metricsAndHealth_areOnTheManagementPort_notOnTheApplicationPort() {
        // the application port is the one an ingress or the seller's app reaches: nothing of /q/health or /q/metrics
        assertThat(ManagementInterface.problems(metrics, RestAssured.port)).isEmpty();
    }

    @Test
    void usageRecords_areCountedAccepted_andRejectedByReason() {
        // GIVEN an active buyer, and a record naming a customer nobody knows
        MeteringFixtures.Buyer buyer = fx.activeBuyer(fx.newProduct(true, "requests"), 2);
        UsageRecordInput unknown = new UsageRecordInput(null, null, "nobody-" + UUID.randomUUID(), "mtr-nobody",
                "requests", BigDecimal.ONE, hoursAgo(1).toString(), null, "evt-" + UUID.randomUUID());
        PrometheusText before = scrape();

        // WHEN both arrive through the API path
        ingestion.ingest(List.of(buyer.usage("requests", 3, hoursAgo(1)), unknown), UsageIngestion.SOURCE_API);

        // THEN one accepted, one rejected as UNKNOWN_CUSTOMER, nothing else moved
        PrometheusText after = scrape();
        assertThat(after.sum(USAGE, Map.of("source", "api", "status", "accepted"))
                - before.sum(USAGE, Map.of("source", "api", "status", "accepted"))).isEqualTo(1);
        assertThat(after.sum(USAGE, Map.of("source", "api", "status", "rejected", "reason", "UNKNOWN_CUSTOMER"))
                - before.sum(USAGE, Map.of("source", "api", "status", "rejected", "reason", "UNKNOWN_CUSTOMER")))
                .isEqualTo(1);
        assertThat(after.sum(USAGE, Map.of("source", "api")) - before.sum(USAGE, Map.of("source", "api")))
                .isEqualTo(2);
    }

    @Test
    void metering_countsSentRecords_batchMeterUsageCallsAndThrottles() {
        // GIVEN usage of a closed hour, and AWS throttling the first two attempts
        MeteringFixtures.Buyer buyer = fx.activeBuyer(fx.newProduct(true, "requests"), 3);
        ingest(buyer, "requests", 5, hoursAgo(2));
        sandbox.simulator().faults().failNext(Operation.BATCH_METER_USAGE, 2, "ThrottlingException");
        PrometheusText before = scrape();

        // WHEN the customer's usage is metered
        runner.flush(buyer.customerKey(), Instant.now());

        // THEN one record SENT after one call of three attempts, two of them throttled, and the latency recorded
        PrometheusText after = scrape();
        Map<String, String> batch = Map.of("operation", "BatchMeterUsage");
        assertThat(delta(before, after, "mpsaas_metering_records_total", Map.of("status", "SENT"))).isEqualTo(1);
        assertThat(delta(before, after, "mpsaas_marketplace_attempts_total",
                Map.of("operation", "BatchMeterUsage", "error", "THROTTLING"))).isEqualTo(2);
        assertThat(delta(before, after, "mpsaas_marketplace_attempts_total",
                Map.of("operation", "BatchMeterUsage", "error", "none"))).isEqualTo(1);
        assertThat(delta(before, after, "mpsaas_marketplace_calls_total",
                Map.of("operation", "BatchMeterUsage", "outcome", "success"))).isEqualTo(1);
        assertThat(delta(before, after, "mpsaas_marketplace_call_seconds_count", batch)).isEqualTo(1);
        assertThat(fx.billed(buyer, "requests")).isEqualTo(5);
    }

    @Test
    void aFailedCall_isCountedWithItsError() {
        // GIVEN usage, and AWS refusing the call for good
        MeteringFixtures.Buyer buyer = fx.activeBuyer(fx.newProduct(true, "requests"), 3);
        ingest(buyer, "requests", 2, hoursAgo(2));
        sandbox.simulator().faults().failNext(Operation.BATCH_METER_USAGE, 1, "InvalidUsageDimensionException");
        PrometheusText before = scrape();

        // WHEN it is metered
        runner.flush(buyer.customerKey(), Instant.now());

        // THEN the call counts as an error of that type, and the record as FAILED
        PrometheusText after = scrape();
        assertThat(delta(before, after, "mpsaas_marketplace_calls_total", Map.of("operation", "BatchMeterUsage",
                "outcome", "error", "error", "INVALID_USAGE_DIMENSION"))).isEqualTo(1);
        assertThat(delta(before, after, "mpsaas_metering_records_total", Map.of("status", "FAILED"))).isEqualTo(1);
    }

    @Test
    void oldestUnmeteredHour_isAtLeastTheAgeOfAnUnsentHour() {
        // GIVEN usage five hours ago, not metered yet
        MeteringFixtures.Buyer buyer = fx.activeBuyer(fx.newProduct(true, "requests"), 6);
        Instant at = hoursAgo(5);
        ingest(buyer, "requests", 1, at);

        // WHEN the gauge is refreshed
        unmetered.refresh();

        // THEN it is at least as old as that hour (an older unsent hour of another test may be older still)
        double age = scrape().sum("mpsaas_metering_oldest_unmetered_hour_age_seconds");
        assertThat(age).isGreaterThanOrEqualTo(Duration.between(MeteringWindow.hourOf(at), Instant.now())
                .minusSeconds(60).toSeconds());
        assertThat(unmetered.refresh()).get().matches(oldest -> !oldest.isAfter(MeteringWindow.hourOf(at)));
    }

    @Test
    void aParkedMessage_isCountedByTheConsumer_andShowsInTheDeadLetterGauge() {
        // GIVEN a message that can never be handled
        String usageQueue = sandbox.aws().queueUrl(SuiteQueues.USAGE);
        double parkedBefore = scrape().sum("mpsaas_sqs_messages_total",
                Map.of("queue", SuiteQueues.USAGE, "outcome", "parked"));

        // WHEN it arrives on the usage queue
        sqs.sendMessage(r -> r.queueUrl(usageQueue).messageBody("{not json " + UUID.randomUUID()));

        // THEN the consumer counts it parked, and the dead-letter queue's gauge shows it
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(scrape().sum("mpsaas_sqs_messages_total",
                Map.of("queue", SuiteQueues.USAGE, "outcome", "parked"))).isEqualTo(parkedBefore + 1));
        deadLetterQueues.refresh();
        PrometheusText after = scrape();
        assertThat(after.sum("mpsaas_sqs_dlq_messages", Map.of("queue", SuiteQueues.deadLetterQueue(SuiteQueues.USAGE))))
                .isGreaterThanOrEqualTo(1);
        assertThat(after.sum("mpsaas_sqs_consumer_last_poll_age_seconds", Map.of("queue", SuiteQueues.USAGE)))
                .isLessThan(60);
    }

    private static double delta(PrometheusText before, PrometheusText after, String name, Map<String, String> labels) {
        return after.sum(name, labels) - before.sum(name, labels);
    }
}
