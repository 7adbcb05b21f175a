package io.mpsaas.metering;

import io.mpsaas.common.customer.AgreementTerms;
import io.mpsaas.common.customer.CustomerAttributes;
import io.mpsaas.common.customer.CustomerKeys;
import io.mpsaas.common.customer.IdentityModel;
import io.mpsaas.common.customer.StoredEntitlement;
import io.mpsaas.common.customer.SubscriptionState;
import io.mpsaas.common.dynamo.Attr;
import io.mpsaas.common.dynamo.SuiteTables;
import io.mpsaas.common.marketplace.EntitlementValue;
import io.mpsaas.metering.domain.UsageRecordInput;
import io.mpsaas.sandbox.marketplace.MarketplaceSimulator;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeRequest;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeResult;
import io.mpsaas.sandbox.marketplace.catalog.Dimension;
import io.mpsaas.sandbox.marketplace.catalog.PricingModel;
import io.mpsaas.sandbox.marketplace.catalog.Product;
import io.mpsaas.sandbox.marketplace.catalog.ValueType;
import io.mpsaas.sandbox.marketplace.ledger.MeteringAttempt;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Test helpers: simulator products and buyers, customer items written the way onboarding and entitlement-service
 * write them, usage records.
 */
final class MeteringFixtures {

    /** A buyer subscribed in the simulator and known to metering-service through its customer item. */
    record Buyer(SubscribeResult sub, String customerKey, boolean concurrentAgreements) {

        /** The id the simulator's ledger knows the customer by. */
        String ledgerId() {
            return concurrentAgreements ? sub.licenseArn() : sub.customerIdentifier();
        }

        String productCode() {
            return sub.productCode();
        }

        /** A usage record naming this customer as the app would. */
        UsageRecordInput usage(String dimension, long quantity, Instant at) {
            return usage(dimension, quantity, at, "evt-" + UUID.randomUUID());
        }

        UsageRecordInput usage(String dimension, long quantity, Instant at, String idempotencyKey) {
            return concurrentAgreements
                    ? new UsageRecordInput(sub.licenseArn(), sub.customerAWSAccountId(), null, null, dimension,
                            BigDecimal.valueOf(quantity), at.toString(), null, idempotencyKey)
                    : new UsageRecordInput(null, null, sub.customerIdentifier(), sub.productCode(), dimension,
                            BigDecimal.valueOf(quantity), at.toString(), null, idempotencyKey);
        }
    }

    private final MarketplaceSimulator sim;
    private final DynamoDbClient dynamo;

    MeteringFixtures(MarketplaceSimulator sim, DynamoDbClient dynamo) {
        this.sim = sim;
        this.dynamo = dynamo;
    }

