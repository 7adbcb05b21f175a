package io.mpsaas.sandbox.marketplace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mpsaas.sandbox.marketplace.buyer.SubscribeRequest;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeResult;
import io.mpsaas.sandbox.marketplace.buyer.SubscriptionState;
import io.mpsaas.sandbox.marketplace.catalog.NotificationFormat;
import io.mpsaas.sandbox.marketplace.catalog.PricingModel;
import io.mpsaas.sandbox.marketplace.catalog.Product;
import io.mpsaas.sandbox.marketplace.catalog.ValueType;
import io.mpsaas.sandbox.marketplace.notify.Channel;
import io.mpsaas.sandbox.marketplace.notify.SentNotification;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Buyer actions through the Java API (no HTTP, no SQS): the notification mapping documented in the README, the
 * state machine, and input validation.
 */
class BuyerLifecycleTest {

    private MarketplaceSimulator sim;

    @BeforeEach
    void create() {
        sim = MarketplaceSimulator.builder().build(); // not started: the Java API works in-process
    }

    @AfterEach
    void close() {
        sim.close();
    }

    private Product product(PricingModel model, NotificationFormat format) {
        Product.Builder b = Product.builder(SimulatorFixture.uniqueCode("map"), model).notificationFormat(format);
        if (model.hasContract()) {
            b.contracted("seats", ValueType.INTEGER);
        }
        if (model.isMetered()) {
            b.metered("requests");
        }
        return sim.addProduct(b.build());
    }

    private List<String> kinds(String subscriptionId, Channel channel) {
        return sim.notifications(null, subscriptionId, channel).stream().map(SentNotification::kind).toList();
    }

    @ParameterizedTest(name = "{0} with {1}")
    @CsvSource({
        "SUBSCRIPTION, SNS", "SUBSCRIPTION, EVENTBRIDGE", "SUBSCRIPTION, BOTH",
        "CONTRACT, SNS", "CONTRACT, EVENTBRIDGE", "CONTRACT, BOTH",
        "CONTRACT_WITH_CONSUMPTION, SNS", "CONTRACT_WITH_CONSUMPTION, EVENTBRIDGE", "CONTRACT_WITH_CONSUMPTION, BOTH"})
    void notificationMapping_matchesTheReadmeTable(PricingModel model, NotificationFormat format) {
        Product product = product(model, format);
        SubscribeResult sub = sim.subscribe(product.code());
        sim.activate(sub.subscriptionId());
        if (model.hasContract()) {
            sim.upgrade(sub.subscriptionId(), Map.of("seats", 3));
        }
        sim.issueToken(sub.subscriptionId()); // sends nothing
        sim.cancel(sub.subscriptionId());
        sim.completeCancellation(sub.subscriptionId());

        List<String> sns = new ArrayList<>();
        if (format.sns()) {
            sns.add("subscribe-success");
            if (model.hasContract()) {
                sns.addAll(List.of("entitlement-updated", "entitlement-updated"));
            }
            sns.addAll(List.of("unsubscribe-pending", "unsubscribe-success"));
            if (model.hasContract()) {
                sns.add("entitlement-updated");
            }
        }
        List<String> events = new ArrayList<>();
        if (format.eventBridge()) {
            events.addAll(List.of("Purchase Agreement Created - Proposer", "License Updated - Manufacturer"));
            if (model.hasContract()) {
                events.addAll(List.of("Purchase Agreement Amended - Proposer", "License Updated - Manufacturer"));
            }
            events.addAll(List.of("Purchase Agreement Ended - Proposer", "License Deprovisioned - Manufacturer"));
        }
        assertThat(kinds(sub.subscriptionId(), Channel.SNS)).containsExactlyElementsOf(sns);
        assertThat(kinds(sub.subscriptionId(), Channel.EVENTBRIDGE)).containsExactlyElementsOf(events);
    }

