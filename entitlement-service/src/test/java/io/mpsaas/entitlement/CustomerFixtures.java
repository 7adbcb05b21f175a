package io.mpsaas.entitlement;

import static io.mpsaas.entitlement.TestSupport.customer;
import static io.mpsaas.entitlement.TestSupport.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.mpsaas.common.customer.CompanyIndex;
import io.mpsaas.common.customer.CustomerKeys;
import io.mpsaas.common.customer.CustomerRecord;
import io.mpsaas.common.customer.SubscriptionState;
import io.mpsaas.common.dynamo.Attr;
import io.mpsaas.common.dynamo.SuiteTables;
import io.mpsaas.sandbox.Sandbox;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeRequest;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeResult;
import io.mpsaas.sandbox.marketplace.catalog.Product;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * The admin API tests' customers, each written by the real flow or exactly as its owner writes it: customers through
 * the simulator's buyer actions (the notifications entitlement-service processes), landed customers and registrations
 * as onboarding-service writes them (one transaction, the company index keys).
 */
final class CustomerFixtures {

    /** A customer created through the simulator and processed by entitlement-service. */
    record Buyer(SubscribeResult sub, String key, Product product) {
    }

    private final Sandbox sandbox;
    private final DynamoDbClient dynamo;

    CustomerFixtures(Sandbox sandbox) {
        this.sandbox = sandbox;
        this.dynamo = sandbox.aws().dynamo();
    }

    /** A legacy contract buyer (SNS): subscribe-success, then GetEntitlements. */
    Buyer legacyContractBuyer() {
        Product product = TestSupport.legacyContract(sandbox);
        SubscribeResult sub = sandbox.simulator().subscribe(SubscribeRequest.of(product.code())
                .withBuyer(TestSupport.account()).withQuantity("seats", 10).activated());
        String key = CustomerKeys.forLegacy(product.code(), sub.customerIdentifier());
        awaitActive(key);
        return new Buyer(sub, key, product);
    }

    /** A Concurrent Agreements contract buyer (EventBridge): agreement, then License Updated. */
    Buyer caContractBuyer() {
        Product product = TestSupport.caContract(sandbox);
        SubscribeResult sub = sandbox.simulator().subscribe(SubscribeRequest.of(product.code())
                .withBuyer(TestSupport.account()).withQuantity("seats", 25).withQuantity("sso", true).activated());
        String key = CustomerKeys.forLicense(sub.licenseArn());
        awaitActive(key);
        return new Buyer(sub, key, product);
    }

    private void awaitActive(String key) {
        eventually().untilAsserted(() -> {
            CustomerRecord c = customer(sandbox, key).orElseThrow();
            assertThat(c.subscriptionState()).isEqualTo(SubscriptionState.ACTIVE);
            assertThat(c.entitlements()).isNotEmpty();
        });
    }

    /**
     * A customer as onboarding-service's landing writes it (identity, PENDING unless set, the account and product
     * index keys), for lists that need many customers of one product.
     */
    String landedLegacyCustomer(String productCode, String customerIdentifier, String accountId) {
        String key = CustomerKeys.forLegacy(productCode, customerIdentifier);
        Instant now = Instant.now();
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":im", Attr.s("LEGACY"));
        values.put(":pc", Attr.s(productCode));
        values.put(":ci", Attr.s(customerIdentifier));
        values.put(":acct", Attr.s(accountId));
        values.put(":pending", Attr.s(SubscriptionState.PENDING.name()));
        values.put(":now", Attr.instant(now));
        values.put(":g1", Attr.s(CustomerKeys.ACCOUNT_PREFIX + accountId));
        values.put(":g2", Attr.s(CustomerKeys.PRODUCT_PREFIX + productCode));
        values.put(":key", Attr.s(key));
        values.put(":one", Attr.n(1));
        dynamo.updateItem(r -> r.tableName(SuiteTables.CUSTOMERS).key(SuiteTables.key(key, CustomerKeys.CUSTOMER_SK))
                .updateExpression("SET identityModel = if_not_exists(identityModel, :im),"
                        + " productCode = if_not_exists(productCode, :pc),"
                        + " customerIdentifier = if_not_exists(customerIdentifier, :ci),"
                        + " customerAwsAccountId = if_not_exists(customerAwsAccountId, :acct),"
                        + " subscriptionState = if_not_exists(subscriptionState, :pending),"
                        + " createdAt = if_not_exists(createdAt, :now), firstLandedAt = if_not_exists(firstLandedAt,"
                        + " :now), lastLandedAt = :now, gsi1pk = :g1, gsi1sk = :key, gsi2pk = :g2, gsi2sk = :key"
                        + " ADD landings :one, version :one")
                .expressionAttributeValues(values));
        return key;
    }

    /**
     * The registration as onboarding-service's first submit writes it: one transaction of the registration item
     * (personal data, the company index keys) and {@code registered} on the customer item.
     */
    void register(String customerKey, String company, String contactName, String email, String phone,
            Map<String, String> extraFields) {
        Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":company", Attr.s(company));
        values.put(":contact", Attr.s(contactName));
        values.put(":email", Attr.s(email));
        values.put(":phone", Attr.s(phone));
        Map<String, AttributeValue> extra = new HashMap<>();
        extraFields.forEach((k, v) -> extra.put(k, Attr.s(v)));
        values.put(":extra", AttributeValue.fromM(extra));
        values.put(":fp", Attr.s(Integer.toHexString((company + contactName + email + phone).hashCode())));
        values.put(":at", Attr.instant(at));
        values.put(":g2", Attr.s(CompanyIndex.PARTITION));
        values.put(":g2sk", Attr.s(CompanyIndex.sortKey(company, customerKey)));
        values.put(":one", Attr.n(1));
        Update registration = Update.builder().tableName(SuiteTables.CUSTOMERS)
                .key(SuiteTables.key(customerKey, CustomerKeys.REGISTRATION_SK))
                .updateExpression("SET company = :company, contactName = :contact, email = :email, phone = :phone,"
                        + " extraFields = :extra, fingerprint = :fp, registeredAt = :at, updatedAt = :at,"
                        + " eventSentAt = :at, gsi2pk = :g2, gsi2sk = :g2sk ADD version :one")
                .conditionExpression("attribute_not_exists(pk)").expressionAttributeValues(values).build();
        Update customer = Update.builder().tableName(SuiteTables.CUSTOMERS)
                .key(SuiteTables.key(customerKey, CustomerKeys.CUSTOMER_SK))
                .updateExpression("SET registered = :true, registeredAt = if_not_exists(registeredAt, :at)"
                        + " ADD version :one")
                .conditionExpression("attribute_exists(pk)")
                .expressionAttributeValues(Map.of(":true", Attr.bool(true), ":at", Attr.instant(at),
                        ":one", Attr.n(1)))
                .build();
        dynamo.transactWriteItems(r -> r.transactItems(TransactWriteItem.builder().update(registration).build(),
                TransactWriteItem.builder().update(customer).build()));
    }
}
