package io.mpsaas.metering.persistence;

import static io.mpsaas.common.dynamo.SuiteTables.key;
import static io.mpsaas.metering.persistence.UsageItems.*;

import io.mpsaas.common.config.TablesConfig;
import io.mpsaas.common.customer.IdentityModel;
import io.mpsaas.common.dynamo.Attr;
import io.mpsaas.common.dynamo.BatchReads;
import io.mpsaas.common.dynamo.Paging;
import io.mpsaas.common.dynamo.SuiteTables;
import io.mpsaas.common.dynamo.TaggedTransaction;
import io.mpsaas.common.dynamo.Update;
import io.mpsaas.common.retry.Backoff;
import io.mpsaas.metering.config.MeteringConfig;
import io.mpsaas.metering.domain.Aggregate;
import io.mpsaas.metering.domain.AggregateStatus;
import io.mpsaas.metering.domain.Allocation;
import io.mpsaas.metering.domain.MeteredCustomer;
import io.mpsaas.metering.domain.QuotaHeadroom;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * The usage table: idempotency keys, hourly aggregates with their allocation buckets, claims and results. Every write
 * that can race or repeat is conditional; a failed condition becomes a named outcome.
 */
@ApplicationScoped
public class UsageTable {

    private final DynamoDbClient dynamo;
    private final String table;
    private final int shards;
    private final Duration idempotencyTtl;
    private final Duration retention;
    private final int pendingPage;

    /** Transactions cancelled only by conflicts or throttling before a batch write gives up. */
    public static final int TRANSACTION_ATTEMPTS = 8;
    /** Before a transaction is tried again: up to 40 ms, doubling, at most 640 ms, full jitter. */
    private static final Backoff TRANSACTION_BACKOFF = Backoff.fullJitter(Duration.ofMillis(40),
            Duration.ofMillis(640));

    @Inject
    public UsageTable(DynamoDbClient dynamo, TablesConfig tables, MeteringConfig config) {
        this(dynamo, tables, config, PENDING_PAGE);
    }

    /** With another page size of the pending list (tests: a list of many pages). */
    public UsageTable(DynamoDbClient dynamo, TablesConfig tables, MeteringConfig config, int pendingPage) {
        this.pendingPage = pendingPage;
        this.dynamo = dynamo;
        this.table = tables.usage();
        this.shards = Math.max(1, config.indexShards());
        this.idempotencyTtl = config.ingestion().idempotencyTtl();
        this.retention = config.aggregateRetention();
    }

    // ---- ingestion (the writes themselves: UsageWriter)

    /**
     * Creates an empty open aggregate unless one exists (hourly zero-quantity records). Answers whether it was
     * created.
     */
    public boolean ensureAggregate(MeteredCustomer customer, String dimension, Instant hour, Instant now) {
        Update u = aggregateUpsert(customer, dimension, hour, now).add(QUANTITY, Attr.n(0)).add(EVENTS, Attr.n(0))
                .setIfAbsent(TAGGED, Attr.bool(false));
        u.condition("attribute_not_exists(" + u.name(SuiteTables.PK) + ")");
        try {
            dynamo.updateItem(request(aggregateId(customer.key(), dimension, hour), AGGREGATE_SK, u).build());
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    /** The attributes every write of an aggregate sets: identity, hour, status if new, index keys, times, TTL. */
    Update aggregateUpsert(MeteredCustomer customer, String dimension, Instant hour, Instant now) {
        String id = aggregateId(customer.key(), dimension, hour);
        Update u = new Update()
                .set(TYPE, Attr.s(AGGREGATE_SK))
                .set(CUSTOMER_KEY, Attr.s(customer.key()))
                .set(PRODUCT_CODE, customer.productCode() == null ? null : Attr.s(customer.productCode()))
                .set(IDENTITY_MODEL, Attr.s((customer.concurrentAgreements() ? IdentityModel.CONCURRENT_AGREEMENTS
                        : IdentityModel.LEGACY).name()))
                .set(CUSTOMER_IDENTIFIER, nullable(customer.customerIdentifier()))
                .set(CUSTOMER_AWS_ACCOUNT_ID, nullable(customer.customerAwsAccountId()))
                .set(LICENSE_ARN, nullable(customer.licenseArn()))
                .set(DIMENSION, Attr.s(dimension))
                .set(HOUR, Attr.instant(hour))
                .setIfAbsent(STATUS, Attr.s(AggregateStatus.OPEN.name()))
                .set(SuiteTables.GSI1_PK, Attr.s(PENDING_PREFIX + shard(id)))
                .set(SuiteTables.GSI1_SK, Attr.s(indexSortKey(hour, customer.key(), dimension)))
                .set(SuiteTables.GSI2_PK, Attr.s(CUSTOMER_PREFIX + customer.key()))
                .set(SuiteTables.GSI2_SK, Attr.s(hour + "#" + dimension))
                .setIfAbsent(CREATED_AT, Attr.instant(now))
                .set(UPDATED_AT, Attr.instant(now))
                .set(SuiteTables.TTL, Attr.n(hour.plus(retention).getEpochSecond()));
        return u;
    }

    // ---- reads

    public Optional<Aggregate> aggregate(String id) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).consistentRead(true)
                .key(key(id, AGGREGATE_SK))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(toAggregate(item));
    }

