package io.mpsaas.metering.persistence;

import static io.mpsaas.metering.persistence.UsageItems.*;

import io.mpsaas.common.config.TablesConfig;
import io.mpsaas.common.customer.IdentityModel;
import io.mpsaas.common.dynamo.Attr;
import io.mpsaas.common.dynamo.SuiteTables;
import io.mpsaas.metering.config.MeteringConfig;
import io.mpsaas.metering.domain.Aggregate;
import io.mpsaas.metering.domain.AggregateStatus;
import io.mpsaas.metering.domain.Allocation;
import io.mpsaas.metering.domain.MeteredCustomer;
import io.mpsaas.metering.domain.ValidatedUsage;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * The usage table: idempotency keys, hourly aggregates with their allocation buckets, claims and results. Every write
 * that can race or repeat is conditional; a failed condition becomes a named outcome.
 */
@ApplicationScoped
public class UsageTable {

    /** What became of one usage write. */
    public enum WriteOutcome {
        ACCEPTED, DUPLICATE, KEY_REUSED, HOUR_FROZEN, HOUR_FULL
    }

    /** @param meteredHour the hour the usage counts in (for a duplicate: where the first one counted) */
    public record WriteResult(WriteOutcome outcome, Instant meteredHour) {
    }

    private static final int TRANSACTION_ATTEMPTS = 8;

    private final DynamoDbClient dynamo;
    private final String table;
    private final int shards;
    private final Duration idempotencyTtl;
    private final Duration retention;

    public UsageTable(DynamoDbClient dynamo, TablesConfig tables, MeteringConfig config) {
        this.dynamo = dynamo;
        this.table = tables.usage();
        this.shards = Math.max(1, config.indexShards());
        this.idempotencyTtl = config.ingestion().idempotencyTtl();
        this.retention = config.aggregateRetention();
    }

    // ---- ingestion

