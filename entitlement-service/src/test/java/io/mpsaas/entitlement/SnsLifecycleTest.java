package io.mpsaas.entitlement;

import static io.mpsaas.entitlement.TestSupport.awaitCustomer;
import static io.mpsaas.entitlement.TestSupport.customer;
import static io.mpsaas.entitlement.TestSupport.customerEvents;
import static io.mpsaas.entitlement.TestSupport.eventually;
import static io.mpsaas.entitlement.TestSupport.meteringCommands;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mpsaas.common.customer.CustomerKeys;
import io.mpsaas.common.customer.CustomerRecord;
import io.mpsaas.common.customer.IdentityModel;
import io.mpsaas.common.customer.StoredEntitlement;
import io.mpsaas.common.customer.SubscriptionState;
import io.mpsaas.common.marketplace.EntitlementValue;
import io.mpsaas.common.messaging.CustomerEvent;
import io.mpsaas.common.messaging.SuiteJson;
import io.mpsaas.sandbox.Sandbox;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeRequest;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeResult;
import io.mpsaas.sandbox.marketplace.catalog.NotificationFormat;
import io.mpsaas.sandbox.marketplace.catalog.PricingModel;
import io.mpsaas.sandbox.marketplace.catalog.Product;
import io.mpsaas.sandbox.marketplace.catalog.ValueType;
import io.mpsaas.sandbox.marketplace.notify.Channel;
import io.mpsaas.sandbox.testing.InjectSandbox;
import io.mpsaas.sandbox.testing.SandboxTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Legacy products on SNS, driven by the simulator's buyer actions so the real envelopes (signed, verified) flow
 * through ElasticMQ into the service and DynamoDB Local.
 */
@QuarkusTest
@QuarkusTestResource(value = SandboxTestResource.class, restrictToAnnotatedClass = false)
class SnsLifecycleTest {

    @InjectSandbox
    Sandbox sandbox;

