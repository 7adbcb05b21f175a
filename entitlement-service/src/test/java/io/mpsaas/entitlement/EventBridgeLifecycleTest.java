package io.mpsaas.entitlement;

import static io.mpsaas.entitlement.TestSupport.customer;
import static io.mpsaas.entitlement.TestSupport.customerEvents;
import static io.mpsaas.entitlement.TestSupport.deliver;
import static io.mpsaas.entitlement.TestSupport.deliverInOrder;
import static io.mpsaas.entitlement.TestSupport.eventually;
import static io.mpsaas.entitlement.TestSupport.meteringCommands;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mpsaas.common.customer.AgreementTerms;
import io.mpsaas.common.customer.CustomerKeys;
import io.mpsaas.common.customer.CustomerRecord;
import io.mpsaas.common.customer.IdentityModel;
import io.mpsaas.common.customer.SubscriptionState;
import io.mpsaas.common.dynamo.Attr;
import io.mpsaas.common.dynamo.SuiteTables;
import io.mpsaas.common.marketplace.EntitlementValue;
import io.mpsaas.common.messaging.CustomerEvent;
import io.mpsaas.sandbox.Sandbox;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeRequest;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeResult;
import io.mpsaas.sandbox.marketplace.catalog.PricingModel;
import io.mpsaas.sandbox.marketplace.catalog.Product;
import io.mpsaas.sandbox.marketplace.catalog.ValueType;
import io.mpsaas.sandbox.marketplace.notify.Channel;
import io.mpsaas.sandbox.marketplace.notify.SentNotification;
import io.mpsaas.sandbox.testing.InjectSandbox;
import io.mpsaas.sandbox.testing.SandboxTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Concurrent Agreements products on EventBridge, driven by the simulator's buyer actions. */
@QuarkusTest
@QuarkusTestResource(value = SandboxTestResource.class, restrictToAnnotatedClass = false)
class EventBridgeLifecycleTest {

    @InjectSandbox
    Sandbox sandbox;

    @Inject
    ObjectMapper json;

    @Test
    void licenseLifecycle_parksTheAgreementUntilTheLicense_thenActivatesFlushesAndDeprovisions() {
        // GIVEN a Concurrent Agreements contract product and a buyer who accepts an offer
        Product product = TestSupport.caContract(sandbox);
        SubscribeResult sub = sandbox.simulator().subscribe(SubscribeRequest.of(product.code())
                .withBuyer(TestSupport.account()).withQuantity("seats", 5).withQuantity("sso", true));
        String key = CustomerKeys.forLicense(sub.licenseArn());

        // THEN Purchase Agreement Created (which names no license) waits on the agreement item
        eventually().untilAsserted(() -> assertThat(items("agreement#" + sub.agreementId()))
                .anySatisfy(i -> assertThat(Attr.string(i, SuiteTables.SK)).startsWith("FACT#")));
        assertThat(customer(sandbox, key)).isEmpty();

        // WHEN AWS activates the license (License Updated)
        sandbox.simulator().activate(sub.subscriptionId());

        // THEN the customer exists under its license, active, with its entitlements; the pointer knows it
        eventually().untilAsserted(() -> assertThat(customer(sandbox, key).orElseThrow().subscriptionState())
                .isEqualTo(SubscriptionState.ACTIVE));
        CustomerRecord active = customer(sandbox, key).orElseThrow();
        assertThat(active.identityModel()).isEqualTo(IdentityModel.CONCURRENT_AGREEMENTS);
        assertThat(active.licenseArn()).isEqualTo(sub.licenseArn());
        assertThat(active.customerAwsAccountId()).isEqualTo(sub.customerAWSAccountId());
        assertThat(active.agreementId()).isEqualTo(sub.agreementId());
        assertThat(active.offerId()).isEqualTo(sub.offerId());
        assertThat(active.entitlements()).containsOnlyKeys("seats", "sso");
        assertThat(active.entitlements().get("seats").value()).isEqualTo(new EntitlementValue.IntegerValue(5));
        List<Map<String, AttributeValue>> agreement = items("agreement#" + sub.agreementId());
        assertThat(agreement).singleElement().satisfies(i -> {
            assertThat(Attr.string(i, SuiteTables.SK)).isEqualTo("AGREEMENT");
            assertThat(Attr.string(i, "customerKey")).isEqualTo(key);
        });

        // WHEN the buyer amends the contract (Purchase Agreement Amended + License Updated)
        sandbox.simulator().upgrade(sub.subscriptionId(), Map.of("seats", 12));

        // THEN the new quantity is stored
        eventually().untilAsserted(() -> assertThat(customer(sandbox, key).orElseThrow().entitlements().get("seats")
                .value()).isEqualTo(new EntitlementValue.IntegerValue(12)));

        // WHEN the agreement ends (Purchase Agreement Ended, CANCELLED)
        sandbox.simulator().cancel(sub.subscriptionId());

        // THEN the final-usage window is open and metering is told to flush by the hour
        eventually().untilAsserted(() -> assertThat(customer(sandbox, key).orElseThrow().subscriptionState())
                .isEqualTo(SubscriptionState.UNSUBSCRIBE_PENDING));
        JsonNode flush = eventually().until(() -> meteringCommands(sandbox).forCustomer(key), l -> !l.isEmpty()).get(0);
        assertThat(flush.path("reason").asText()).isEqualTo("purchase-agreement-ended");
        assertThat(flush.path("customer").path("licenseArn").asText()).isEqualTo(sub.licenseArn());
        assertThat(flush.path("customer").path("customerAwsAccountId").asText()).isEqualTo(sub.customerAWSAccountId());
        Instant endedAt = customer(sandbox, key).orElseThrow().stateEventAt();
        assertThat(Instant.parse(flush.path("deadline").asText())).isEqualTo(endedAt.plus(Duration.ofHours(1)));

        // WHEN the license is deprovisioned
        sandbox.simulator().completeCancellation(sub.subscriptionId());

        // THEN the customer has no access any more, and the app heard every step once
        eventually().untilAsserted(() -> assertThat(customer(sandbox, key).orElseThrow().subscriptionState())
                .isEqualTo(SubscriptionState.DEPROVISIONED));
        // (whether a read sees the ended contract's expiry before the cancellation is handled depends on the handling
        // order: such a change is stored without an event of its own, so the app hears exactly these)
        eventually().untilAsserted(() -> assertThat(customerEvents(sandbox).typesFor(key)).containsExactly(
                CustomerEvent.CUSTOMER_ACTIVATED, CustomerEvent.CUSTOMER_ENTITLEMENTS_CHANGED,
                CustomerEvent.CUSTOMER_ENTITLEMENTS_CHANGED, CustomerEvent.CUSTOMER_UNSUBSCRIBE_PENDING,
                CustomerEvent.CUSTOMER_DEACTIVATED));
        assertThat(meteringCommands(sandbox).forCustomer(key)).hasSize(1);
    }

