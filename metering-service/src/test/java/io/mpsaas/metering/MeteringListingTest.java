package io.mpsaas.metering;

import static io.mpsaas.metering.MeteringFixtures.hoursAgo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
    void theReadingPauses_whileListAheadAggregatesWaitForClaims() throws Exception {
        // GIVEN 220 aggregates of two products, and a replica reading the pending list 10 items a page, at most 30
        // aggregates ahead of its claims, whose first claim is held until the test lets it go
        List<MeteringFixtures.Buyer> first = fiveBuyersOf22Dimensions("a", usageHour);
        List<MeteringFixtures.Buyer> second = fiveBuyersOf22Dimensions("b", usageHour);
        CountingDynamo counting = new CountingDynamo(dynamo);
        AtomicInteger pages = new AtomicInteger();
        CountDownLatch claiming = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        counting.beforeQuery = q -> {
            if (pendingIndexQuery(q)) {
                pages.incrementAndGet();
            }
        };
        counting.beforeTransaction = n -> {
            if (claiming.getCount() > 0) {
                claiming.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        MeteringRunner lister = pagedReplica("ahead-1", counting, PAGE, 30);

        // WHEN it runs the hourly job, and its first claim is held for 2 s
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<MeteringRunner.Report> run = pool.submit(() -> lister.meterClosedHours(Instant.now(), false));
            assertThat(claiming.await(30, TimeUnit.SECONDS)).as("a first claim").isTrue();
            Thread.sleep(2000);
            int pagesWhileHeld = pages.get();
            release.countDown();
            MeteringRunner.Report report = run.get(3, TimeUnit.MINUTES);

            // THEN while the claim was held the reading stopped about 30 aggregates ahead: at most 96 of the 220 taken
            // from the shards (29 waiting, the chunk of 10 that crossed the line, up to 24 a product in its short
            // batch, 9 in the chunk being filled), so the rest (124 at least, 10 a page over 4 shards: 8 pages at
            // least) was read only once the claims went on; a reading that did not wait reads the whole list in 2 s
            assertThat(pages.get() - pagesWhileHeld).as("pending index pages read after the first claim, of %d",
                    pages.get()).isGreaterThanOrEqualTo(6);
            // AND each product's 110 records were still billed once each in ceil(110/25) = 5 calls
            assertThat(recordsPerCall(first).values()).containsExactlyInAnyOrder(25L, 25L, 25L, 25L, 10L);
            assertThat(recordsPerCall(second).values()).containsExactlyInAnyOrder(25L, 25L, 25L, 25L, 10L);
            assertEachBilledOnce(first, "a", usageHour);
            assertEachBilledOnce(second, "b", usageHour);
            assertThat(report.count(AggregateStatus.SENT)).isGreaterThanOrEqualTo(220);
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    @Test
    void shortBatchesOfSeveralProducts_neverHoldUpTheReading() {
        // GIVEN four products with 22 aggregates each (no full batch of 25 in any of them), and a replica reading the
        // list at most 30 aggregates ahead of its claims: once 30 are read, every product waits for more of the list
        // (a short batch is claimed only once the whole list is known), so the reading must not wait for them
        List<List<MeteringFixtures.Buyer>> byProduct = new ArrayList<>();
        for (int p = 0; p < 4; p++) {
            byProduct.add(oneBuyerOf22Dimensions("s" + p, usageHour));
        }
        MeteringRunner lister = pagedReplica("short-1", new CountingDynamo(dynamo), PAGE, 30);

        // WHEN it runs the hourly job (a reading that waited for the claims would never end)
        MeteringRunner.Report report = assertTimeoutPreemptively(Duration.ofMinutes(2),
                () -> lister.meterClosedHours(Instant.now(), false));

        // THEN each product's 22 records went in one call, each billed once
        for (int p = 0; p < 4; p++) {
            List<MeteringFixtures.Buyer> buyer = byProduct.get(p);
            assertThat(recordsPerCall(buyer).values()).as("calls of product %d", p).containsExactly(22L);
            for (int i = 0; i < 22; i++) {
                String dimension = String.format("s%d%02d", p, i);
                assertThat(fx.billed(buyer.get(0), dimension)).isEqualTo(i + 1);
                assertThat(aggregate(buyer.get(0), dimension, usageHour).status()).isEqualTo(AggregateStatus.SENT);
            }
        }
        assertThat(report.count(AggregateStatus.SENT)).isGreaterThanOrEqualTo(88);
    }

    /** One buyer of a new product with 22 dimensions, each with usage in {@code hour} (quantities 1 to 22). */
    private List<MeteringFixtures.Buyer> oneBuyerOf22Dimensions(String prefix, Instant hour) {
        String[] dimensions = new String[22];
        for (int i = 0; i < 22; i++) {
            dimensions[i] = String.format("%s%02d", prefix, i);
        }
        MeteringFixtures.Buyer buyer = fx.activeBuyer(fx.newProduct(false, dimensions), 2);
        for (int i = 0; i < 22; i++) {
            ingest(buyer, dimensions[i], i + 1, hour.plusSeconds(i));
        }
        return List.of(buyer);
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
