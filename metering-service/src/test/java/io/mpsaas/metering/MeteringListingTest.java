package io.mpsaas.metering;

import static io.mpsaas.metering.MeteringFixtures.hoursAgo;
import static org.assertj.core.api.Assertions.assertThat;

import io.mpsaas.common.dynamo.SuiteTables;
import io.mpsaas.metering.domain.AggregateStatus;
import io.mpsaas.metering.service.MeteringRunner;
import io.mpsaas.sandbox.testing.SandboxTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

/**
 * A run claims while it reads the pending list (issue 16): the first batches are claimed from the first pages, and a
 * batch is short only once the whole list is known, so N aggregates of a product still take ceil(N/25) calls with
 * several replicas reading the list page by page at once.
 */
@QuarkusTest
@QuarkusTestResource(value = SandboxTestResource.class, restrictToAnnotatedClass = false)
class MeteringListingTest extends MeteringTestSupport {

    /** Pending index items per page in these tests: 110 aggregates make a dozen pages over the 4 shards. */
    private static final int PAGE = 10;

    private final Instant usageHour = hoursAgo(1);

    private static boolean pendingIndexQuery(QueryRequest q) {
        AttributeValue partition = q.expressionAttributeValues().get(":p");
        return SuiteTables.GSI1.equals(q.indexName()) && partition != null && partition.s() != null
                && partition.s().startsWith("pending#");
    }

    @Test
    void theFirstBatchIsClaimed_beforeTheListIsRead_toItsEnd() {
        // GIVEN 110 aggregates, and a replica whose reading of the pending list is held before its 9th page (by then
        // at least 40 aggregates were handed on) until a claim was sent, at most 30 s: a run that read the whole list
        // before claiming would wait out the 30 s
        List<MeteringFixtures.Buyer> buyers = fiveBuyersOf22Dimensions("p", usageHour);
        CountingDynamo counting = new CountingDynamo(dynamo);
        AtomicInteger pages = new AtomicInteger();
        AtomicBoolean claimBeforeEveryLaterPage = new AtomicBoolean(true);
        CountDownLatch claimed = new CountDownLatch(1);
        counting.beforeTransaction = n -> claimed.countDown();
        counting.beforeQuery = q -> {
            if (!pendingIndexQuery(q) || pages.incrementAndGet() <= 8) {
                return;
            }
            try {
                if (!claimed.await(30, TimeUnit.SECONDS)) {
                    claimBeforeEveryLaterPage.set(false);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };

        // WHEN it runs the hourly job
        MeteringRunner lister = pagedReplica("lister-1", counting, PAGE);
        MeteringRunner.Report report = lister.meterClosedHours(Instant.now(), false);

        // THEN the list took more than 8 pages, and a claim was sent before any page after the 8th was read
        assertThat(pages.get()).isGreaterThan(8);
        assertThat(claimBeforeEveryLaterPage).as("a claim before the 9th page of the list").isTrue();
        // AND the product's 110 records were billed once each in ceil(110/25) = 5 calls
        assertThat(recordsPerCall(buyers).values()).containsExactlyInAnyOrder(25L, 25L, 25L, 25L, 10L);
        assertEachBilledOnce(buyers, "p", usageHour);
        assertThat(report.count(AggregateStatus.SENT)).isGreaterThanOrEqualTo(110);
    }

    @Test
    void threeReplicasReadingTheListPageByPage_stillTakeExactlyCeilNOver25Calls() throws Exception {
        // GIVEN 110 aggregates of one product, and three replicas each reading the pending list 10 items a page
        List<MeteringFixtures.Buyer> buyers = fiveBuyersOf22Dimensions("p", usageHour);
        List<MeteringRunner> replicas = new ArrayList<>();
        for (int r = 1; r <= 3; r++) {
            replicas.add(pagedReplica("paged-" + r, new CountingDynamo(dynamo), PAGE));
        }

        // WHEN they run the hourly job at the same moment
        meterAtOnce(replicas, Duration.ofMinutes(3));

        // THEN no replica sent a short batch before the list was read: four full calls and one of 10, each record once
        assertThat(recordsPerCall(buyers).values()).containsExactlyInAnyOrder(25L, 25L, 25L, 25L, 10L);
        assertEachBilledOnce(buyers, "p", usageHour);
    }
}
