package io.mpsaas.metering;

import static io.mpsaas.metering.MeteringFixtures.hoursAgo;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.mpsaas.metering.domain.MeteringWindow;
import io.mpsaas.metering.domain.QuotaHeadroom;
import io.mpsaas.metering.domain.UsageRecordInput;
import io.mpsaas.metering.job.MeteringJob;
import io.mpsaas.metering.service.UsageIngestion;
import io.mpsaas.sandbox.testing.PrometheusText;
import io.mpsaas.sandbox.testing.SandboxTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The quota headroom (issue 16, item 5) and the DynamoDB write counts on /q/metrics: each hourly run stores what it
 * needs of AWS's BatchMeterUsage quota and shows its share and the hours left; every item written is counted.
 */
@QuarkusTest
@QuarkusTestResource(value = SandboxTestResource.class, restrictToAnnotatedClass = false)
class QuotaAndWriteMetricsTest extends MeteringTestSupport {

    /** /q/metrics, on the management interface (its own port since the management port: issue 19). */
    @TestHTTPResource(value = "metrics", management = true)
    URL metricsUrl;

    @Inject
    MeteringJob job;

    private PrometheusText scrape() {
        return PrometheusText.parse(given().when().get(metricsUrl).then().statusCode(200).extract().asString());
    }

    @Test
    void theHourlyRun_showsTheShareOfTheQuotaItNeeds_andTheHoursLeftAtTheGrowthOfTheLastRuns() {
        // GIVEN 30 hourly records (30 dimensions of a closed hour) to send, and a day of earlier runs that had nothing
        // to send
        String[] dimensions = new String[30];
        for (int i = 0; i < 30; i++) {
            dimensions[i] = "q" + i;
        }
        MeteringFixtures.Buyer buyer = fx.activeBuyer(fx.newProduct(false, dimensions), 2);
        for (int i = 0; i < 30; i++) {
            ingest(buyer, dimensions[i], 1, hoursAgo(1).plusSeconds(i));
        }
        Instant hour = MeteringWindow.hourOf(Instant.now());
        for (int h = 24; h >= 1; h--) {
            table.recordRunNeed(new QuotaHeadroom.RunNeed(hour.minus(Duration.ofHours(h)), 0, 0), Instant.now(),
                    Duration.ofDays(8));
        }

        // WHEN the hourly run starts
        job.runNow();

        // THEN the run's need is shown: at least the product's 2 calls (other tests' usage may be pending too) and
        // their share of 36,000 calls an hour; the hour's stored need is the largest of its runs (this test JVM may
        // have run the job before in this hour); the headroom is what the stored runs' trend leaves: growing from
        // nothing, finite
        PrometheusText metrics = scrape();
        double calls = metrics.sum("mpsaas_metering_run_calls");
        assertThat(calls).isGreaterThanOrEqualTo(2);
        assertThat(metrics.sum("mpsaas_metering_run_quota_share")).isCloseTo(calls / 36_000.0, within(1e-9));
        List<QuotaHeadroom.RunNeed> stored = table.runNeeds(hour.minus(Duration.ofDays(7)));
        QuotaHeadroom.RunNeed now = stored.get(stored.size() - 1);
        assertThat(now.hour()).isEqualTo(hour);
        assertThat((double) now.calls()).isGreaterThanOrEqualTo(calls);
        assertThat(now.records()).isGreaterThanOrEqualTo(30);
        double expected = QuotaHeadroom.hoursLeft(stored, 10, Instant.now());
        assertThat(expected).isFinite().isPositive();
        assertThat(metrics.sum("mpsaas_metering_quota_headroom_hours")).isCloseTo(expected, within(0.01));
    }

    @Test
    void itemsWrittenAndRequests_areCountedPerOperation() {
        // GIVEN 20 records of two aggregates
        MeteringFixtures.Buyer buyer = fx.activeBuyer(fx.newProduct(false, "requests", "gb"), 2);
        List<UsageRecordInput> records = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            records.add(buyer.usage(i % 2 == 0 ? "requests" : "gb", 1, hoursAgo(1).plusSeconds(i)));
        }
        PrometheusText before = scrape();

        // WHEN
        ingestion.ingest(records, UsageIngestion.SOURCE_API);

        // THEN at least this call's one transaction of 20 puts and 2 ADDs is counted (others may run meanwhile)
        PrometheusText after = scrape();
        Map<String, String> tx = Map.of("operation", "TransactWriteItems");
        assertThat(after.sum("mpsaas_metering_dynamodb_items_written_total", tx)
                - before.sum("mpsaas_metering_dynamodb_items_written_total", tx)).isGreaterThanOrEqualTo(22);
        assertThat(after.sum("mpsaas_metering_dynamodb_requests_total", tx)
                - before.sum("mpsaas_metering_dynamodb_requests_total", tx)).isGreaterThanOrEqualTo(1);
        assertThat(after.sum("mpsaas_metering_dynamodb_requests_total", Map.of("operation", "BatchGetItem"))
                - before.sum("mpsaas_metering_dynamodb_requests_total", Map.of("operation", "BatchGetItem")))
                .isGreaterThanOrEqualTo(1);
    }
}
