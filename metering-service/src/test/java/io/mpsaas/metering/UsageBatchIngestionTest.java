package io.mpsaas.metering;

import static io.mpsaas.metering.MeteringFixtures.hoursAgo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mpsaas.common.dynamo.Attr;
import io.mpsaas.common.dynamo.SuiteTables;
import io.mpsaas.metering.domain.Aggregate;
import io.mpsaas.metering.domain.AggregateStatus;
import io.mpsaas.metering.domain.MeteringWindow;
import io.mpsaas.metering.domain.RejectionReason;
import io.mpsaas.metering.domain.UsageOutcome;
import io.mpsaas.metering.domain.UsageRecordInput;
import io.mpsaas.metering.persistence.CustomerDirectory;
import io.mpsaas.metering.persistence.UsageTable;
import io.mpsaas.metering.persistence.UsageWriter;
import io.mpsaas.metering.service.UsageIngestion;
import io.mpsaas.sandbox.testing.SandboxTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Ingestion by batch (issue 16): the valid records of a call are written per aggregate in as few transactions as
 * DynamoDB allows (one idempotency put per record, one ADD per aggregate), and every per-record answer, its order and
 * every rule stay those of one record after the other. The calls to DynamoDB are counted on the test's own client.
 */
@QuarkusTest
@QuarkusTestResource(value = SandboxTestResource.class, restrictToAnnotatedClass = false)
class UsageBatchIngestionTest extends MeteringTestSupport {

    @Inject
    Clock clock;

    /** Ingestion over a counted DynamoDB client (the same DynamoDB Local, the same beans otherwise). */
    private UsageIngestion counted(CountingDynamo counting) {
        UsageTable countedTable = new UsageTable(counting.client, tables, config);
        UsageWriter writer = new UsageWriter(counting.client, countedTable, tables, config);
        return new UsageIngestion(writer, new CustomerDirectory(counting.client, tables), products, metrics, clock,
                config);
    }

    private static List<String> statuses(List<UsageOutcome> outcomes) {
        return outcomes.stream().map(o -> o.status().name()).toList();
    }

    @Test
    void aHundredRecordsOfThreeAggregates_areTwoTransactions_ofOneAddPerAggregate() {
        // GIVEN three customers and 100 records of one hour: 34, 33 and 33 per customer, interleaved
        String product = fx.newProduct(false, "requests");
        List<MeteringFixtures.Buyer> buyers = List.of(fx.activeBuyer(product, 2), fx.activeBuyer(product, 2),
                fx.activeBuyer(product, 2));
        Instant h1 = hoursAgo(1);
        List<UsageRecordInput> records = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            records.add(buyers.get(i % 3).usage("requests", i + 1, h1.plusSeconds(i)));
        }
        CountingDynamo counting = new CountingDynamo(dynamo);

        // WHEN they arrive in one call
        List<UsageOutcome> outcomes = counted(counting).ingest(records, UsageIngestion.SOURCE_API);