    static Instant hoursAgo(int hours) {
        return Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(hours));
    }

    /** A fresh subscription product of this test with the given metered dimensions. */
    String newProduct(boolean concurrentAgreements, String... dimensions) {
        String code = "mtr-" + UUID.randomUUID().toString().substring(0, 12);
        Product.Builder p = Product.builder(code, PricingModel.SUBSCRIPTION).metered(dimensions);
        if (concurrentAgreements) {
            p.concurrentAgreements();
        }
        sim.addProduct(p.build());
        return code;
    }

    /** The fixed products the %test configuration describes (added once per JVM). */
    synchronized void ensureConfiguredProducts() {
        add(Product.builder("mtr-known-dims", PricingModel.SUBSCRIPTION).metered("requests", "gb_stored", "other")
                .build());
        add(Product.builder("mtr-contract", PricingModel.CONTRACT).contracted("seats", ValueType.INTEGER).build());
        add(Product.builder("mtr-consumption", PricingModel.CONTRACT_WITH_CONSUMPTION)
                .dimension(new Dimension("requests", "requests", ValueType.INTEGER, true, true))
                .metered("api_calls").contracted("included_calls", ValueType.INTEGER).build());
        add(Product.builder("mtr-zero", PricingModel.SUBSCRIPTION).metered("requests", "gb_stored").build());
        add(Product.builder("mtr-aws-sample", PricingModel.SUBSCRIPTION).metered("requests", "users").build());
    }

    private void add(Product product) {
        if (sim.product(product.code()).isEmpty()) {
            sim.addProduct(product);
        }
    }

    /**
     * A buyer whose agreement started {@code startedHoursAgo} hours ago (AWS refuses usage before the agreement's
     * start hour), activated in the simulator and ACTIVE in the customer item.
     */
    Buyer activeBuyer(String productCode, int startedHoursAgo) {
        return buyer(SubscribeRequest.of(productCode).activated(), startedHoursAgo, SubscriptionState.ACTIVE,
                Map.of());
    }

    Buyer buyer(SubscribeRequest request, int startedHoursAgo, SubscriptionState state,
            Map<String, Integer> entitlements) {
        SubscribeResult sub;
        sim.clock().setOffset(Duration.ofHours(-startedHoursAgo).minusMinutes(1));
        try {
            sub = sim.subscribe(request);
        } finally {
            sim.clock().setOffset(Duration.ZERO);
        }
        boolean ca = sub.customerIdentifier() == null;
        String key = ca ? CustomerKeys.forLicense(sub.licenseArn())
                : CustomerKeys.forLegacy(sub.productCode(), sub.customerIdentifier());
        writeCustomer(key, sub, ca, state, entitlements);
        return new Buyer(sub, key, ca);
    }

    /** Writes the customer item's attributes with UpdateItem, as onboarding and entitlement-service do. */
    void writeCustomer(String key, SubscribeResult sub, boolean ca, SubscriptionState state,
            Map<String, Integer> entitlements) {
        Map<String, AttributeValue> values = new HashMap<>();
        StringBuilder set = new StringBuilder("SET identityModel = :im, productCode = :pc, customerAwsAccountId = :acct,"
                + " licenseArn = :la, agreementId = :ag, subscriptionState = :st, gsi1pk = :g1p, gsi1sk = :key,"
                + " gsi2pk = :g2p, gsi2sk = :key, entitlements = :ent");
        values.put(":im", Attr.s((ca ? IdentityModel.CONCURRENT_AGREEMENTS : IdentityModel.LEGACY).name()));
        values.put(":pc", Attr.s(sub.productCode()));
        values.put(":acct", Attr.s(sub.customerAWSAccountId()));
        values.put(":la", Attr.s(sub.licenseArn()));
        values.put(":ag", Attr.s(sub.agreementId()));
        values.put(":st", Attr.s(state.name()));
        values.put(":g1p", Attr.s(CustomerKeys.ACCOUNT_PREFIX + sub.customerAWSAccountId()));
        values.put(":g2p", Attr.s(CustomerKeys.PRODUCT_PREFIX + sub.productCode()));
        values.put(":key", Attr.s(key));
        Map<String, AttributeValue> ent = new HashMap<>();
        entitlements.forEach((dim, q) -> ent.put(dim, new StoredEntitlement(dim, new EntitlementValue.IntegerValue(q),
                Instant.now().plus(Duration.ofDays(365))).toAttribute()));
        values.put(":ent", AttributeValue.fromM(ent));
        values.put(":one", Attr.n(1));
        if (!ca) {
            set.append(", customerIdentifier = :ci");
            values.put(":ci", Attr.s(sub.customerIdentifier()));
        }
        dynamo.updateItem(r -> r.tableName(SuiteTables.CUSTOMERS)
                .key(SuiteTables.key(key, CustomerKeys.CUSTOMER_SK))
                .updateExpression(set + " ADD version :one")
                .expressionAttributeValues(values));
    }

    /** Stores the agreement's terms on the customer, as entitlement-service does after reading the Agreement API. */
    void setAgreementStart(Buyer buyer, Instant startsAt) {
        AgreementTerms terms = new AgreementTerms(buyer.sub().agreementId(), null, AgreementTerms.SELLER_OFFER, null,
                "ACTIVE", startsAt, null, null, null, "usage", Instant.now());
        dynamo.updateItem(r -> r.tableName(SuiteTables.CUSTOMERS)
                .key(SuiteTables.key(buyer.customerKey(), CustomerKeys.CUSTOMER_SK))
                .updateExpression("SET " + CustomerAttributes.AGREEMENT_TERMS + " = :t")
                .expressionAttributeValues(Map.of(":t", terms.toAttribute())));
    }

    /** License Deprovisioned, as entitlement-service stores it: the state and the event's time. */
    void setDeprovisioned(Buyer buyer, Instant at) {
        dynamo.updateItem(r -> r.tableName(SuiteTables.CUSTOMERS)
                .key(SuiteTables.key(buyer.customerKey(), CustomerKeys.CUSTOMER_SK))
                .updateExpression("SET " + CustomerAttributes.SUBSCRIPTION_STATE + " = :s, "
                        + CustomerAttributes.STATE_EVENT_AT + " = :at ADD version :one")
                .expressionAttributeValues(Map.of(":s", Attr.s(SubscriptionState.DEPROVISIONED.name()),
                        ":at", Attr.instant(at), ":one", Attr.n(1))));
    }

    /** Sets only the subscription state, as entitlement-service does on a notification. */
    void setState(String key, SubscriptionState state) {
        dynamo.updateItem(r -> r.tableName(SuiteTables.CUSTOMERS)
                .key(SuiteTables.key(key, CustomerKeys.CUSTOMER_SK))
                .updateExpression("SET " + CustomerAttributes.SUBSCRIPTION_STATE + " = :s ADD version :one")
                .expressionAttributeValues(Map.of(":s", Attr.s(state.name()), ":one", Attr.n(1))));
    }

    /** Simulator attempts of one customer, in arrival order. */
    List<MeteringAttempt> attempts(Buyer buyer) {
        return sim.ledger().attempts(buyer.productCode(), buyer.ledgerId());
    }

    long billed(Buyer buyer, String dimension) {
        return sim.ledger().totalQuantity(buyer.productCode(), buyer.ledgerId(), dimension);
    }
}