    @Test
    void paymentFailure_beforeAnyLicense_staysParkedOnTheAgreement() {
        // GIVEN a buyer whose payment fails: EventBridge says Created then Ended (TERMINATED), never a license
        Product product = TestSupport.caContract(sandbox);
        SubscribeResult sub = sandbox.simulator().subscribe(SubscribeRequest.of(product.code())
                .withBuyer(TestSupport.account()));
        sandbox.simulator().failPayment(sub.subscriptionId());

        // THEN both facts wait on the agreement, and no customer is invented from an agreement alone
        eventually().untilAsserted(() -> assertThat(items("agreement#" + sub.agreementId()))
                .filteredOn(i -> Attr.string(i, SuiteTables.SK).startsWith("FACT#"))
                .extracting(i -> Attr.string(i, "agreementStatus")).containsExactlyInAnyOrder(null, "TERMINATED"));
        assertThat(customer(sandbox, CustomerKeys.forLicense(sub.licenseArn()))).isEmpty();
        assertThat(sandbox.simulator().notifications(product.code(), sub.subscriptionId(), Channel.EVENTBRIDGE))
                .extracting(n -> n.kind()).containsExactly("Purchase Agreement Created - Proposer",
                        "Purchase Agreement Ended - Proposer");
    }

    @Test
    void channelPartnerOffer_manufacturerEvents_createActivateEndAndDeprovision_withCppoTerms() {
        // GIVEN a product sold through a channel partner: every agreement is a CPPO whose proposer is the partner
        Product product = sandbox.simulator().addProduct(Product.builder(TestSupport.uniqueCode("ent-cppo"),
                PricingModel.CONTRACT).concurrentAgreements().contracted("seats", ValueType.INTEGER)
                .channelPartner("210987654321").build());
        SubscribeResult sub = sandbox.simulator().subscribe(SubscribeRequest.of(product.code())
                .withBuyer(TestSupport.account()).withQuantity("seats", 4));
        String key = CustomerKeys.forLicense(sub.licenseArn());

        // THEN the seller got Purchase Agreement Created - Manufacturer, which waits for the license
        eventually().untilAsserted(() -> assertThat(items("agreement#" + sub.agreementId()))
                .anySatisfy(i -> assertThat(Attr.string(i, SuiteTables.SK)).startsWith("FACT#")));

        // WHEN AWS activates the license
        sandbox.simulator().activate(sub.subscriptionId());

        // THEN the buyer is an active customer, and its terms say CPPO and name the partner
        eventually().untilAsserted(() -> {
            CustomerRecord c = customer(sandbox, key).orElseThrow();
            assertThat(c.subscriptionState()).isEqualTo(SubscriptionState.ACTIVE);
            assertThat(c.agreementTerms()).isNotNull();
            assertThat(c.agreementTerms().offerType()).isEqualTo(AgreementTerms.CPPO);
            assertThat(c.agreementTerms().channelPartnerAccountId()).isEqualTo("210987654321");
        });
        assertThat(customer(sandbox, key).orElseThrow().customerAwsAccountId()).isEqualTo(sub.customerAWSAccountId());

        // WHEN the agreement is cancelled and the license deprovisioned
        sandbox.simulator().cancel(sub.subscriptionId());
        eventually().untilAsserted(() -> assertThat(customer(sandbox, key).orElseThrow().subscriptionState())
                .isEqualTo(SubscriptionState.UNSUBSCRIBE_PENDING));
        sandbox.simulator().completeCancellation(sub.subscriptionId());

        // THEN access ends, and every agreement event was the manufacturer's
        eventually().untilAsserted(() -> assertThat(customer(sandbox, key).orElseThrow().subscriptionState())
                .isEqualTo(SubscriptionState.DEPROVISIONED));
        assertThat(sandbox.simulator().notifications(product.code(), sub.subscriptionId(), Channel.EVENTBRIDGE))
                .extracting(n -> n.kind()).containsExactly("Purchase Agreement Created - Manufacturer",
                        "License Updated - Manufacturer", "Purchase Agreement Ended - Manufacturer",
                        "License Deprovisioned - Manufacturer");
        // (the activation brings the contract's entitlements)
        eventually().untilAsserted(() -> assertThat(customerEvents(sandbox).typesFor(key)).containsExactly(
                CustomerEvent.CUSTOMER_ACTIVATED, CustomerEvent.CUSTOMER_ENTITLEMENTS_CHANGED,
                CustomerEvent.CUSTOMER_UNSUBSCRIBE_PENDING, CustomerEvent.CUSTOMER_DEACTIVATED));
    }