    /**
     * Stores one usage record in one transaction: the idempotency item (put if absent) and the quantity added to the
     * hour's aggregate (only while it is open), plus its allocation buckets. Either everything counts once or nothing.
     */
    public WriteResult recordUsage(ValidatedUsage usage, MeteredCustomer customer, Instant meteredHour, String source,
            Instant now) {
        String aggregateId = aggregateId(customer.key(), usage.dimension(), meteredHour);
        Map<String, AttributeValue> idem = new HashMap<>();
        idem.put(SuiteTables.PK, Attr.s(idempotencyId(customer.key(), usage.idempotencyKey())));
        idem.put(SuiteTables.SK, Attr.s(IDEMPOTENCY_SK));
        idem.put(TYPE, Attr.s(IDEMPOTENCY_SK));
        idem.put(CUSTOMER_KEY, Attr.s(customer.key()));
        idem.put(IDEMPOTENCY_KEY, Attr.s(usage.idempotencyKey()));
        idem.put(FINGERPRINT, Attr.s(usage.fingerprint()));
        idem.put(DIMENSION, Attr.s(usage.dimension()));
        idem.put(QUANTITY, Attr.n(usage.quantity()));
        idem.put(USAGE_AT, Attr.instant(usage.usageAt()));
        idem.put(USAGE_HOUR, Attr.instant(usage.hour()));
        idem.put(METERED_HOUR, Attr.instant(meteredHour));
        idem.put(RECEIVED_AT, Attr.instant(now));
        idem.put(SOURCE, Attr.s(source));
        idem.put(SuiteTables.TTL, Attr.n(now.plus(idempotencyTtl).getEpochSecond()));

        List<TransactWriteItem> items = new ArrayList<>();
        items.add(TransactWriteItem.builder().put(Put.builder().tableName(table).item(idem)
                .conditionExpression("attribute_not_exists(#pk)")
                .expressionAttributeNames(Map.of("#pk", SuiteTables.PK)).build()).build());

        Update aggregate = aggregateUpsert(customer, usage.dimension(), meteredHour, now)
                .add(QUANTITY, Attr.n(usage.quantity()))
                .add(EVENTS, Attr.n(1));
        if (!meteredHour.equals(usage.hour())) {
            aggregate.add(CARRIED_QUANTITY, Attr.n(usage.quantity()));
        }
        aggregate.condition("(attribute_not_exists(" + aggregate.name(STATUS) + ") OR " + aggregate.name(STATUS)
                + " = " + aggregate.value(Attr.s(AggregateStatus.OPEN.name())) + ") AND (attribute_not_exists("
                + aggregate.name(QUANTITY) + ") OR " + aggregate.name(QUANTITY) + " <= "
                + aggregate.value(Attr.n(Integer.MAX_VALUE - usage.quantity())) + ")");
        items.add(TransactWriteItem.builder().update(u -> u.tableName(table).key(key(aggregateId, AGGREGATE_SK))
                .updateExpression(aggregate.expression()).conditionExpression(aggregate.conditionExpression())
                .expressionAttributeNames(aggregate.names()).expressionAttributeValues(aggregate.values())).build());

        for (Allocation allocation : usage.allocations()) {
            Map<String, AttributeValue> tags = new TreeMap<>();
            allocation.tags().forEach((k, v) -> tags.put(k, Attr.s(v)));
            Update bucket = new Update()
                    .set(TYPE, Attr.s(ALLOCATION_SK_PREFIX))
                    .set(TAGS, AttributeValue.fromM(tags))
                    .set(SuiteTables.TTL, Attr.n(meteredHour.plus(retention).getEpochSecond()))
                    .add(QUANTITY, Attr.n(allocation.quantity()));
            items.add(TransactWriteItem.builder().update(u -> u.tableName(table)
                    .key(key(aggregateId, ALLOCATION_SK_PREFIX + allocation.tagSetKey()))
                    .updateExpression(bucket.expression()).expressionAttributeNames(bucket.names())
                    .expressionAttributeValues(bucket.values())).build());
        }

        for (int attempt = 1; ; attempt++) {
            try {
                dynamo.transactWriteItems(r -> r.transactItems(items));
                return new WriteResult(WriteOutcome.ACCEPTED, meteredHour);
            } catch (TransactionCanceledException e) {
                List<CancellationReason> reasons = e.hasCancellationReasons() ? e.cancellationReasons() : List.of();
                if (failedCondition(reasons, 0)) {
                    return repeated(customer.key(), usage);
                }
                if (failedCondition(reasons, 1)) {
                    Optional<Aggregate> current = aggregate(aggregateId);
                    boolean open = current.map(a -> a.status() == AggregateStatus.OPEN).orElse(true);
                    return new WriteResult(open ? WriteOutcome.HOUR_FULL : WriteOutcome.HOUR_FROZEN, meteredHour);
                }
                // a concurrent transaction on the same aggregate (TransactionConflict): try again shortly
                if (attempt >= TRANSACTION_ATTEMPTS) {
                    throw e;
                }
                pause(attempt);
            }
        }
    }

    private static boolean failedCondition(List<CancellationReason> reasons, int index) {
        return reasons.size() > index && "ConditionalCheckFailed".equals(reasons.get(index).code());
    }