    @Test
    void contractLifecycle_movesState_storesEveryEntitlement_flushesAndPublishesEvents() {
        // GIVEN a legacy contract product and a buyer who subscribes (the service has never seen the customer)
        Product product = TestSupport.legacyContract(sandbox);
        SubscribeResult sub = sandbox.simulator().subscribe(SubscribeRequest.of(product.code())
                .withQuantity("seats", 10).withQuantity("premium_support", true).withQuantity("tier", "gold")
                .withQuantity("storage_tb", 2.5));
        String key = CustomerKeys.forLegacy(product.code(), sub.customerIdentifier());

        // WHEN AWS confirms the subscription (subscribe-success + entitlement-updated)
        sandbox.simulator().activate(sub.subscriptionId());

        // THEN the customer item exists, active, with every dimension, value type and expiration
        eventually().untilAsserted(() -> {
            CustomerRecord c = customer(sandbox, key).orElseThrow();
            assertThat(c.subscriptionState()).isEqualTo(SubscriptionState.ACTIVE);
            assertThat(c.entitlements()).containsOnlyKeys("seats", "premium_support", "tier", "storage_tb");
        });
        CustomerRecord active = customer(sandbox, key).orElseThrow();
        // AWS sends ExpirationDate as epoch seconds with millisecond fractions
        Instant contractEnd = sandbox.simulator().subscription(sub.subscriptionId()).entitlementExpiration()
                .truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        assertThat(active.identityModel()).isEqualTo(IdentityModel.LEGACY);
        assertThat(active.productCode()).isEqualTo(product.code());
        assertThat(active.customerIdentifier()).isEqualTo(sub.customerIdentifier());
        assertThat(active.offerId()).isEqualTo(sub.offerId());
        assertThat(active.entitlements()).containsEntry("seats",
                new StoredEntitlement("seats", new EntitlementValue.IntegerValue(10), contractEnd));
        assertThat(active.entitlements().get("premium_support").value()).isEqualTo(new EntitlementValue.BooleanValue(true));
        assertThat(active.entitlements().get("tier").value()).isEqualTo(new EntitlementValue.StringValue("gold"));
        assertThat(active.entitlements().get("storage_tb").value()).isEqualTo(new EntitlementValue.DoubleValue(2.5));
        assertThat(active.stateEventAt()).isNotNull();
        eventually().untilAsserted(() -> assertThat(customerEvents(sandbox).typesFor(key)).containsExactlyInAnyOrder(
                CustomerEvent.CUSTOMER_ACTIVATED, CustomerEvent.CUSTOMER_ENTITLEMENTS_CHANGED));

        // WHEN the buyer upgrades
        sandbox.simulator().upgrade(sub.subscriptionId(), Map.of("seats", 25));

        // THEN the new quantity is stored and announced
        eventually().untilAsserted(() -> assertThat(customer(sandbox, key).orElseThrow().entitlements().get("seats")
                .value()).isEqualTo(new EntitlementValue.IntegerValue(25)));
        eventually().untilAsserted(() -> assertThat(customerEvents(sandbox).typesFor(key))
                .filteredOn(CustomerEvent.CUSTOMER_ENTITLEMENTS_CHANGED::equals).hasSize(2));

        // WHEN the buyer cancels (unsubscribe-pending)
        sandbox.simulator().cancel(sub.subscriptionId());

        // THEN access continues for the final window, and metering is told to flush within the hour
        eventually().untilAsserted(() -> assertThat(customer(sandbox, key).orElseThrow().subscriptionState())
                .isEqualTo(SubscriptionState.UNSUBSCRIBE_PENDING));
        CustomerRecord pending = customer(sandbox, key).orElseThrow();
        JsonNode flush = eventually().until(() -> meteringCommands(sandbox).forCustomer(key), l -> !l.isEmpty()).get(0);
        assertThat(flush.path("type").asText()).isEqualTo("flush");
        assertThat(flush.path("reason").asText()).isEqualTo("unsubscribe-pending");
        assertThat(flush.path("customer").path("customerIdentifier").asText()).isEqualTo(sub.customerIdentifier());
        assertThat(Instant.parse(flush.path("deadline").asText()))
                .isEqualTo(pending.stateEventAt().plus(Duration.ofHours(1)));
        eventually().untilAsserted(() -> assertThat(customerEvents(sandbox).typesFor(key))
                .contains(CustomerEvent.CUSTOMER_UNSUBSCRIBE_PENDING));

        // WHEN the cancellation completes (unsubscribe-success + entitlement-updated)
        sandbox.simulator().completeCancellation(sub.subscriptionId());

        // THEN the customer is unsubscribed, has no entitlements left, and the app is told
        eventually().untilAsserted(() -> {
            CustomerRecord c = customer(sandbox, key).orElseThrow();
            assertThat(c.subscriptionState()).isEqualTo(SubscriptionState.UNSUBSCRIBED);
            assertThat(c.entitlements()).isEmpty();
        });
        eventually().untilAsserted(() -> assertThat(customerEvents(sandbox).typesFor(key))
                .contains(CustomerEvent.CUSTOMER_DEACTIVATED));
        List<JsonNode> deactivated = customerEvents(sandbox).forCustomer(key).stream()
                .filter(e -> e.path("type").asText().equals(CustomerEvent.CUSTOMER_DEACTIVATED)).toList();
        assertThat(deactivated).singleElement().satisfies(e -> {
            assertThat(e.path("state").asText()).isEqualTo("UNSUBSCRIBED");
            assertThat(e.path("details").path("reason").asText()).isEqualTo("unsubscribe-success");
        });
        assertThat(meteringCommands(sandbox).forCustomer(key)).hasSize(1);
    }

    @Test
    void freeTrialSubscription_withoutEntitlements_isFreeTrialWithAnEmptySet() {
        // GIVEN a pay-as-you-go product with a free trial
        Product product = TestSupport.legacySubscription(sandbox);

        // WHEN a buyer starts the free trial and AWS confirms it
        SubscribeResult sub = sandbox.simulator().subscribe(SubscribeRequest.of(product.code()).withFreeTrial()
                .activated());
        String key = CustomerKeys.forLegacy(product.code(), sub.customerIdentifier());

        // THEN the customer is in its free trial; GetEntitlements' empty answer is stored as no entitlements
        eventually().untilAsserted(() -> {
            CustomerRecord c = customer(sandbox, key).orElseThrow();
            assertThat(c.subscriptionState()).isEqualTo(SubscriptionState.FREE_TRIAL);
            assertThat(c.freeTrial()).isTrue();
            assertThat(c.entitlementsRefreshedAt()).isNotNull();
            assertThat(c.entitlements()).isEmpty();
        });
        eventually().untilAsserted(() -> assertThat(customerEvents(sandbox).forCustomer(key))
                .singleElement().satisfies(e -> {
                    assertThat(e.path("type").asText()).isEqualTo(CustomerEvent.CUSTOMER_ACTIVATED);
                    assertThat(e.path("state").asText()).isEqualTo("FREE_TRIAL");
                    assertThat(e.path("details").path("freeTrial").asBoolean()).isTrue();
                }));
    }