    @Test
    void renewal_movesTheCustomerOntoTheNewAgreement_andALateEventOfTheOldOneDoesNotMoveItBack() throws Exception {
        // GIVEN an active Concurrent Agreements customer, its events captured and delivered in order
        TestSupport.HeldActivation held = TestSupport.heldActivation(sandbox, 5);
        SubscribeResult sub = held.subscription();
        List<SentNotification> sent = held.events();
        sent.forEach(n -> deliverInOrder(sandbox, n));
        String key = CustomerKeys.forLicense(sub.licenseArn());
        eventually().untilAsserted(() -> assertThat(customer(sandbox, key).orElseThrow().subscriptionState())
                .isEqualTo(SubscriptionState.ACTIVE));
        assertThat(customer(sandbox, key).orElseThrow().agreementId()).isEqualTo(sub.agreementId());
        Instant activatedAt = Instant.parse(json.readTree(sent.get(1).body()).path("time").asText());

        // WHEN AWS renews the agreement: a new agreement (intent RENEW) takes the license on, and its License Updated
        // names it
        String renewed = "agmt-renewed" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        ObjectNode created = event(sent.get(0), sub.agreementId(), renewed, activatedAt.plusSeconds(60));
        ((ObjectNode) created.path("detail").path("agreement")).put("intent", "RENEW")
                .put("previousAgreementId", sub.agreementId());
        deliverEvent(created);
        deliverEvent(event(sent.get(1), sub.agreementId(), renewed, activatedAt.plusSeconds(61)));

        // THEN the customer follows the license onto the new agreement, still active, and the new agreement's item
        // points at it
        CustomerRecord after = customer(sandbox, key).orElseThrow();
        assertThat(after.agreementId()).isEqualTo(renewed);
        assertThat(after.subscriptionState()).isEqualTo(SubscriptionState.ACTIVE);
        assertThat(after.licenseArn()).isEqualTo(sub.licenseArn());
        assertThat(items("agreement#" + renewed)).singleElement()
                .satisfies(i -> assertThat(Attr.string(i, "customerKey")).isEqualTo(key));

        // WHEN a License Updated of the old agreement, dated before the renewal, arrives after it (AWS does not keep
        // the order)
        deliverEvent(event(sent.get(1), sub.agreementId(), sub.agreementId(), activatedAt.plusSeconds(30)));

        // THEN the customer stays on the current agreement
        assertThat(customer(sandbox, key).orElseThrow().agreementId()).isEqualTo(renewed);
        assertThat(customer(sandbox, key).orElseThrow().subscriptionState()).isEqualTo(SubscriptionState.ACTIVE);
    }

    /** A copy of a captured event under a new id and time, naming {@code newAgreement} instead of {@code agreement}. */
    private ObjectNode event(SentNotification captured, String agreement, String newAgreement, Instant at)
            throws Exception {
        ObjectNode event = (ObjectNode) json.readTree(captured.body().replace(agreement, newAgreement));
        event.put("id", UUID.randomUUID().toString());
        event.put("time", at.toString());
        return event;
    }

    /** Delivers an event to the notifications queue and waits until the service has committed it. */
    private void deliverEvent(ObjectNode event) throws Exception {
        deliver(sandbox, json.writeValueAsString(event));
        eventually().until(() -> TestSupport.processed(sandbox, "eventbridge#" + event.path("id").asText()));
    }

    private List<Map<String, AttributeValue>> items(String pk) {
        return sandbox.aws().dynamo().query(r -> r.tableName(SuiteTables.CUSTOMERS).consistentRead(true)
                .keyConditionExpression("pk = :pk").expressionAttributeValues(Map.of(":pk", Attr.s(pk)))).items();
    }
}