    /**
     * The aggregates with these ids as they are now (strongly consistent; one BatchGetItem per 100); an id without an
     * item maps to empty.
     */
    public Map<String, Optional<Aggregate>> aggregates(List<String> ids) {
        Map<String, Optional<Aggregate>> found = new HashMap<>();
        List<Map<String, AttributeValue>> keys = new ArrayList<>();
        for (String id : ids) {
            keys.add(key(id, AGGREGATE_SK));
            found.put(id, Optional.empty());
        }
        // until every key is read: one left unread would pass for an aggregate gone (taken by another replica)
        for (Map<String, AttributeValue> item : BatchReads.read(dynamo, table, keys,
                KeysAndAttributes.builder().consistentRead(true).build(), BatchReads.UNTIL_READ).items()) {
            Aggregate a = toAggregate(item);
            found.put(a.id(), Optional.of(a));
        }
        return found;
    }

    /**
     * Items of the pending index read per page while listing: a run claims from the first page while the rest is read,
     * so a small first page starts the claims sooner; 1,000 aggregates is well under DynamoDB's 1 MB a page.
     */
    static final int PENDING_PAGE = 1000;

    /** Items of the pending index read per page. */
    public int pendingPage() {
        return pendingPage;
    }

    /**
     * Aggregates still to be sent whose hour started before {@code before}, oldest hour first, read lazily: the
     * shards' pending index pages are merged by their sort key (hour, customer, dimension; the shard breaks ties), and
     * a shard's next page is read only when the merge reaches it. Every replica walks the same order.
     */
    public Iterator<Aggregate> pendingInOrder(Instant before) {
        List<Iterator<Map<String, AttributeValue>>> shardItems = new ArrayList<>(shards);
        for (int shard = 0; shard < shards; shard++) {
            shardItems.add(indexItems(SuiteTables.GSI1, SuiteTables.GSI1_PK, PENDING_PREFIX + shard,
                    SuiteTables.GSI1_SK, before.toString(), pendingPage, true).iterator());
        }
        return new MergedShards(shardItems);
    }

    /** The k-way merge of the shards' sorted index items, each shard's next item read only when needed. */
    private static final class MergedShards implements Iterator<Aggregate> {

        private record Head(Map<String, AttributeValue> item, String sortKey, int shard) {
        }

        private final List<Iterator<Map<String, AttributeValue>>> shards;
        private final PriorityQueue<Head> heads = new PriorityQueue<>(
                Comparator.comparing(Head::sortKey).thenComparingInt(Head::shard));
        private boolean started;

        MergedShards(List<Iterator<Map<String, AttributeValue>>> shards) {
            this.shards = shards;
        }

        @Override
        public boolean hasNext() {
            if (!started) {
                started = true;
                for (int shard = 0; shard < shards.size(); shard++) {
                    advance(shard);
                }
            }
            return !heads.isEmpty();
        }

        @Override
        public Aggregate next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            Head head = heads.poll();
            advance(head.shard());
            return toAggregate(head.item());
        }