    @Test
    void paymentFailure_endsInSubscribeFailed_withoutAFlush() {
        // GIVEN a buyer whose payment fails
        Product product = TestSupport.legacySubscription(sandbox);
        SubscribeResult sub = sandbox.simulator().subscribe(SubscribeRequest.of(product.code()));
        String key = CustomerKeys.forLegacy(product.code(), sub.customerIdentifier());

        // WHEN AWS says subscribe-fail
        sandbox.simulator().failPayment(sub.subscriptionId());

        // THEN the customer exists as failed, without access, and the app is told
        CustomerRecord c = awaitCustomer(sandbox, key);
        assertThat(c.subscriptionState()).isEqualTo(SubscriptionState.SUBSCRIBE_FAILED);
        assertThat(c.state().grantsAccess()).isFalse();
        eventually().untilAsserted(() -> assertThat(customerEvents(sandbox).typesFor(key))
                .containsExactly(CustomerEvent.CUSTOMER_SUBSCRIBE_FAILED));
        assertThat(meteringCommands(sandbox).forCustomer(key)).isEmpty();
    }

    @Test
    void rawDeliveredMessage_isAppliedLikeItsEnvelope() throws Exception {
        // GIVEN a subscribe-success captured from the simulator, delivered raw (the inner message alone)
        Product product = TestSupport.legacySubscription(sandbox);
        sandbox.simulator().holdNotifications(product.code());
        SubscribeResult sub = sandbox.simulator().subscribe(SubscribeRequest.of(product.code()).activated());
        String envelope = TestSupport.sent(sandbox, product.code(), sub.subscriptionId(), Channel.SNS).get(0).body();
        String raw = SuiteJson.newMapper().readTree(envelope).get("Message").asText();
        String key = CustomerKeys.forLegacy(product.code(), sub.customerIdentifier());

        // WHEN it arrives (accepted in tests: suite.entitlement.accept-raw-messages=true)
        TestSupport.deliver(sandbox, raw);

        // THEN the customer is active
        eventually().untilAsserted(() -> assertThat(customer(sandbox, key).orElseThrow().subscriptionState())
                .isEqualTo(SubscriptionState.ACTIVE));
    }

    @Test
    void concurrentAgreementsProductOnSns_keysTheCustomerByLicense() {
        // GIVEN a Concurrent Agreements product whose notifications come through SNS
        Product product = sandbox.simulator().addProduct(Product.builder(TestSupport.uniqueCode("ent-ca-sns"),
                PricingModel.CONTRACT).concurrentAgreements().notificationFormat(NotificationFormat.SNS)
                .contracted("seats", ValueType.INTEGER).build());

        // WHEN a buyer subscribes and AWS confirms it
        SubscribeResult sub = sandbox.simulator().subscribe(SubscribeRequest.of(product.code())
                .withBuyer(TestSupport.account()).withQuantity("seats", 9).activated());

        // THEN the customer is keyed by its license, with its account, and its entitlements read by license
        String key = CustomerKeys.forLicense(sub.licenseArn());
        eventually().untilAsserted(() -> {
            CustomerRecord c = customer(sandbox, key).orElseThrow();
            assertThat(c.subscriptionState()).isEqualTo(SubscriptionState.ACTIVE);
            assertThat(c.identityModel()).isEqualTo(IdentityModel.CONCURRENT_AGREEMENTS);
            assertThat(c.customerAwsAccountId()).isEqualTo(sub.customerAWSAccountId());
            assertThat(c.entitlements().get("seats").value()).isEqualTo(new EntitlementValue.IntegerValue(9));
        });
    }
}
