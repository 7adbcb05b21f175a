package io.mpsaas.entitlement.console;

import io.mpsaas.common.config.TablesConfig;
import io.mpsaas.common.dynamo.Attr;
import io.mpsaas.common.dynamo.SuiteTables;
import io.mpsaas.entitlement.config.EntitlementConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * Reads metering-service's hourly aggregates from {@code suite.tables.usage}, read-only, exactly in the layout
 * metering-service writes and docs/ARCHITECTURE.md documents ("marketplace-usage"): aggregate items
 * {@code agg#<customer key>#<dimension>#<hour>} / {@code AGGREGATE}, a customer's aggregates in {@code gsi2}
 * ({@code customer#<customer key>} / {@code <hour>#<dimension>}), failures in {@code gsi1} ({@code failed#<shard>}).
 * The two services share no code; this class is the console's one place that knows that layout.
 */
@ApplicationScoped
public class UsageReader {

    // metering-service's item layout (its persistence.UsageItems)
    static final String AGGREGATE_SK = "AGGREGATE";
    static final String AGGREGATE_PREFIX = "agg#";
    static final String CUSTOMER_PARTITION = "customer#";
    static final String FAILED_PARTITION = "failed#";

    /** Statuses metering-service re-drives ({@code AggregateStatus.REDRIVABLE}). */
    static final Set<String> REDRIVABLE = Set.of("CUSTOMER_NOT_SUBSCRIBED", "FAILED");
    /** metering-service refuses a re-drive this close to the deadline ({@code OperatorService.REDRIVE_MARGIN}). */
    static final Duration REDRIVE_MARGIN = Duration.ofMinutes(15);

    /**
     * One hourly aggregate.
     *
     * @param deadline the first instant AWS refuses a record of the hour
     */
    public record Aggregate(String id, String customerKey, String identityModel, String productCode,
            String customerIdentifier, String customerAwsAccountId, String licenseArn, String dimension, Instant hour,
            long quantity, long events, long carriedQuantity, String status, Long frozenQuantity, Long billedQuantity,
            Double entitledQuantity, int attempts, Instant nextAttemptAt, String meteringRecordId, String resultCode,
            String resultMessage, Instant sentAt, Instant updatedAt, Instant deadline) {

        /** Whether metering-service would accept a re-drive now (it checks again itself). */
        public boolean redrivable(Instant now) {
            return REDRIVABLE.contains(status) && deadline != null && now.plus(REDRIVE_MARGIN).isBefore(deadline);
        }
    }

    private final DynamoDbClient dynamo;
    private final String table;
    private final int shards;

    public UsageReader(DynamoDbClient dynamo, TablesConfig tables, EntitlementConfig config) {
        this.dynamo = dynamo;
        this.table = tables.usage();
        this.shards = Math.max(1, config.console().meteringIndexShards());
    }

    /** The customer's newest {@code limit} aggregates, newest hour first. */
    public List<Aggregate> ofCustomer(String customerKey, int limit) {
        return query(SuiteTables.GSI2, SuiteTables.GSI2_PK, CUSTOMER_PARTITION + customerKey, limit);
    }

    /** Aggregates that ended without billing, newest hour first, at most {@code limit}. */
    public List<Aggregate> failures(int limit) {
        List<Aggregate> all = new ArrayList<>();
        for (int shard = 0; shard < shards; shard++) {
            all.addAll(query(SuiteTables.GSI1, SuiteTables.GSI1_PK, FAILED_PARTITION + shard, limit));
        }
        all.sort(Comparator.comparing(Aggregate::hour).reversed().thenComparing(Aggregate::id));
        return all.size() > limit ? List.copyOf(all.subList(0, limit)) : all;
    }

    public Optional<Aggregate> aggregate(String id) {
        if (id == null || !id.startsWith(AGGREGATE_PREFIX) || id.length() > 1024) {
            return Optional.empty();
        }
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table)
                .key(Map.of(SuiteTables.PK, Attr.s(id), SuiteTables.SK, Attr.s(AGGREGATE_SK)))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(aggregate(item));
    }

    /**
     * AWS's deadline for records of an hour: 24 hours after it, but records of a month only until 06:00 UTC on the
     * first day of the next month (metering-service's {@code MeteringWindow}).
     */
    static Instant deadline(Instant hour) {
        Instant dayLimit = hour.plus(Duration.ofHours(24));
        Instant monthLimit = hour.atZone(ZoneOffset.UTC).withDayOfMonth(1).truncatedTo(ChronoUnit.DAYS).plusMonths(1)
                .plusHours(6).toInstant();
        return dayLimit.isBefore(monthLimit) ? dayLimit : monthLimit;
    }

    private List<Aggregate> query(String index, String partitionName, String partition, int limit) {
        List<Aggregate> result = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse page = dynamo.query(QueryRequest.builder().tableName(table).indexName(index)
                    .keyConditionExpression("#p = :p").expressionAttributeNames(Map.of("#p", partitionName))
                    .expressionAttributeValues(Map.of(":p", Attr.s(partition))).scanIndexForward(false)
                    .limit(Math.min(limit, 200)).exclusiveStartKey(from).build());
            for (Map<String, AttributeValue> item : page.items()) {
                if (AGGREGATE_SK.equals(Attr.string(item, SuiteTables.SK))) {
                    result.add(aggregate(item));
                    if (result.size() >= limit) {
                        return result;
                    }
                }
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return result;
    }

    static Aggregate aggregate(Map<String, AttributeValue> item) {
        Instant hour = Attr.instant(item, "hour");
        Long next = Attr.number(item, "nextAttemptAt");
        AttributeValue entitled = item.get("entitledQuantity");
        return new Aggregate(Attr.string(item, SuiteTables.PK), Attr.string(item, "customerKey"),
                Attr.string(item, "identityModel"), Attr.string(item, "productCode"),
                Attr.string(item, "customerIdentifier"), Attr.string(item, "customerAwsAccountId"),
                Attr.string(item, "licenseArn"), Attr.string(item, "dimension"), hour,
                number(item, "quantity"), number(item, "events"), number(item, "carriedQuantity"),
                Attr.string(item, "status"), Attr.number(item, "frozenQuantity"), Attr.number(item, "billedQuantity"),
                entitled == null || entitled.n() == null ? null : Double.valueOf(entitled.n()),
                (int) number(item, "attempts"), next == null || next == 0 ? null : Instant.ofEpochMilli(next),
                Attr.string(item, "meteringRecordId"), Attr.string(item, "resultCode"),
                Attr.string(item, "resultMessage"), Attr.instant(item, "sentAt"), Attr.instant(item, "updatedAt"),
                hour == null ? null : deadline(hour));
    }

    private static long number(Map<String, AttributeValue> item, String name) {
        Long value = Attr.number(item, name);
        return value == null ? 0 : value;
    }
}
