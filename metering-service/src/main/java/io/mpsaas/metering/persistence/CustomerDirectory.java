package io.mpsaas.metering.persistence;

import io.mpsaas.common.config.TablesConfig;
import io.mpsaas.common.customer.CustomerKeys;
import io.mpsaas.common.customer.CustomerRecord;
import io.mpsaas.common.customer.StoredEntitlement;
import io.mpsaas.common.dynamo.Attr;
import io.mpsaas.common.dynamo.SuiteTables;
import io.mpsaas.metering.domain.MeteredCustomer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/** Reads the customer items onboarding and entitlement-service write; metering never writes them. */
@ApplicationScoped
public class CustomerDirectory {

    private final DynamoDbClient dynamo;
    private final String table;

    public CustomerDirectory(DynamoDbClient dynamo, TablesConfig tables) {
        this.dynamo = dynamo;
        this.table = tables.customers();
    }

    /** The customer with this key, entitlements as of {@code now} (expired ones left out). */
    public Optional<MeteredCustomer> find(String customerKey, Instant now) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).consistentRead(true)
                .key(Map.of(SuiteTables.PK, Attr.s(customerKey), SuiteTables.SK, Attr.s(CustomerKeys.CUSTOMER_SK))))
                .item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(toCustomer(CustomerRecord.fromItem(item), now));
    }

    /** Every customer of a product (the customers table's {@code gsi2}). */
    public List<MeteredCustomer> ofProduct(String productCode, Instant now) {
        List<MeteredCustomer> customers = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse page = dynamo.query(QueryRequest.builder().tableName(table).indexName(SuiteTables.GSI2)
                    .keyConditionExpression("#p = :p")
                    .expressionAttributeNames(Map.of("#p", SuiteTables.GSI2_PK))
                    .expressionAttributeValues(Map.of(":p", Attr.s(CustomerKeys.PRODUCT_PREFIX + productCode)))
                    .exclusiveStartKey(from)
                    .build());
            for (Map<String, AttributeValue> item : page.items()) {
                if (CustomerKeys.CUSTOMER_SK.equals(Attr.string(item, SuiteTables.SK))) {
                    customers.add(toCustomer(CustomerRecord.fromItem(item), now));
                }
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return customers;
    }

    static MeteredCustomer toCustomer(CustomerRecord record, Instant now) {
        Map<String, Double> entitled = new HashMap<>();
        for (StoredEntitlement e : record.entitlements().values()) {
            if (!e.expiredAt(now)) {
                entitled.put(e.dimension(), e.quantity());
            }
        }
        return new MeteredCustomer(record.key(), record.identityModel(), record.productCode(),
                record.customerIdentifier(), record.customerAwsAccountId(), record.licenseArn(), record.state(),
                entitled);
    }
}
