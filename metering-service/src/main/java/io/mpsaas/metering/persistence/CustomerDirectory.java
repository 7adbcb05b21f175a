package io.mpsaas.metering.persistence;

import io.mpsaas.common.config.TablesConfig;
import io.mpsaas.common.customer.CustomerKeys;
import io.mpsaas.common.customer.AgreementTerms;
import io.mpsaas.common.customer.CustomerRecord;
import io.mpsaas.common.customer.StoredEntitlement;
import io.mpsaas.common.dynamo.Attr;
import io.mpsaas.common.dynamo.BatchReads;
import io.mpsaas.common.dynamo.Paging;
import io.mpsaas.common.dynamo.SuiteTables;
import io.mpsaas.metering.domain.MeteredCustomer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

/** Reads the customer items onboarding and entitlement-service write; metering never writes them. */
@ApplicationScoped
public class CustomerDirectory {

    private final DynamoDbClient dynamo;
    private final String table;

    public CustomerDirectory(DynamoDbClient dynamo, TablesConfig tables) {
        this.dynamo = dynamo;
        this.table = tables.customers();
    }

    /**
     * The customers with these keys as they are now (strongly consistent reads, nothing cached: a customer who stops
     * accepting usage is refused from the next call on), entitlements as of {@code entitledAt} (expired ones left
     * out); a key without a customer item maps to empty. One BatchGetItem per 100 keys.
     */
    public Map<String, Optional<MeteredCustomer>> findAll(Collection<String> customerKeys, Instant entitledAt) {
        Map<String, Optional<MeteredCustomer>> found = new HashMap<>();
        records(customerKeys).forEach((key, record) -> found.put(key, record.map(r -> asOf(r, entitledAt))));
        return found;
    }

    /** The customer items with these keys (strongly consistent); a key without an item maps to empty. */
    public Map<String, Optional<CustomerRecord>> records(Collection<String> customerKeys) {
        Map<String, Optional<CustomerRecord>> found = new HashMap<>();
        List<Map<String, AttributeValue>> keys = new ArrayList<>();
        for (String key : new LinkedHashSet<>(customerKeys)) {
            keys.add(SuiteTables.key(key, CustomerKeys.CUSTOMER_SK));
            found.put(key, Optional.empty());
        }
        // until every key is read: a key left unread would pass for a customer who is gone
        for (Map<String, AttributeValue> item : BatchReads.read(dynamo, table, keys,
                KeysAndAttributes.builder().consistentRead(true).build(), BatchReads.UNTIL_READ).items()) {
            CustomerRecord record = CustomerRecord.fromItem(item);
            found.put(record.key(), Optional.of(record));
        }
        return found;
    }

    /** Every customer of a product (the customers table's {@code gsi2}). */
    public List<MeteredCustomer> ofProduct(String productCode, Instant now) {
        return Paging.query(dynamo, QueryRequest.builder().tableName(table).indexName(SuiteTables.GSI2)
                        .keyConditionExpression("#p = :p")
                        .expressionAttributeNames(Map.of("#p", SuiteTables.GSI2_PK))
                        .expressionAttributeValues(Map.of(":p", Attr.s(CustomerKeys.PRODUCT_PREFIX + productCode)))
                        .build())
                .filter(item -> CustomerKeys.CUSTOMER_SK.equals(Attr.string(item, SuiteTables.SK)))
                .map(item -> asOf(CustomerRecord.fromItem(item), now))
                .collect(Collectors.toList());
    }

    /** What metering needs of a customer item, entitlements as of {@code now} (expired ones left out). */
    public static MeteredCustomer asOf(CustomerRecord record, Instant now) {
        Map<String, Double> entitled = new HashMap<>();
        for (StoredEntitlement e : record.entitlements().values()) {
            if (!e.expiredAt(now)) {
                entitled.put(e.dimension(), e.quantity());
            }
        }
        return new MeteredCustomer(record.key(), record.identityModel(), record.productCode(),
                record.customerIdentifier(), record.customerAwsAccountId(), record.licenseArn(), record.state(),
                entitled, agreementStart(record), record.stateEventAt());
    }

    /**
     * When the customer's current agreement starts, from the terms entitlement-service stored; null when unknown
     * (no terms yet, or terms of an earlier agreement): metering then lets AWS decide.
     */
    static Instant agreementStart(CustomerRecord record) {
        AgreementTerms terms = record.agreementTerms();
        if (terms == null || terms.startsAt() == null) {
            return null;
        }
        return record.agreementId() == null || record.agreementId().equals(terms.agreementId()) ? terms.startsAt()
                : null;
    }
}