        // THEN all accepted in order; 2 transactions of 100 puts and 4 aggregate ADDs (the third aggregate's records
        // span both): 1.04 items written per record; one customer read for the three
        assertThat(outcomes).extracting(UsageOutcome::idempotencyKey)
                .containsExactlyElementsOf(records.stream().map(UsageRecordInput::idempotencyKey).toList());
        assertThat(outcomes).allSatisfy(o -> assertThat(o.status()).isEqualTo(UsageOutcome.Status.ACCEPTED));
        assertThat(counting.transactions).containsExactly(100, 4);
        assertThat(counting.actions()).isEqualTo(104);
        assertThat(counting.calls("batchGetItem")).isEqualTo(1);
        assertThat(counting.calls("getItem")).isZero();
        for (int b = 0; b < 3; b++) {
            long expected = 0;
            int events = 0;
            for (int i = b; i < 100; i += 3) {
                expected += i + 1;
                events++;
            }
            Aggregate a = aggregate(buyers.get(b), "requests", h1);
            assertThat(a.quantity()).isEqualTo(expected);
            assertThat(a.events()).isEqualTo(events);
            assertThat(a.status()).isEqualTo(AggregateStatus.OPEN);
        }
    }

    @Test
    void duplicatesInsideABatch_andAcrossCalls_countOnce_andAReusedKeyIsRejected_inRequestOrder() {
        // GIVEN one customer
        MeteringFixtures.Buyer buyer = fx.activeBuyer(fx.newProduct(true, "requests"), 2);
        Instant h1 = hoursAgo(1);
        UsageRecordInput a = buyer.usage("requests", 5, h1.plusSeconds(1), "a");
        UsageRecordInput b = buyer.usage("requests", 7, h1.plusSeconds(2), "b");
        UsageRecordInput bReused = buyer.usage("requests", 8, h1.plusSeconds(2), "b");

        // WHEN a batch repeats a and b (b once with another record), and a second call repeats a again
        List<UsageOutcome> first = ingestion.ingest(List.of(a, b, a, bReused, a), UsageIngestion.SOURCE_API);
        List<UsageOutcome> second = ingestion.ingest(List.of(buyer.usage("requests", 1, h1, "c"), a),
                UsageIngestion.SOURCE_API);

        // THEN the first occurrence counts, a true repeat is a duplicate counted in the same hour, a different
        // record under a used key is rejected; the answers keep the request order
        assertThat(statuses(first)).containsExactly("ACCEPTED", "ACCEPTED", "DUPLICATE", "REJECTED", "DUPLICATE");
        assertThat(first.get(3).reason()).isEqualTo(RejectionReason.IDEMPOTENCY_KEY_REUSED);
        assertThat(first.get(2).meteredHour()).isEqualTo(h1);
        assertThat(statuses(second)).containsExactly("ACCEPTED", "DUPLICATE");
        assertThat(second.get(1).meteredHour()).isEqualTo(h1);
        Aggregate hour = aggregate(buyer, "requests", h1);
        assertThat(hour.quantity()).isEqualTo(5 + 7 + 1);
        assertThat(hour.events()).isEqualTo(3);
    }

    @Test
    void aBatchOfMoreThanAHundredActions_isSeveralTransactions_andACrashBetweenThemLosesNothingAndCountsNothingTwice() {
        // GIVEN 250 records of one customer and hour, and a DynamoDB client that fails the second transaction
        MeteringFixtures.Buyer buyer = fx.activeBuyer(fx.newProduct(false, "requests"), 2);
        Instant h1 = hoursAgo(1);
        List<UsageRecordInput> records = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            records.add(buyer.usage("requests", 1, h1.plusSeconds(i), "k" + i));
        }
        CountingDynamo crashing = new CountingDynamo(dynamo);
        crashing.beforeTransaction = n -> {
            if (n == 2) {
                throw new IllegalStateException("the process died between two transactions");
            }
        };

        // WHEN the call dies after its first transaction, and the app sends the same batch again
        assertThatThrownBy(() -> counted(crashing).ingest(records, UsageIngestion.SOURCE_API))
                .hasMessageContaining("died");
        long afterCrash = aggregate(buyer, "requests", h1).quantity();
        CountingDynamo counting = new CountingDynamo(dynamo);
        List<UsageOutcome> again = counted(counting).ingest(records, UsageIngestion.SOURCE_API);

        // THEN the first transaction held 99 records whole (99 puts + 1 ADD); the repeat's first transaction is
        // cancelled by their 99 keys, which are answered duplicate, and the 151 others are counted in two more
        // transactions: 250 exactly, once each
        assertThat(crashing.transactions).startsWith(100);
        assertThat(afterCrash).isEqualTo(99);
        assertThat(statuses(again).subList(0, 99)).containsOnly("DUPLICATE");
        assertThat(statuses(again).subList(99, 250)).containsOnly("ACCEPTED");
        assertThat(aggregate(buyer, "requests", h1).quantity()).isEqualTo(250);
        assertThat(aggregate(buyer, "requests", h1).events()).isEqualTo(250);
        assertThat(counting.transactions).containsExactly(100, 100, 53);
    }

    @Test
    void aFrozenHourInsideABatch_movesOnlyItsRecordsToTheCurrentHour() {
        // GIVEN two customers with usage in the previous hour; the first one's hour is frozen (the job claimed it)
        String product = fx.newProduct(false, "requests");
        MeteringFixtures.Buyer frozenOne = fx.activeBuyer(product, 3);
        MeteringFixtures.Buyer openOne = fx.activeBuyer(product, 3);
        Instant h1 = hoursAgo(1);
        Instant current = MeteringWindow.hourOf(Instant.now());
        ingest(frozenOne, "requests", 10, h1);
        ingest(openOne, "requests", 20, h1);
        Aggregate seen = aggregate(frozenOne, "requests", h1);
        assertThat(table.claimAndFreeze(List.of(new UsageTable.ClaimRequest(seen, 10, null)), "job-replica",
                Instant.now(), Duration.ofMinutes(2))).isInstanceOf(UsageTable.Claimed.class);

        // WHEN one batch brings more usage of that hour for both, and of the current hour for the first
        UsageRecordInput late = frozenOne.usage("requests", 3, h1.plusSeconds(30), "late-1");
        List<UsageOutcome> outcomes = ingestion.ingest(List.of(late, openOne.usage("requests", 4, h1.plusSeconds(31)),
                frozenOne.usage("requests", 5, h1.plusSeconds(32)), frozenOne.usage("requests", 6, Instant.now())),
                UsageIngestion.SOURCE_API);

        // THEN the frozen hour keeps its 10; its late records count in the current hour (and say so); the other
        // customer's hour took its record; a repeat of a moved record is a duplicate that names the current hour
        assertThat(statuses(outcomes)).containsOnly("ACCEPTED");
        assertThat(outcomes).extracting(UsageOutcome::meteredHour).containsExactly(current, h1, current, current);
        assertThat(outcomes.get(0).usageHour()).isEqualTo(h1);
        assertThat(aggregate(frozenOne, "requests", h1).frozenQuantity()).isEqualTo(10);
        assertThat(aggregate(frozenOne, "requests", h1).quantity()).isEqualTo(10);
        assertThat(aggregate(frozenOne, "requests", current).quantity()).isEqualTo(3 + 5 + 6);
        assertThat(aggregate(openOne, "requests", h1).quantity()).isEqualTo(24);
        List<UsageOutcome> repeat = ingestion.ingest(List.of(late), UsageIngestion.SOURCE_API);
        assertThat(repeat.get(0).status()).isEqualTo(UsageOutcome.Status.DUPLICATE);
        assertThat(repeat.get(0).meteredHour()).isEqualTo(current);
    }

    @Test
    void recordsPassingTheHoursMaximumInsideABatch_areRefused_oneAfterTheOther() {
        // GIVEN one customer; four records whose third would take the hour past 2147483647
        MeteringFixtures.Buyer buyer = fx.activeBuyer(fx.newProduct(false, "requests"), 2);
        Instant h1 = hoursAgo(1);

        // WHEN they come in one call
        List<UsageOutcome> outcomes = ingestion.ingest(List.of(buyer.usage("requests", 1_000_000_000L, h1),
                buyer.usage("requests", 1_000_000_000L, h1), buyer.usage("requests", 1_000_000_000L, h1),
                buyer.usage("requests", 100, h1)), UsageIngestion.SOURCE_API);

        // THEN as one after the other: the third is refused, the fourth still fits
        assertThat(statuses(outcomes)).containsExactly("ACCEPTED", "ACCEPTED", "REJECTED", "ACCEPTED");
        assertThat(outcomes.get(2).reason()).isEqualTo(RejectionReason.HOUR_QUANTITY_LIMIT);
        assertThat(aggregate(buyer, "requests", h1).quantity()).isEqualTo(2_000_000_100L);
    }

    @Test
    void theIdempotencyItem_holdsOnlyItsKeyTheDigestAndTheTtl_andKeysWrittenBeforeTheDigestStillCountOnce() {
        // GIVEN a record stored now, and a key stored by the former layout (the whole fingerprint as text)
        MeteringFixtures.Buyer buyer = fx.activeBuyer(fx.newProduct(false, "requests"), 2);
        Instant h1 = hoursAgo(1);
        UsageRecordInput record = buyer.usage("requests", 4, h1.plusSeconds(5), "small-" + UUID.randomUUID());
        ingest(buyer, record);
        UsageRecordInput older = buyer.usage("requests", 9, h1.plusSeconds(6), "older-" + UUID.randomUUID());
        dynamo.putItem(r -> r.tableName(SuiteTables.USAGE).item(Map.of(
                SuiteTables.PK, Attr.s("idem#" + buyer.customerKey() + "#" + older.idempotencyKey()),
                SuiteTables.SK, Attr.s("IDEMPOTENCY"), "type", Attr.s("IDEMPOTENCY"),
                "customerKey", Attr.s(buyer.customerKey()), "idempotencyKey", Attr.s(older.idempotencyKey()),
                "fingerprint", Attr.s("requests|9|" + h1.plusSeconds(6).toEpochMilli()),
                "meteredHour", Attr.s(h1.toString()), "source", Attr.s("api"),
                SuiteTables.TTL, Attr.n(Instant.now().plusSeconds(3600).getEpochSecond()))));

        // WHEN
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(SuiteTables.USAGE).key(SuiteTables.key(
                "idem#" + buyer.customerKey() + "#" + record.idempotencyKey(), "IDEMPOTENCY"))).item();
        List<UsageOutcome> repeats = ingestion.ingest(List.of(older, new UsageRecordInput(null, null,
                buyer.sub().customerIdentifier(), buyer.productCode(), "requests", BigDecimal.TEN,
                h1.plusSeconds(6).toString(), null, older.idempotencyKey())), UsageIngestion.SOURCE_API);

        // THEN the new item is key, 16-byte digest and TTL (its usage counted in its own hour: no metered hour);
        // the older key answers its true repeat duplicate and another record under it key reused
        assertThat(item.keySet()).containsExactlyInAnyOrder(SuiteTables.PK, SuiteTables.SK, "fp", SuiteTables.TTL);
        assertThat(item.get("fp").b().asByteArray()).hasSize(16);
        assertThat(statuses(repeats)).containsExactly("DUPLICATE", "REJECTED");
        assertThat(repeats.get(1).reason()).isEqualTo(RejectionReason.IDEMPOTENCY_KEY_REUSED);
    }

    private void ingest(MeteringFixtures.Buyer buyer, UsageRecordInput record) {
        assertThat(ingestion.ingest(List.of(record), UsageIngestion.SOURCE_API)).extracting(UsageOutcome::status)
                .as("usage of %s", buyer.customerKey()).containsExactly(UsageOutcome.Status.ACCEPTED);
    }
}
