package io.mpsaas.metering.persistence;

import static io.mpsaas.metering.persistence.UsageItems.*;

import io.mpsaas.common.config.TablesConfig;
import io.mpsaas.common.dynamo.Attr;
import io.mpsaas.common.dynamo.SuiteTables;
import io.mpsaas.common.dynamo.TaggedTransaction;
import io.mpsaas.common.dynamo.Update;
import io.mpsaas.metering.config.MeteringConfig;
import io.mpsaas.metering.domain.AggregateStatus;
import io.mpsaas.metering.domain.Allocation;
import io.mpsaas.metering.domain.MeteredCustomer;
import io.mpsaas.metering.domain.MeteringWindow;
import io.mpsaas.metering.domain.ValidatedUsage;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * Stores usage records by batch. The records of one call or message are grouped per aggregate (customer, dimension,
 * hour) and written in as few {@code TransactWriteItems} as DynamoDB allows: one conditional idempotency put per
 * record, ONE {@code ADD} per aggregate (the summed quantity and event count, only while the hour is open and its
 * total stays within AWS's 2147483647) and one {@code ADD} per allocation bucket. Each transaction is all-or-nothing,
 * so a crash between two of them leaves every record either counted once or not at all (sent again, it is answered
 * {@code duplicate} or counted then). A cancelled transaction is read by action ({@link TaggedTransaction}): the
 * records whose key exists are answered from the stored item, an aggregate whose hour was sent moves its records to
 * the current hour, a full hour refuses the records that no longer fit, and the rest is written again.
 */
@ApplicationScoped
public class UsageWriter {

    /** What became of one usage record. */
    public enum WriteOutcome {
        ACCEPTED, DUPLICATE, KEY_REUSED, HOUR_FROZEN, HOUR_FULL
    }

    /** @param meteredHour the hour the usage counts in (for a duplicate: where the first one counted) */
    public record WriteResult(WriteOutcome outcome, Instant meteredHour) {
    }

    /** One record to store and its customer. */
    public record Write(ValidatedUsage usage, MeteredCustomer customer) {
    }

    /** Transactions cancelled only by conflicts or throttling before the call gives up (and answers 503). */
    static final int TRANSACTION_ATTEMPTS = 8;

    /**
     * Request bytes one transaction may carry, well below DynamoDB's 4 MB of items: an action is at most a few KB
     * (keys of up to 2 KB, five tags), so the 100-action limit binds first; this only guards the estimate.
     */
    static final long MAX_TRANSACTION_BYTES = 3_000_000;

    /** What an action of a usage transaction is for: read back by action when a transaction is cancelled. */
    sealed interface Action {
    }

    /** The idempotency put of record {@code index}. */
    record IdempotencyPut(int index) implements Action {
    }

    /** The quantity of {@code records} added to aggregate {@code target}. */
    record AggregateAdd(Target target, List<Integer> records) implements Action {
    }

    /** The quantity of one tag set added to the bucket of an aggregate. */
    record BucketAdd(Target target, String tagSet) implements Action {
    }

    /** Where records count: the aggregate of a customer, dimension and hour. */
    record Target(String customerKey, String dimension, Instant hour) {

        String id() {
            return UsageTable.aggregateId(customerKey, dimension, hour);
        }
    }

    private final DynamoDbClient dynamo;
    private final UsageTable usageTable;
    private final String table;
    private final Duration idempotencyTtl;
    private final Duration retention;

    public UsageWriter(DynamoDbClient dynamo, UsageTable usageTable, TablesConfig tables, MeteringConfig config) {
        this.dynamo = dynamo;
        this.usageTable = usageTable;
        this.table = tables.usage();
        this.idempotencyTtl = config.ingestion().idempotencyTtl();
        this.retention = config.aggregateRetention();
    }

    /**
     * Stores the records and answers one result per record, in order. Throws when DynamoDB fails: the transactions
     * committed before the failure hold their records whole, which a repeat of the batch answers {@code duplicate}.
     */
    public List<WriteResult> write(List<Write> writes, Instant now) {
        WriteResult[] results = new WriteResult[writes.size()];
        Instant[] target = new Instant[writes.size()];
        // the n-th occurrence of a (customer, idempotency key) in the batch is written in round n, after the first
        // one is stored: a key repeated inside one call is then decided against what its first occurrence stored,
        // exactly as if the records had come one after the other
        Map<String, Integer> seen = new HashMap<>();
        List<List<Integer>> rounds = new ArrayList<>();
        for (int i = 0; i < writes.size(); i++) {
            Write w = writes.get(i);
            target[i] = w.usage().hour();
            int round = seen.merge(idempotencyId(w), 1, Integer::sum) - 1;
            while (rounds.size() <= round) {
                rounds.add(new ArrayList<>());
            }
            rounds.get(round).add(i);
        }
        for (List<Integer> round : rounds) {
            writeRound(round, writes, target, results, now);
        }
        return Arrays.asList(results);
    }

    private void writeRound(List<Integer> round, List<Write> writes, Instant[] target, WriteResult[] results,
            Instant now) {
        Set<Integer> open = new LinkedHashSet<>(round);
        int stalled = 0;
        while (!open.isEmpty()) {
            boolean replan = false;
            for (TaggedTransaction<Action> tx : pack(open, writes, target, now)) {
                try {
                    dynamo.transactWriteItems(r -> r.transactItems(tx.items()));
                } catch (TransactionCanceledException e) {
                    if (settle(tx, tx.refusals(e), writes, target, results, open, now)) {
                        stalled = 0;
                    } else if (++stalled >= TRANSACTION_ATTEMPTS) {
                        throw e;
                    } else {
                        // another transaction on the same aggregate (TransactionConflict) or throttling: shortly again
                        UsageTable.pause(stalled);
                    }
                    replan = true;
                    break;
                }
                for (Action action : tx.tags()) {
                    if (action instanceof IdempotencyPut put) {
                        results[put.index()] = new WriteResult(WriteOutcome.ACCEPTED, target[put.index()]);
                        open.remove(put.index());
                    }
                }
            }
            if (!replan && !open.isEmpty()) {
                throw new IllegalStateException("usage records left unwritten: " + open);
            }
        }
    }

    /**
     * Decides what the refusals of a cancelled transaction decide (duplicates, frozen hours, full hours) and answers
     * whether that settled anything; false when only conflicts or throttling stood in the way (try again).
     */
    private boolean settle(TaggedTransaction<Action> tx, List<TaggedTransaction.Refusal<Action>> refusals,
            List<Write> writes, Instant[] target, WriteResult[] results, Set<Integer> open, Instant now) {
        boolean settled = false;
        for (TaggedTransaction.Refusal<Action> refusal : refusals) {
            if (refusal.retryable()) {
                continue;
            }
            if (!refusal.conditionFailed()) {
                throw new IllegalStateException("usage transaction refused: " + refusal.code() + " "
                        + refusal.message() + " (" + refusal.tag() + ")");
            }
            if (refusal.tag() instanceof IdempotencyPut put) {
                results[put.index()] = repeated(writes.get(put.index()), refusal.item());
                open.remove(put.index());
                settled = true;
            } else if (refusal.tag() instanceof AggregateAdd add) {
                settled |= aggregateRefused(add, refusal.item(), writes, target, results, open, now);
            }
        }
        return settled;
    }

    /** The aggregate's condition failed: its hour was sent (frozen), or the records would pass the hour's maximum. */
    private boolean aggregateRefused(AggregateAdd add, Map<String, AttributeValue> current, List<Write> writes,
            Instant[] target, WriteResult[] results, Set<Integer> open, Instant now) {
        String status = Attr.string(current, STATUS);
        if (status != null && !AggregateStatus.OPEN.name().equals(status)) {
            Instant currentHour = MeteringWindow.hourOf(now);
            for (int i : add.records()) {
                if (target[i].isBefore(currentHour)) {
                    // the hour was already sent (AWS keeps the first quantity of an hour): count the usage in the
                    // current hour rather than lose it
                    target[i] = currentHour;
                } else {
                    results[i] = new WriteResult(WriteOutcome.HOUR_FROZEN, target[i]);
                    open.remove(i);
                }
            }
            return true;
        }
        if (current.isEmpty()) {
            return false;
        }
        // in order, as one record after the other would have been: those that still fit stay, the others are refused
        Long stored = Attr.number(current, QUANTITY);
        long total = stored == null ? 0 : stored;
        boolean settled = false;
        for (int i : add.records()) {
            long quantity = writes.get(i).usage().quantity();
            if (total + quantity <= Integer.MAX_VALUE) {
                total += quantity;
            } else {
                results[i] = new WriteResult(WriteOutcome.HOUR_FULL, target[i]);
                open.remove(i);
                settled = true;
            }
        }
        return settled;
    }

    /** The key exists: a true repeat (same fingerprint) is a duplicate, anything else reuses the key. */
    private WriteResult repeated(Write write, Map<String, AttributeValue> stored) {
        Map<String, AttributeValue> item = stored;
        if (item.isEmpty()) {
            // DynamoDB sends the item back with the refusal (ALL_OLD); read it in case it did not
            item = dynamo.getItem(r -> r.tableName(table).consistentRead(true)
                    .key(SuiteTables.key(idempotencyId(write), IDEMPOTENCY_SK))).item();
        }
        ValidatedUsage usage = write.usage();
        AttributeValue digest = item == null ? null : item.get(FINGERPRINT_DIGEST);
        boolean same = digest != null && digest.b() != null
                ? Arrays.equals(digest.b().asByteArrayUnsafe(), usage.fingerprintDigest())
                : item != null && usage.fingerprint().equals(Attr.string(item, LEGACY_FINGERPRINT));
        Instant metered = item == null ? null : Attr.instant(item, METERED_HOUR);
        // the metered hour is stored only when it is not the usage hour, which a true repeat shares
        return new WriteResult(same ? WriteOutcome.DUPLICATE : WriteOutcome.KEY_REUSED,
                metered != null ? metered : usage.hour());
    }

    // ---- planning

    /** One aggregate's part of a transaction: its records and their allocation buckets. */
    private static final class Part {
        final Target target;
        final MeteredCustomer customer;
        final List<Integer> records = new ArrayList<>();
        final Map<String, Long> buckets = new LinkedHashMap<>();
        final Map<String, Allocation> bucketTags = new HashMap<>();
        long quantity;
        long carried;
        boolean tagged;

        Part(Target target, MeteredCustomer customer) {
            this.target = target;
            this.customer = customer;
        }
    }

    /** The open records packed into transactions of at most 100 actions, aggregates in order of first appearance. */
    private List<TaggedTransaction<Action>> pack(Set<Integer> open, List<Write> writes, Instant[] target,
            Instant now) {
        Map<Target, List<Integer>> byAggregate = new LinkedHashMap<>();
        for (int i : open) {
            Write w = writes.get(i);
            byAggregate.computeIfAbsent(new Target(w.customer().key(), w.usage().dimension(), target[i]),
                    t -> new ArrayList<>()).add(i);
        }
        List<TaggedTransaction<Action>> transactions = new ArrayList<>();
        Map<Target, Part> parts = new LinkedHashMap<>();
        int actions = 0;
        long bytes = 0;
        for (Map.Entry<Target, List<Integer>> aggregate : byAggregate.entrySet()) {
            for (int i : aggregate.getValue()) {
                Write w = writes.get(i);
                Part part = parts.get(aggregate.getKey());
                int cost = 1 + (part == null ? 1 : 0);
                for (Allocation a : w.usage().allocations()) {
                    if (part == null || !part.buckets.containsKey(a.tagSetKey())) {
                        cost++;
                    }
                }
                long size = estimate(w);
                boolean overflows = part != null && part.quantity + w.usage().quantity() > Integer.MAX_VALUE;
                if (actions + cost > TaggedTransaction.MAX_ACTIONS || bytes + size > MAX_TRANSACTION_BYTES
                        || overflows) {
                    // a part's sum stays within AWS's maximum, so the ADD's condition can hold; the records after
                    // it are decided against the stored total by the next transaction
                    transactions.add(transaction(parts.values(), writes, target, now));
                    parts.clear();
                    actions = 0;
                    bytes = 0;
                    part = null;
                    cost = 2 + w.usage().allocations().size();
                }
                if (part == null) {
                    part = new Part(aggregate.getKey(), w.customer());
                    parts.put(aggregate.getKey(), part);
                }
                part.records.add(i);
                part.quantity += w.usage().quantity();
                if (!target[i].equals(w.usage().hour())) {
                    part.carried += w.usage().quantity();
                }
                for (Allocation a : w.usage().allocations()) {
                    part.tagged = true;
                    part.buckets.merge(a.tagSetKey(), a.quantity(), Long::sum);
                    part.bucketTags.putIfAbsent(a.tagSetKey(), a);
                }
                actions += cost;
                bytes += size;
            }
        }
        if (!parts.isEmpty()) {
            transactions.add(transaction(parts.values(), writes, target, now));
        }
        return transactions;
    }

    /** Generous size of a record's actions in the request (keys, fingerprint, tags, expression text). */
    private static long estimate(Write w) {
        long size = 600 + 2L * w.customer().key().length() + w.usage().idempotencyKey().length();
        for (Allocation a : w.usage().allocations()) {
            size += 300 + a.tagSetKey().length() * 2L;
        }
        return size;
    }

    private TaggedTransaction<Action> transaction(Iterable<Part> parts, List<Write> writes, Instant[] target,
            Instant now) {
        TaggedTransaction<Action> tx = new TaggedTransaction<>();
        long expiresAt = now.plus(idempotencyTtl).getEpochSecond();
        for (Part part : parts) {
            for (int i : part.records) {
                tx.add(new IdempotencyPut(i), idempotencyPut(writes.get(i), target[i], expiresAt));
            }
            tx.add(new AggregateAdd(part.target, List.copyOf(part.records)), aggregateAdd(part, now));
            for (Map.Entry<String, Long> bucket : part.buckets.entrySet()) {
                tx.add(new BucketAdd(part.target, bucket.getKey()),
                        bucketAdd(part.target, part.bucketTags.get(bucket.getKey()), bucket.getValue()));
            }
        }
        return tx;
    }

    /**
     * The idempotency item, as small as the decisions it serves allow: its key (customer and idempotency key), the
     * record's fingerprint digest (duplicate or key reused), the TTL, and the metered hour only when the usage was
     * counted in a later hour than its own (a duplicate's answer names it).
     */
    private TransactWriteItem idempotencyPut(Write w, Instant meteredHour, long expiresAt) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(SuiteTables.PK, Attr.s(idempotencyId(w)));
        item.put(SuiteTables.SK, Attr.s(IDEMPOTENCY_SK));
        item.put(FINGERPRINT_DIGEST, AttributeValue.fromB(SdkBytes.fromByteArray(w.usage().fingerprintDigest())));
        item.put(SuiteTables.TTL, Attr.n(expiresAt));
        if (!meteredHour.equals(w.usage().hour())) {
            item.put(METERED_HOUR, Attr.instant(meteredHour));
        }
        return TransactWriteItem.builder().put(Put.builder().tableName(table).item(item)
                .conditionExpression("attribute_not_exists(#pk)")
                .expressionAttributeNames(Map.of("#pk", SuiteTables.PK))
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD).build()).build();
    }

    /** One ADD of the part's summed quantity and events, only while the hour is open and within AWS's maximum. */
    private TransactWriteItem aggregateAdd(Part part, Instant now) {
        Update u = usageTable.aggregateUpsert(part.customer, part.target.dimension(), part.target.hour(), now)
                .add(QUANTITY, Attr.n(part.quantity))
                .add(EVENTS, Attr.n(part.records.size()));
        if (part.carried > 0) {
            u.add(CARRIED_QUANTITY, Attr.n(part.carried));
        }
        if (part.tagged) {
            u.set(TAGGED, Attr.bool(true));
        } else {
            u.setIfAbsent(TAGGED, Attr.bool(false));
        }
        u.condition("(attribute_not_exists(" + u.name(STATUS) + ") OR " + u.name(STATUS) + " = "
                + u.value(Attr.s(AggregateStatus.OPEN.name())) + ") AND (attribute_not_exists(" + u.name(QUANTITY)
                + ") OR " + u.name(QUANTITY) + " <= " + u.value(Attr.n(Integer.MAX_VALUE - part.quantity)) + ")");
        return TransactWriteItem.builder().update(u.transactUpdate(table, SuiteTables.key(part.target.id(),
                AGGREGATE_SK)).returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                .build()).build();
    }

    private TransactWriteItem bucketAdd(Target target, Allocation allocation, long quantity) {
        Map<String, AttributeValue> tags = new TreeMap<>();
        allocation.tags().forEach((k, v) -> tags.put(k, Attr.s(v)));
        Update bucket = new Update()
                .set(TYPE, Attr.s(ALLOCATION_SK_PREFIX))
                .set(TAGS, AttributeValue.fromM(tags))
                .set(SuiteTables.TTL, Attr.n(target.hour().plus(retention).getEpochSecond()))
                .add(QUANTITY, Attr.n(quantity));
        return bucket.transactItem(table,
                SuiteTables.key(target.id(), ALLOCATION_SK_PREFIX + allocation.tagSetKey()));
    }

    private static String idempotencyId(Write w) {
        return UsageTable.idempotencyId(w.customer().key(), w.usage().idempotencyKey());
    }
}
