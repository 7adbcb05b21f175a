package io.mpsaas.metering;

import static io.mpsaas.metering.MeteringFixtures.hoursAgo;
import static org.assertj.core.api.Assertions.assertThat;

import io.mpsaas.metering.domain.Aggregate;
import io.mpsaas.metering.domain.AggregateStatus;
import io.mpsaas.metering.persistence.UsageTable;
import io.mpsaas.metering.service.MeteringRunner;
import io.mpsaas.sandbox.marketplace.ledger.MeteringAttempt;
import io.mpsaas.sandbox.testing.SandboxTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Metering by batch (issue 16): a BatchMeterUsage batch of 25 is claimed and frozen in one transaction and its
 * outcomes written in one, a lost race on one aggregate costs a refill and never a short call, and N aggregates of one
 * product take exactly ceil(N/25) calls whatever the number of replicas.
 */
@QuarkusTest
@QuarkusTestResource(value = SandboxTestResource.class, restrictToAnnotatedClass = false)
class MeteringBatchTest extends MeteringTestSupport {

    /** The closed hour the test's usage is in, taken once: a test that runs across an hour's end keeps its hour. */
    private final Instant usageHour = hoursAgo(1);

    /** One buyer with usage in {@code n} dimensions of the previous hour. */
    private MeteringFixtures.Buyer buyerWithUsage(int n) {
        String[] dimensions = new String[n];
        for (int i = 0; i < n; i++) {
            dimensions[i] = String.format("d%03d", i);
        }
        MeteringFixtures.Buyer buyer = fx.activeBuyer(fx.newProduct(false, dimensions), 2);
        for (int i = 0; i < n; i++) {
            ingest(buyer, dimensions[i], i + 1, usageHour.plusSeconds(i));
        }
        return buyer;
    }

    private Map<String, Long> recordsPerCall(MeteringFixtures.Buyer buyer) {
        return fx.attempts(buyer).stream().collect(Collectors.groupingBy(MeteringAttempt::requestId,
                LinkedHashMap::new, Collectors.counting()));
    }

    @Test
    void aBatchOf25_isOneClaimTransaction_oneCall_andOneOutcomeTransaction() {
        // GIVEN 25 aggregates of one product
        MeteringFixtures.Buyer buyer = buyerWithUsage(25);
        CountingDynamo counting = new CountingDynamo(dynamo);

        // WHEN a replica meters them
        MeteringRunner.Report report = countedReplica("batch-replica", counting).flush(buyer.customerKey(),
                Instant.now());

        // THEN the claim-and-freeze and the outcomes are one transaction of 25 each; no write per aggregate, no
        // allocation read (nothing was tagged); one BatchMeterUsage call of 25
        assertThat(report.count(AggregateStatus.SENT)).isEqualTo(25);
        assertThat(counting.transactions).containsExactly(25, 25);
        assertThat(counting.calls("updateItem")).isZero();
        assertThat(counting.calls("query")).isEqualTo(1);
        assertThat(recordsPerCall(buyer).values()).containsExactly(25L);
        for (int i = 0; i < 25; i++) {
            Aggregate a = aggregate(buyer, String.format("d%03d", i), usageHour);
            assertThat(a.status()).isEqualTo(AggregateStatus.SENT);
            assertThat(a.frozenQuantity()).isEqualTo(i + 1);
            assertThat(a.leaseOwner()).isNull();
        }
    }

    @Test
    void anAggregateLeasedByAnotherReplica_isLeftToIt_andTheBatchIsFilledAgainToAFull25() {
        // GIVEN 26 aggregates, one of which another replica holds (d025: the customer's list comes newest first, by
        // dimension, so it is in the first batch this replica tries)
        MeteringFixtures.Buyer buyer = buyerWithUsage(26);
        Aggregate held = aggregate(buyer, "d025", usageHour);
        assertThat(table.claimAndFreeze(List.of(new UsageTable.ClaimRequest(held, held.quantity(), null)),
                "the-other-replica", Instant.now(), Duration.ofMinutes(2))).isInstanceOf(UsageTable.Claimed.class);
        CountingDynamo counting = new CountingDynamo(dynamo);

        // WHEN this replica meters the customer
        MeteringRunner.Report report = countedReplica("this-replica", counting).flush(buyer.customerKey(),
                Instant.now());

        // THEN its first claim of 25 was cancelled by the held one alone, read by item: the held one is left, the
        // batch filled again from the list, and the 25 others went in one call
        assertThat(report.claimedElsewhere()).isEqualTo(1);
        assertThat(report.count(AggregateStatus.SENT)).isEqualTo(25);
        assertThat(counting.transactions).containsExactly(25, 25, 25);
        assertThat(recordsPerCall(buyer).values()).containsExactly(25L);
        assertThat(aggregate(buyer, "d025", usageHour).status()).isEqualTo(AggregateStatus.FROZEN);
        assertThat(aggregate(buyer, "d025", usageHour).leaseOwner()).isEqualTo("the-other-replica");
        assertThat(aggregate(buyer, "d000", usageHour).status()).isEqualTo(AggregateStatus.SENT);
    }

    @Test
    void aClaimOfAnAggregateWhoseUsageGrewSinceItWasListed_isRefusedWithItsNewQuantity() {
        // GIVEN an aggregate as the pending list showed it, then more usage
        MeteringFixtures.Buyer buyer = fx.activeBuyer(fx.newProduct(false, "requests"), 2);
        ingest(buyer, "requests", 3, usageHour);
        Aggregate listed = aggregate(buyer, "requests", usageHour);
        ingest(buyer, "requests", 4, usageHour.plusSeconds(1));

        // WHEN it is claimed as listed
        UsageTable.Claim claim = table.claimAndFreeze(List.of(new UsageTable.ClaimRequest(listed, 3, null)),
                "replica-x", Instant.now(), Duration.ofMinutes(2));

        // THEN nothing is frozen at the stale 3: the refusal carries the aggregate as it is now, still free
        assertThat(claim).isInstanceOf(UsageTable.NotClaimed.class);
        Aggregate now = ((UsageTable.NotClaimed) claim).changed().get(listed.id()).orElseThrow();
        assertThat(now.quantity()).isEqualTo(7);
        assertThat(now.status()).isEqualTo(AggregateStatus.OPEN);
        assertThat(aggregate(buyer, "requests", usageHour).frozenQuantity()).isNull();
    }

    @Test
    void nAggregatesOfOneProduct_takeExactlyCeilNOver25Calls_withThreeReplicasAtOnce() throws Exception {
        // GIVEN 110 aggregates of one product (5 customers x 22 dimensions)
        List<MeteringFixtures.Buyer> buyers = fiveBuyersOf22Dimensions("x", usageHour);

        // WHEN three replicas run the hourly job at the same moment
        meterAtOnce(List.of(replica("r-1"), replica("r-2"), replica("r-3")), Duration.ofMinutes(3));

        // THEN the product's 110 records were billed once each in ceil(110/25) = 5 calls: four full, one of 10
        assertThat(recordsPerCall(buyers).values()).containsExactlyInAnyOrder(25L, 25L, 25L, 25L, 10L);
        assertEachBilledOnce(buyers, "x", usageHour);
    }
}