        private void advance(int shard) {
            Iterator<Map<String, AttributeValue>> items = shards.get(shard);
            if (items.hasNext()) {
                Map<String, AttributeValue> item = items.next();
                heads.add(new Head(item, Attr.string(item, SuiteTables.GSI1_SK), shard));
            }
        }
    }

    /**
     * The hour of the oldest aggregate still to be sent, the current hour included; empty when everything is sent. One
     * Query of one index key per shard (the pending index sorts by hour), whatever the backlog.
     */
    public Optional<Instant> oldestPendingHour() {
        Instant oldest = null;
        for (int shard = 0; shard < shards; shard++) {
            QueryResponse page = dynamo.query(QueryRequest.builder().tableName(table).indexName(SuiteTables.GSI1)
                    .keyConditionExpression("#p = :p")
                    .expressionAttributeNames(Map.of("#p", SuiteTables.GSI1_PK, "#s", SuiteTables.GSI1_SK))
                    .expressionAttributeValues(Map.of(":p", Attr.s(PENDING_PREFIX + shard)))
                    .projectionExpression("#s").scanIndexForward(true).limit(1).build());
            for (Map<String, AttributeValue> item : page.items()) {
                String sortKey = Attr.string(item, SuiteTables.GSI1_SK);
                Instant hour = Instant.parse(sortKey.substring(0, sortKey.indexOf('#')));
                oldest = oldest == null || hour.isBefore(oldest) ? hour : oldest;
            }
        }
        return Optional.ofNullable(oldest);
    }

    /** A customer's aggregates, newest hour first, at most {@code limit}. */
    public List<Aggregate> ofCustomer(String customerKey, int limit) {
        return queryIndex(SuiteTables.GSI2, SuiteTables.GSI2_PK, CUSTOMER_PREFIX + customerKey, limit, false);
    }

    /** Aggregates that ended without billing (the failures index), newest hour first. */
    public List<Aggregate> failures(int limit) {
        List<Aggregate> all = new ArrayList<>();
        for (int shard = 0; shard < shards; shard++) {
            all.addAll(queryIndex(SuiteTables.GSI1, SuiteTables.GSI1_PK, FAILED_PREFIX + shard, limit, false));
        }
        all.sort(Comparator.comparing(Aggregate::hour).reversed().thenComparing(Aggregate::id));
        return all.size() > limit ? all.subList(0, limit) : all;
    }

    /** The allocation buckets of an aggregate (strongly consistent, read after the freeze). */
    public List<Allocation> allocations(String aggregateId) {
        List<Allocation> allocations = new ArrayList<>();
        Paging.query(dynamo, QueryRequest.builder().tableName(table).consistentRead(true)
                .keyConditionExpression("#pk = :pk AND begins_with(#sk, :alloc)")
                .expressionAttributeNames(Map.of("#pk", SuiteTables.PK, "#sk", SuiteTables.SK))
                .expressionAttributeValues(Map.of(":pk", Attr.s(aggregateId), ":alloc", Attr.s(ALLOCATION_SK_PREFIX)))
                .build()).forEach(item -> {
                    TreeMap<String, String> tags = new TreeMap<>();
                    AttributeValue t = item.get(TAGS);
                    if (t != null && t.hasM()) {
                        t.m().forEach((k, v) -> tags.put(k, v.s()));
                    }
                    allocations.add(new Allocation(Attr.number(item, QUANTITY), tags));
                });
        return allocations;
    }

    private List<Aggregate> queryIndex(String index, String pkName, String pkValue, int limit, boolean forward) {
        return indexItems(index, pkName, pkValue, null, null, null, forward)
                .limit(limit)
                .map(UsageTable::toAggregate)
                .collect(Collectors.toList());
    }

    /**
     * The aggregate items under one index key, in sort key order ({@code forward}) and below {@code skBelow} when
     * {@code skName} is given, read lazily page by page ({@code pageSize} items a page when given).
     */
    private Stream<Map<String, AttributeValue>> indexItems(String index, String pkName, String pkValue,
            String skName, String skBelow, Integer pageSize, boolean forward) {
        Map<String, String> names = new HashMap<>(Map.of("#p", pkName));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":p", Attr.s(pkValue)));
        String condition = "#p = :p";
        if (skName != null) {
            names.put("#s", skName);
            values.put(":s", Attr.s(skBelow));
            condition += " AND #s < :s";
        }
        QueryRequest.Builder query = QueryRequest.builder().tableName(table).indexName(index)
                .keyConditionExpression(condition).expressionAttributeNames(names)
                .expressionAttributeValues(values).scanIndexForward(forward);
        if (pageSize != null) {
            query.limit(pageSize);
        }
        return Paging.query(dynamo, query.build())
                .filter(item -> AGGREGATE_SK.equals(Attr.string(item, SuiteTables.SK)));
    }

    // ---- the job: claim and freeze, outcomes; by batch

    /**
     * An aggregate to claim, as the pending list showed it; for an open one, what its freeze bills.
     *
     * @param billed   what will be sent for an open aggregate's quantity (ignored for a frozen one)
     * @param entitled the contracted quantity deducted (consumption contracts), else null
     */
    public record ClaimRequest(Aggregate seen, long billed, Double entitled) {
    }

    /** The answer to a batch claim. */
    public sealed interface Claim {
    }

    /** The transaction committed: every aggregate is ours until the lease ends, frozen, as it will be sent. */
    public record Claimed(List<Aggregate> aggregates) implements Claim {
    }

    /**
     * The transaction was cancelled, nothing was claimed. {@code changed}: the aggregates whose condition failed, as
     * they are now (empty: gone); {@code retryable}: some action only met a conflict or throttling.
     */
    public record NotClaimed(Map<String, Optional<Aggregate>> changed, boolean retryable) implements Claim {
    }

    /**
     * Claims and freezes a batch in one transaction (up to 100 aggregates; all-or-nothing): each open aggregate is
     * frozen at exactly the quantity the request saw, with what it bills, and leased to {@code owner} until
     * {@code now + lease}; each frozen one (a retry, or a takeover after a crash) is leased with its frozen quantity
     * unchanged. Conditions: still pending, the quantity (or frozen quantity) as seen, and no unexpired lease of
     * another owner. One write per aggregate, as the former claim and freeze were two.
     */
    public Claim claimAndFreeze(List<ClaimRequest> batch, String owner, Instant now, Duration lease) {
        TaggedTransaction<String> tx = new TaggedTransaction<>();
        List<Aggregate> frozen = new ArrayList<>();
        Instant until = now.plus(lease);
        for (ClaimRequest request : batch) {
            Aggregate a = request.seen();
            Update u = new Update()
                    .set(LEASE_OWNER, Attr.s(owner))
                    .set(LEASE_UNTIL, Attr.n(until.toEpochMilli()));
            String leaseFree = "(attribute_not_exists(" + u.name(LEASE_UNTIL) + ") OR " + u.name(LEASE_UNTIL) + " < "
                    + u.value(Attr.n(now.toEpochMilli())) + " OR " + u.name(LEASE_OWNER) + " = "
                    + u.value(Attr.s(owner)) + ")";
            Aggregate ours;
            if (a.status() == AggregateStatus.OPEN) {
                u.set(STATUS, Attr.s(AggregateStatus.FROZEN.name()))
                        .set(FROZEN_QUANTITY, Attr.n(a.quantity()))
                        .set(BILLED_QUANTITY, Attr.n(request.billed()))
                        .set(ENTITLED_QUANTITY, request.entitled() == null ? null
                                : AttributeValue.fromN(Double.toString(request.entitled())))
                        .set(FROZEN_AT, Attr.instant(now))
                        .set(UPDATED_AT, Attr.instant(now));
                u.condition(u.name(STATUS) + " = " + u.value(Attr.s(AggregateStatus.OPEN.name())) + " AND "
                        + u.name(QUANTITY) + " = " + u.value(Attr.n(a.quantity())) + " AND " + leaseFree);
                ours = a.frozen(a.quantity(), request.billed(), request.entitled(), owner, until);
            } else if (a.status() == AggregateStatus.FROZEN && a.frozenQuantity() != null
                    && a.billedQuantity() != null) {
                // what every send repeats is pinned: the frozen and billed quantities as seen
                u.condition(u.name(STATUS) + " = " + u.value(Attr.s(AggregateStatus.FROZEN.name())) + " AND "
                        + u.name(FROZEN_QUANTITY) + " = " + u.value(Attr.n(a.frozenQuantity())) + " AND "
                        + u.name(BILLED_QUANTITY) + " = " + u.value(Attr.n(a.billedQuantity())) + " AND "
                        + leaseFree);
                ours = a.frozen(a.frozenQuantity(), a.billedQuantity(), a.entitledQuantity(), owner, until);
            } else {
                throw new IllegalArgumentException("not a pending aggregate: " + a.id() + " " + a.status());
            }
            tx.add(a.id(), TransactWriteItem.builder().update(u.transactUpdate(table, key(a.id(), AGGREGATE_SK))
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD).build()).build());
            frozen.add(ours);
        }
        try {
            dynamo.transactWriteItems(r -> r.transactItems(tx.items()));
            return new Claimed(frozen);
        } catch (TransactionCanceledException e) {
            Map<String, Optional<Aggregate>> changed = new LinkedHashMap<>();
            boolean retryable = false;
            for (TaggedTransaction.Refusal<String> refusal : tx.refusals(e)) {
                if (refusal.conditionFailed()) {
                    changed.put(refusal.tag(), refusal.item().isEmpty() ? Optional.empty()
                            : Optional.of(toAggregate(refusal.item())));
                } else if (refusal.retryable()) {
                    retryable = true;
                } else {
                    throw e;
                }
            }
            return new NotClaimed(changed, retryable);
        }
    }

    /** The outcome of a claimed, frozen aggregate. */
    public sealed interface Outcome {

        Aggregate frozen();
    }

    /**
     * A final status (sent, refused, dry run, ...), written only while the aggregate is still frozen at the same
     * quantity, so a late or repeated outcome never overwrites another.
     */
    public record Finish(Aggregate frozen, AggregateStatus status, String meteringRecordId, String code,
            String message) implements Outcome {
    }

    /** Back to a later run (after {@code notBefore}), counting the attempt; only while our lease holds. */
    public record Release(Aggregate frozen, String code, String message, Instant notBefore) implements Outcome {
    }

    /**
     * Writes the outcomes of a batch together, in transactions of up to 100 (all-or-nothing each): an outcome whose
     * condition fails (another run recorded one, or took the lease over) is left out and the others written again.
     * Answers, in order, whether each outcome was written.
     */
    public List<Boolean> recordOutcomes(List<? extends Outcome> outcomes, String owner, Instant now) {
        Boolean[] written = new Boolean[outcomes.size()];
        for (int from = 0; from < outcomes.size(); from += TaggedTransaction.MAX_ACTIONS) {
            List<Integer> open = new ArrayList<>();
            for (int i = from; i < Math.min(outcomes.size(), from + TaggedTransaction.MAX_ACTIONS); i++) {
                open.add(i);
            }
            for (int stalled = 0; !open.isEmpty(); ) {
                TaggedTransaction<Integer> tx = new TaggedTransaction<>();
                for (int i : open) {
                    tx.add(i, outcomeUpdate(outcomes.get(i), owner, now));
                }
                try {
                    dynamo.transactWriteItems(r -> r.transactItems(tx.items()));
                    open.forEach(i -> written[i] = true);
                    open = List.of();
                } catch (TransactionCanceledException e) {
                    List<Integer> refused = new ArrayList<>();
                    for (TaggedTransaction.Refusal<Integer> refusal : tx.refusals(e)) {
                        if (refusal.conditionFailed()) {
                            refused.add(refusal.tag());
                        } else if (!refusal.retryable()) {
                            throw e;
                        }
                    }
                    if (refused.isEmpty()) {
                        if (++stalled >= TRANSACTION_ATTEMPTS) {
                            throw e;
                        }
                        pause(stalled);
                    }
                    refused.forEach(i -> written[i] = false);
                    List<Integer> rest = new ArrayList<>(open);
                    rest.removeAll(refused);
                    open = rest;
                }
            }
        }
        return Arrays.asList(written);
    }

    private TransactWriteItem outcomeUpdate(Outcome outcome, String owner, Instant now) {
        Aggregate frozen = outcome.frozen();
        Update u = new Update();
        if (outcome instanceof Finish finish) {
            u.set(STATUS, Attr.s(finish.status().name()))
                    .set(METERING_RECORD_ID, nullable(finish.meteringRecordId()))
                    .set(RESULT_CODE, nullable(finish.code()))
                    .set(RESULT_MESSAGE, nullable(truncate(finish.message())))
                    .set(UPDATED_AT, Attr.instant(now));
            if (finish.status() == AggregateStatus.SENT) {
                u.set(SENT_AT, Attr.instant(now));
            }
            if (finish.status().failure()) {
                u.set(SuiteTables.GSI1_PK, Attr.s(FAILED_PREFIX + shard(frozen.id())));
                u.set(SuiteTables.GSI1_SK, Attr.s(indexSortKey(frozen.hour(), frozen.customerKey(),
                        frozen.dimension())));
                u.remove(LEASE_OWNER, LEASE_UNTIL);
            } else {
                u.remove(LEASE_OWNER, LEASE_UNTIL, SuiteTables.GSI1_PK, SuiteTables.GSI1_SK);
            }
            u.condition(u.name(STATUS) + " = " + u.value(Attr.s(AggregateStatus.FROZEN.name())) + " AND "
                    + u.name(FROZEN_QUANTITY) + " = " + u.value(Attr.n(frozen.frozenQuantity())));
        } else if (outcome instanceof Release release) {
            u.add(ATTEMPTS, Attr.n(1))
                    .set(NEXT_ATTEMPT_AT, Attr.n(release.notBefore().toEpochMilli()))
                    .set(RESULT_CODE, nullable(release.code()))
                    .set(RESULT_MESSAGE, nullable(truncate(release.message())))
                    .set(UPDATED_AT, Attr.instant(now))
                    .remove(LEASE_OWNER, LEASE_UNTIL);
            u.condition(u.name(STATUS) + " = " + u.value(Attr.s(AggregateStatus.FROZEN.name())) + " AND "
                    + u.name(LEASE_OWNER) + " = " + u.value(Attr.s(owner)));
        }
        return u.transactItem(table, key(frozen.id(), AGGREGATE_SK));
    }

    /**
     * Puts a failed aggregate back to frozen-and-pending with its frozen quantity unchanged. Only for re-drivable
     * statuses; the caller checks the window.
     */
    public boolean redrive(Aggregate failed, Instant now) {
        Update u = new Update()
                .set(STATUS, Attr.s(AggregateStatus.FROZEN.name()))
                .set(ATTEMPTS, Attr.n(0))
                .set(NEXT_ATTEMPT_AT, Attr.n(0))
                .set(SuiteTables.GSI1_PK, Attr.s(PENDING_PREFIX + shard(failed.id())))
                .set(SuiteTables.GSI1_SK, Attr.s(indexSortKey(failed.hour(), failed.customerKey(),
                        failed.dimension())))
                .set(UPDATED_AT, Attr.instant(now))
                .remove(LEASE_OWNER, LEASE_UNTIL);
        u.condition(u.name(STATUS) + " = " + u.value(Attr.s(failed.status().name())) + " AND attribute_exists("
                + u.name(FROZEN_QUANTITY) + ")");
        try {
            dynamo.updateItem(request(failed.id(), AGGREGATE_SK, u).build());
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    // ---- the hourly runs' quota needs

    /**
     * Stores what the hourly run of {@code need.hour()} needs, unless a run of that hour (another replica, an earlier
     * run) recorded more: the largest need of an hour stands. Kept for {@code keep}.
     */
    public void recordRunNeed(QuotaHeadroom.RunNeed need, Instant now, Duration keep) {
        Update u = new Update()
                .set(TYPE, Attr.s(QUOTA_RUNS_PK))
                .set(CALLS, Attr.n(need.calls()))
                .set(RECORDS, Attr.n(need.records()))
                .set(UPDATED_AT, Attr.instant(now))
                .set(SuiteTables.TTL, Attr.n(need.hour().plus(keep).getEpochSecond()));
        u.condition("attribute_not_exists(" + u.name(CALLS) + ") OR " + u.name(CALLS) + " < "
                + u.value(Attr.n(need.calls())));
        try {
            dynamo.updateItem(request(QUOTA_RUNS_PK, need.hour().toString(), u).build());
        } catch (ConditionalCheckFailedException e) {
            // a larger need of the same hour stands
        }
    }

    /** The needs of the hourly runs since {@code since}, oldest first. */
    public List<QuotaHeadroom.RunNeed> runNeeds(Instant since) {
        return Paging.query(dynamo, QueryRequest.builder().tableName(table).consistentRead(true)
                .keyConditionExpression("#pk = :pk AND #sk >= :since")
                .expressionAttributeNames(Map.of("#pk", SuiteTables.PK, "#sk", SuiteTables.SK))
                .expressionAttributeValues(Map.of(":pk", Attr.s(QUOTA_RUNS_PK), ":since", Attr.s(since.toString())))
                .build()).map(item -> {
                    Long calls = Attr.number(item, CALLS);
                    Long records = Attr.number(item, RECORDS);
                    return new QuotaHeadroom.RunNeed(Instant.parse(Attr.string(item, SuiteTables.SK)),
                            calls == null ? 0 : calls, records == null ? 0 : records);
                }).collect(Collectors.toList());
    }

    // ---- keys and mapping

    public static String aggregateId(String customerKey, String dimension, Instant hour) {
        return AGGREGATE_PREFIX + customerKey + "#" + dimension + "#" + hour;
    }

    /** What every aggregate id of the customer starts with. */
    public static String aggregatePrefix(String customerKey) {
        return AGGREGATE_PREFIX + customerKey + "#";
    }


    static String idempotencyId(String customerKey, String idempotencyKey) {
        return IDEMPOTENCY_PREFIX + customerKey + "#" + idempotencyKey;
    }

    private int shard(String id) {
        return Math.floorMod(id.hashCode(), shards);
    }

    private static String indexSortKey(Instant hour, String customerKey, String dimension) {
        return hour + "#" + customerKey + "#" + dimension;
    }

    private UpdateItemRequest.Builder request(String pk, String sk, Update u) {
        return u.request(table, key(pk, sk));
    }

    private static AttributeValue nullable(String value) {
        return value == null ? null : Attr.s(value);
    }

    private static String truncate(String value) {
        return value == null || value.length() <= 1000 ? value : value.substring(0, 1000);
    }

    /** Jittered, growing pause before a transaction is tried again (conflicts, throttling). */
    public static void pause(int attempt) {
        TRANSACTION_BACKOFF.pause(attempt);
    }

    static Aggregate toAggregate(Map<String, AttributeValue> item) {
        String model = Attr.string(item, IDENTITY_MODEL);
        Long quantity = Attr.number(item, QUANTITY);
        Long events = Attr.number(item, EVENTS);
        Long carried = Attr.number(item, CARRIED_QUANTITY);
        Long attempts = Attr.number(item, ATTEMPTS);
        Long leaseUntil = Attr.number(item, LEASE_UNTIL);
        Long next = Attr.number(item, NEXT_ATTEMPT_AT);
        AttributeValue entitled = item.get(ENTITLED_QUANTITY);
        return new Aggregate(Attr.string(item, SuiteTables.PK), Attr.string(item, CUSTOMER_KEY),
                model == null ? null : IdentityModel.valueOf(model), Attr.string(item, PRODUCT_CODE),
                Attr.string(item, CUSTOMER_IDENTIFIER), Attr.string(item, CUSTOMER_AWS_ACCOUNT_ID),
                Attr.string(item, LICENSE_ARN), Attr.string(item, DIMENSION), Attr.instant(item, HOUR),
                quantity == null ? 0 : quantity, events == null ? 0 : events, carried == null ? 0 : carried,
                AggregateStatus.valueOf(Attr.string(item, STATUS)), Attr.number(item, FROZEN_QUANTITY),
                Attr.number(item, BILLED_QUANTITY), entitled == null ? null : Double.valueOf(entitled.n()), List.of(),
                Attr.string(item, LEASE_OWNER), leaseUntil == null ? null : Instant.ofEpochMilli(leaseUntil),
                attempts == null ? 0 : attempts.intValue(),
                next == null || next == 0 ? null : Instant.ofEpochMilli(next),
                Attr.string(item, METERING_RECORD_ID), Attr.string(item, RESULT_CODE),
                Attr.string(item, RESULT_MESSAGE), Attr.instant(item, SENT_AT), Attr.instant(item, UPDATED_AT),
                item.containsKey(TAGGED) ? Attr.flag(item, TAGGED) : null);
    }
}
