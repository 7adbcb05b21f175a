package io.mpsaas.metering.persistence;

import io.mpsaas.common.dynamo.Attr;
import io.mpsaas.common.dynamo.Paging;
import io.mpsaas.common.dynamo.Update;
import io.mpsaas.metering.config.MeteringConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

/**
 * The AWS sample's {@code AWSMarketplaceMeteringRecords} table (HASH {@code customerIdentifier}, RANGE
 * {@code create_timestamp} N, GSI {@code PendingMeteringRecordsIndex} on {@code metering_pending = "true"}), read the
 * way the sample's hourly job reads it, but paginated, and marked done the way the sample marks it.
 */
@ApplicationScoped
public class SampleMeteringTable {

    static final String CUSTOMER_IDENTIFIER = "customerIdentifier";
    static final String CREATE_TIMESTAMP = "create_timestamp";
    static final String DIMENSION_USAGE = "dimension_usage";
    static final String PENDING = "metering_pending";
    static final String RESPONSE = "metering_response";
    static final String FAILED = "metering_failed";

    /** One pending row: usage of one customer at {@code createTimestamp} (as stored, a number). */
    public record Row(String customerIdentifier, String createTimestamp, List<DimensionUsage> usage) {
    }

    /** One {@code {dimension, value}} entry of a row's {@code dimension_usage} list. */
    public record DimensionUsage(String dimension, BigDecimal value) {
    }

    private final DynamoDbClient dynamo;
    private final MeteringConfig.Migration config;

    public SampleMeteringTable(DynamoDbClient dynamo, MeteringConfig config) {
        this.dynamo = dynamo;
        this.config = config.migration();
    }

    /**
     * The pending rows, {@code suite.metering.migration.page-size} to a page, each page read when the stream gets to it
     * (after the rows before it were handled and marked done).
     */
    public Stream<Row> pending() {
        return Paging.query(dynamo, QueryRequest.builder().tableName(config.table()).indexName(config.index())
                .keyConditionExpression("#p = :t")
                .expressionAttributeNames(Map.of("#p", PENDING))
                .expressionAttributeValues(Map.of(":t", Attr.s("true")))
                .limit(config.pageSize())
                .build()).map(SampleMeteringTable::row);
    }

    private static Row row(Map<String, AttributeValue> item) {
        List<DimensionUsage> usage = new ArrayList<>();
        AttributeValue list = item.get(DIMENSION_USAGE);
        if (list != null && list.hasL()) {
            for (AttributeValue entry : list.l()) {
                Map<String, AttributeValue> m = entry.hasM() ? entry.m() : Map.of();
                AttributeValue value = m.get("value");
                usage.add(new DimensionUsage(Attr.string(m, "dimension"),
                        value == null ? null : value.n() != null ? new BigDecimal(value.n())
                                : value.s() != null && value.s().matches("-?[0-9.]+") ? new BigDecimal(value.s())
                                : null));
            }
        }
        AttributeValue created = item.get(CREATE_TIMESTAMP);
        return new Row(Attr.string(item, CUSTOMER_IDENTIFIER), created == null ? null : created.n(), usage);
    }

    /** Marks a row handled as the sample does: {@code metering_pending} removed, response and failure flag set. */
    public boolean markDone(Row row, String response, boolean failed) {
        try {
            Update u = new Update().set(RESPONSE, Attr.s(response)).set(FAILED, Attr.bool(failed)).remove(PENDING);
            u.condition("attribute_exists(" + u.name(PENDING) + ")");
            dynamo.updateItem(u.request(config.table(), Map.of(CUSTOMER_IDENTIFIER, Attr.s(row.customerIdentifier()),
                    CREATE_TIMESTAMP, AttributeValue.fromN(row.createTimestamp()))).build());
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }
}