    private WriteResult repeated(String customerKey, ValidatedUsage usage) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).consistentRead(true)
                .key(key(idempotencyId(customerKey, usage.idempotencyKey()), IDEMPOTENCY_SK))).item();
        Instant metered = item == null ? null : Attr.instant(item, METERED_HOUR);
        boolean same = item != null && usage.fingerprint().equals(Attr.string(item, FINGERPRINT));
        return new WriteResult(same ? WriteOutcome.DUPLICATE : WriteOutcome.KEY_REUSED, metered);
    }

    /**
     * Creates an empty open aggregate unless one exists (hourly zero-quantity records). Answers whether it was
     * created.
     */
    public boolean ensureAggregate(MeteredCustomer customer, String dimension, Instant hour, Instant now) {
        Update u = aggregateUpsert(customer, dimension, hour, now).add(QUANTITY, Attr.n(0)).add(EVENTS, Attr.n(0));
        u.condition("attribute_not_exists(" + u.name(SuiteTables.PK) + ")");
        try {
            dynamo.updateItem(request(aggregateId(customer.key(), dimension, hour), AGGREGATE_SK, u).build());
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    private Update aggregateUpsert(MeteredCustomer customer, String dimension, Instant hour, Instant now) {
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

    /** Aggregates still to be sent whose hour started before {@code before} (closed hours), oldest first. */
    public List<Aggregate> pending(Instant before) {
        List<Aggregate> all = new ArrayList<>();
        for (int shard = 0; shard < shards; shard++) {
            all.addAll(queryIndex(SuiteTables.GSI1, SuiteTables.GSI1_PK, PENDING_PREFIX + shard,
                    SuiteTables.GSI1_SK, before.toString(), Integer.MAX_VALUE, true));
        }
        all.sort(Comparator.comparing(Aggregate::hour).thenComparing(Aggregate::id));
        return all;
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
        return queryIndex(SuiteTables.GSI2, SuiteTables.GSI2_PK, CUSTOMER_PREFIX + customerKey, null, null, limit,
                false);
    }

    /** Aggregates that ended without billing (the failures index), newest hour first. */
    public List<Aggregate> failures(int limit) {
        List<Aggregate> all = new ArrayList<>();
        for (int shard = 0; shard < shards; shard++) {
            all.addAll(queryIndex(SuiteTables.GSI1, SuiteTables.GSI1_PK, FAILED_PREFIX + shard, null, null, limit,
                    false));
        }
        all.sort(Comparator.comparing(Aggregate::hour).reversed().thenComparing(Aggregate::id));
        return all.size() > limit ? all.subList(0, limit) : all;
    }

    /** The allocation buckets of an aggregate (strongly consistent, read after the freeze). */
    public List<Allocation> allocations(String aggregateId) {
        List<Allocation> allocations = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse page = dynamo.query(QueryRequest.builder().tableName(table).consistentRead(true)
                    .keyConditionExpression("#pk = :pk AND begins_with(#sk, :alloc)")
                    .expressionAttributeNames(Map.of("#pk", SuiteTables.PK, "#sk", SuiteTables.SK))
                    .expressionAttributeValues(Map.of(":pk", Attr.s(aggregateId), ":alloc",
                            Attr.s(ALLOCATION_SK_PREFIX)))
                    .exclusiveStartKey(from).build());
            for (Map<String, AttributeValue> item : page.items()) {
                TreeMap<String, String> tags = new TreeMap<>();
                AttributeValue t = item.get(TAGS);
                if (t != null && t.hasM()) {
                    t.m().forEach((k, v) -> tags.put(k, v.s()));
                }
                allocations.add(new Allocation(Attr.number(item, QUANTITY), tags));
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return allocations;
    }

    private List<Aggregate> queryIndex(String index, String pkName, String pkValue, String skName, String skBelow,
            int limit, boolean forward) {
        List<Aggregate> result = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, String> names = new HashMap<>(Map.of("#p", pkName));
            Map<String, AttributeValue> values = new HashMap<>(Map.of(":p", Attr.s(pkValue)));
            String condition = "#p = :p";
            if (skName != null) {
                names.put("#s", skName);
                values.put(":s", Attr.s(skBelow));
                condition += " AND #s < :s";
            }
            Map<String, AttributeValue> from = start;
            String keyCondition = condition;
            QueryResponse page = dynamo.query(QueryRequest.builder().tableName(table).indexName(index)
                    .keyConditionExpression(keyCondition).expressionAttributeNames(names)
                    .expressionAttributeValues(values).scanIndexForward(forward).exclusiveStartKey(from).build());
            for (Map<String, AttributeValue> item : page.items()) {
                if (AGGREGATE_SK.equals(Attr.string(item, SuiteTables.SK))) {
                    result.add(toAggregate(item));
                }
                if (result.size() >= limit) {
                    return result;
                }
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return result;
    }

    // ---- the job: claim, freeze, outcome

    /**
     * Claims a pending aggregate for {@code owner} until {@code now + lease}, unless another replica holds an
     * unexpired lease. Empty when someone else has it or it is no longer pending.
     */
    public Optional<Aggregate> claim(String id, String owner, Instant now, Duration lease) {
        Update u = new Update()
                .set(LEASE_OWNER, Attr.s(owner))
                .set(LEASE_UNTIL, Attr.n(now.plus(lease).toEpochMilli()));
        u.condition(u.name(STATUS) + " IN (" + u.value(Attr.s(AggregateStatus.OPEN.name())) + ", "
                + u.value(Attr.s(AggregateStatus.FROZEN.name())) + ") AND (attribute_not_exists("
                + u.name(LEASE_UNTIL) + ") OR " + u.name(LEASE_UNTIL) + " < " + u.value(Attr.n(now.toEpochMilli()))
                + " OR " + u.name(LEASE_OWNER) + " = " + u.value(Attr.s(owner)) + ")");
        try {
            return Optional.of(toAggregate(dynamo.updateItem(request(id, AGGREGATE_SK, u)
                    .returnValues(ReturnValue.ALL_NEW).build()).attributes()));
        } catch (ConditionalCheckFailedException e) {
            return Optional.empty();
        }
    }

    /**
     * Freezes an open aggregate claimed by {@code owner} at exactly {@code quantity} (the quantity it holds now), with
     * what will be billed for it. Empty when usage arrived since it was read (read again and retry) or the claim was
     * lost.
     */
    public Optional<Aggregate> freeze(Aggregate claimed, String owner, long billed, Double entitled, Instant now) {
        Update u = new Update()
                .set(STATUS, Attr.s(AggregateStatus.FROZEN.name()))
                .set(FROZEN_QUANTITY, Attr.n(claimed.quantity()))
                .set(BILLED_QUANTITY, Attr.n(billed))
                .set(ENTITLED_QUANTITY, entitled == null ? null : AttributeValue.fromN(Double.toString(entitled)))
                .set(FROZEN_AT, Attr.instant(now))
                .set(UPDATED_AT, Attr.instant(now));
        u.condition(u.name(STATUS) + " = " + u.value(Attr.s(AggregateStatus.OPEN.name())) + " AND "
                + u.name(QUANTITY) + " = " + u.value(Attr.n(claimed.quantity())) + " AND " + u.name(LEASE_OWNER)
                + " = " + u.value(Attr.s(owner)));
        try {
            return Optional.of(toAggregate(dynamo.updateItem(request(claimed.id(), AGGREGATE_SK, u)
                    .returnValues(ReturnValue.ALL_NEW).build()).attributes()));
        } catch (ConditionalCheckFailedException e) {
            return Optional.empty();
        }
    }

    /**
     * Records the final outcome of a frozen aggregate (sent, refused, dry run, ...). Conditional on it still being
     * frozen at the same quantity, so a late or repeated outcome never overwrites another.
     */
    public boolean finish(Aggregate frozen, AggregateStatus status, String meteringRecordId, String code,
            String message, Instant now) {
        Update u = new Update()
                .set(STATUS, Attr.s(status.name()))
                .set(METERING_RECORD_ID, nullable(meteringRecordId))
                .set(RESULT_CODE, nullable(code))
                .set(RESULT_MESSAGE, nullable(truncate(message)))
                .set(UPDATED_AT, Attr.instant(now));
        if (status == AggregateStatus.SENT) {
            u.set(SENT_AT, Attr.instant(now));
        }
        if (status.failure()) {
            u.set(SuiteTables.GSI1_PK, Attr.s(FAILED_PREFIX + shard(frozen.id())));
            u.set(SuiteTables.GSI1_SK, Attr.s(indexSortKey(frozen.hour(), frozen.customerKey(), frozen.dimension())));
            u.remove(LEASE_OWNER, LEASE_UNTIL);
        } else {
            u.remove(LEASE_OWNER, LEASE_UNTIL, SuiteTables.GSI1_PK, SuiteTables.GSI1_SK);
        }
        u.condition(u.name(STATUS) + " = " + u.value(Attr.s(AggregateStatus.FROZEN.name())) + " AND "
                + u.name(FROZEN_QUANTITY) + " = " + u.value(Attr.n(frozen.frozenQuantity())));
        try {
            dynamo.updateItem(request(frozen.id(), AGGREGATE_SK, u).build());
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    /** Gives a frozen aggregate back for a later run (after {@code notBefore}), counting the attempt. */
    public boolean release(Aggregate frozen, String owner, String code, String message, Instant notBefore,
            Instant now) {
        Update u = new Update()
                .add(ATTEMPTS, Attr.n(1))
                .set(NEXT_ATTEMPT_AT, Attr.n(notBefore.toEpochMilli()))
                .set(RESULT_CODE, nullable(code))
                .set(RESULT_MESSAGE, nullable(truncate(message)))
                .set(UPDATED_AT, Attr.instant(now))
                .remove(LEASE_OWNER, LEASE_UNTIL);
        u.condition(u.name(STATUS) + " = " + u.value(Attr.s(AggregateStatus.FROZEN.name())) + " AND "
                + u.name(LEASE_OWNER) + " = " + u.value(Attr.s(owner)));
        try {
            dynamo.updateItem(request(frozen.id(), AGGREGATE_SK, u).build());
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
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

    private static Map<String, AttributeValue> key(String pk, String sk) {
        return Map.of(SuiteTables.PK, Attr.s(pk), SuiteTables.SK, Attr.s(sk));
    }

    private UpdateItemRequest.Builder request(String pk, String sk, Update u) {
        return UpdateItemRequest.builder().tableName(table).key(key(pk, sk)).updateExpression(u.expression())
                .conditionExpression(u.conditionExpression()).expressionAttributeNames(u.names())
                .expressionAttributeValues(u.values());
    }

    private static AttributeValue nullable(String value) {
        return value == null ? null : Attr.s(value);
    }

    private static String truncate(String value) {
        return value == null || value.length() <= 1000 ? value : value.substring(0, 1000);
    }

    private static void pause(int attempt) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(5, 20L << Math.min(attempt, 5)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while retrying a usage write", e);
        }
    }

    static Aggregate toAggregate(Map<String, AttributeValue> item) {
        String model = Attr.string(item, IDENTITY_MODEL);
        Long quantity = Attr.number(item, QUANTITY);
        Long events = Attr.number(item, EVENTS);
        Long attempts = Attr.number(item, ATTEMPTS);
        Long leaseUntil = Attr.number(item, LEASE_UNTIL);
        Long next = Attr.number(item, NEXT_ATTEMPT_AT);
        AttributeValue entitled = item.get(ENTITLED_QUANTITY);
        return new Aggregate(Attr.string(item, SuiteTables.PK), Attr.string(item, CUSTOMER_KEY),
                model == null ? null : IdentityModel.valueOf(model), Attr.string(item, PRODUCT_CODE),
                Attr.string(item, CUSTOMER_IDENTIFIER), Attr.string(item, CUSTOMER_AWS_ACCOUNT_ID),
                Attr.string(item, LICENSE_ARN), Attr.string(item, DIMENSION), Attr.instant(item, HOUR),
                quantity == null ? 0 : quantity, events == null ? 0 : events,
                AggregateStatus.valueOf(Attr.string(item, STATUS)), Attr.number(item, FROZEN_QUANTITY),
                Attr.number(item, BILLED_QUANTITY), entitled == null ? null : Double.valueOf(entitled.n()), List.of(),
                Attr.string(item, LEASE_OWNER), leaseUntil == null ? null : Instant.ofEpochMilli(leaseUntil),
                attempts == null ? 0 : attempts.intValue(),
                next == null || next == 0 ? null : Instant.ofEpochMilli(next),
                Attr.string(item, METERING_RECORD_ID), Attr.string(item, RESULT_CODE),
                Attr.string(item, RESULT_MESSAGE), Attr.instant(item, SENT_AT), Attr.instant(item, UPDATED_AT));
    }
}