    @Test
    void withoutSqsClient_notificationsAreLoggedAsNotDelivered() {
        Product product = product(PricingModel.SUBSCRIPTION, NotificationFormat.SNS);

        SubscribeResult sub = sim.subscribe(SubscribeRequest.of(product.code()).activated());

        assertThat(sim.notifications(product.code(), sub.subscriptionId(), null)).singleElement().satisfies(n -> {
            assertThat(n.delivered()).isFalse();
            assertThat(n.error()).isEqualTo("no SQS client configured");
            assertThat(n.body()).contains("\"Type\" : \"Notification\"");
        });
    }

    @Test
    void legacyResubscribeDuringPendingCancellation_suppressesUnsubscribeSuccess() {
        Product product = product(PricingModel.SUBSCRIPTION, NotificationFormat.SNS);
        SubscribeResult first = sim.subscribe(SubscribeRequest.of(product.code()).withBuyer("100020003000")
                .activated());
        sim.cancel(first.subscriptionId());

        SubscribeResult second = sim.subscribe(SubscribeRequest.of(product.code()).withBuyer("100020003000")
                .activated());

        assertThat(kinds(first.subscriptionId(), Channel.SNS)).containsExactly("subscribe-success",
                "unsubscribe-pending");
        assertThat(kinds(second.subscriptionId(), Channel.SNS)).containsExactly("subscribe-success");
        assertThat(sim.subscription(first.subscriptionId()).state()).isEqualTo(SubscriptionState.CANCELLED);
        assertThatThrownBy(() -> sim.completeCancellation(first.subscriptionId()))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void stateMachine_rejectsStepsThatDoNotFit() {
        Product product = product(PricingModel.SUBSCRIPTION, NotificationFormat.SNS);
        SubscribeResult sub = sim.subscribe(product.code());

        assertThatThrownBy(() -> sim.completeCancellation(sub.subscriptionId()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("PENDING");
        sim.failPayment(sub.subscriptionId());
        assertThatThrownBy(() -> sim.activate(sub.subscriptionId())).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> sim.cancel(sub.subscriptionId())).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> sim.upgrade(sub.subscriptionId(), Map.of("seats", 1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> sim.activate("sub-unknown")).isInstanceOf(NoSuchElementException.class);
    }

    @Test
    void subscribe_validatesItsInput() {
        Product subscription = product(PricingModel.SUBSCRIPTION, NotificationFormat.SNS);
        Product contract = product(PricingModel.CONTRACT, NotificationFormat.SNS);

        assertThatThrownBy(() -> sim.subscribe("no-such-product")).isInstanceOf(NoSuchElementException.class);
        assertThatThrownBy(() -> sim.subscribe(SubscribeRequest.of(subscription.code()).withFreeTrial()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("free trial");
        assertThatThrownBy(() -> sim.subscribe(SubscribeRequest.of(subscription.code()).withQuantity("seats", 1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> sim.subscribe(SubscribeRequest.of(contract.code()).withQuantity("seats", "lots")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("seats");
        assertThatThrownBy(() -> sim.subscribe(SubscribeRequest.of(contract.code()).withQuantity("colour", 1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SubscribeRequest.of(contract.code()).withBuyer("12345"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(sim.subscribe(SubscribeRequest.of(contract.code()).withQuantity("seats", "7")).customerIdentifier())
                .isNotBlank();
    }

    @Test
    void launchPage_escapesValues_andOmitsTheTrialFieldForPaidOffers() {
        Product product = product(PricingModel.SUBSCRIPTION, NotificationFormat.SNS);
        SubscribeResult sub = sim.subscribe(product.code());

        String page = sim.launchPage(sub.subscriptionId());

        assertThat(page).contains("name=\"x-amzn-marketplace-token\" value=\"" + sub.registrationToken() + "\"")
                .doesNotContain("x-amzn-marketplace-offer-type")
                .contains("No fulfillment URL is configured");
        String fresh = sim.issueToken(sub.subscriptionId());
        assertThat(sim.launchPage(sub.subscriptionId())).contains(fresh);
    }
}
