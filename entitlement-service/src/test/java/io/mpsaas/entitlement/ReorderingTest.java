package io.mpsaas.entitlement;

import static io.mpsaas.entitlement.TestSupport.customer;
import static io.mpsaas.entitlement.TestSupport.customerEvents;
import static io.mpsaas.entitlement.TestSupport.deliver;
import static io.mpsaas.entitlement.TestSupport.deliverInOrder;
import static io.mpsaas.entitlement.TestSupport.eventually;
import static io.mpsaas.entitlement.TestSupport.meteringCommands;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mpsaas.common.customer.CustomerKeys;
import io.mpsaas.common.customer.CustomerRecord;
import io.mpsaas.common.customer.SubscriptionState;
import io.mpsaas.common.messaging.CustomerEvent;
import io.mpsaas.sandbox.Sandbox;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeRequest;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeResult;
import io.mpsaas.sandbox.marketplace.catalog.Product;
import io.mpsaas.sandbox.marketplace.notify.Channel;
import io.mpsaas.sandbox.marketplace.notify.SentNotification;
import io.mpsaas.sandbox.testing.InjectSandbox;
import io.mpsaas.sandbox.testing.SandboxTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every order AWS may deliver a customer's lifecycle in, and duplicates: the simulator's notifications are held back,
 * captured from its log with their exact (signed) bodies, and delivered one at a time in the order under test.
 */
@QuarkusTest
@QuarkusTestResource(value = SandboxTestResource.class, restrictToAnnotatedClass = false)
class ReorderingTest {

    @InjectSandbox
    Sandbox sandbox;

    @AfterEach
    void clockBack() {
        sandbox.simulator().clock().setOffset(Duration.ZERO);
    }

    /** Moves simulator time on, so consecutive notifications carry distinct timestamps, as AWS's would. */
    private void later() {
        sandbox.simulator().clock().advance(Duration.ofMinutes(1));
    }

    @Test
    void snsCancellation_inEveryOrder_endsUnsubscribed_withOneDeactivation() {
        // GIVEN six buyers of a held product, each through subscribe-success, unsubscribe-pending, unsubscribe-success
        Product product = TestSupport.legacySubscription(sandbox);
        sandbox.simulator().holdNotifications(product.code());
        List<List<Integer>> orders = TestSupport.permutations(List.of(0, 1, 2));
        List<String> keys = new ArrayList<>();
        List<List<SentNotification>> captured = new ArrayList<>();
        for (int i = 0; i < orders.size(); i++) {
            SubscribeResult sub = sandbox.simulator().subscribe(SubscribeRequest.of(product.code()).activated());
            later();
            sandbox.simulator().cancel(sub.subscriptionId());
            later();
            sandbox.simulator().completeCancellation(sub.subscriptionId());
            later();
            keys.add(CustomerKeys.forLegacy(product.code(), sub.customerIdentifier()));
            captured.add(TestSupport.sent(sandbox, product.code(), sub.subscriptionId(), Channel.SNS));
        }
        assertThat(captured).allSatisfy(c -> assertThat(c).extracting(SentNotification::kind)
                .containsExactly("subscribe-success", "unsubscribe-pending", "unsubscribe-success"));

        // WHEN each customer's three notifications arrive in a different order
        for (int i = 0; i < orders.size(); i++) {
            for (int index : orders.get(i)) {
                deliverInOrder(sandbox, captured.get(i).get(index));
            }
        }

        // THEN every customer ends unsubscribed, deactivated exactly once, whatever the order
        for (int i = 0; i < orders.size(); i++) {
            String key = keys.get(i);
            assertThat(customer(sandbox, key).orElseThrow().subscriptionState())
                    .as("order %s", orders.get(i)).isEqualTo(SubscriptionState.UNSUBSCRIBED);
            eventually().untilAsserted(() -> assertThat(customerEvents(sandbox).typesFor(key))
                    .filteredOn(CustomerEvent.CUSTOMER_DEACTIVATED::equals).hasSize(1));
        }
        // AND in AWS's order the app hears the whole story, and metering gets its flush
        assertThat(customerEvents(sandbox).typesFor(keys.get(0))).containsExactly(CustomerEvent.CUSTOMER_ACTIVATED,
                CustomerEvent.CUSTOMER_UNSUBSCRIBE_PENDING, CustomerEvent.CUSTOMER_DEACTIVATED);
        assertThat(meteringCommands(sandbox).forCustomer(keys.get(0))).hasSize(1);
        // AND unsubscribe-success before unsubscribe-pending ([0, 2, 1]): the late pending is a no-op, no flush
        int successFirst = orders.indexOf(List.of(0, 2, 1));
        assertThat(customerEvents(sandbox).typesFor(keys.get(successFirst))).containsExactly(
                CustomerEvent.CUSTOMER_ACTIVATED, CustomerEvent.CUSTOMER_DEACTIVATED);
        assertThat(meteringCommands(sandbox).forCustomer(keys.get(successFirst))).isEmpty();
        // AND unsubscribe-success first of all ([2, ...]): nothing older can resurrect the customer
        int endFirst = orders.indexOf(List.of(2, 0, 1));
        assertThat(customerEvents(sandbox).typesFor(keys.get(endFirst)))
                .containsExactly(CustomerEvent.CUSTOMER_DEACTIVATED);
    }

    @Test
    void duplicates_changeNothing_andPublishNothingAgain() {
        // GIVEN a customer whose activation and cancellation were processed
        Product product = TestSupport.legacyContract(sandbox);
        sandbox.simulator().holdNotifications(product.code());
        SubscribeResult sub = sandbox.simulator().subscribe(SubscribeRequest.of(product.code()).activated());
        later();
        sandbox.simulator().cancel(sub.subscriptionId());
        String key = CustomerKeys.forLegacy(product.code(), sub.customerIdentifier());
        List<SentNotification> notifications = TestSupport.sent(sandbox, product.code(), sub.subscriptionId(),
                Channel.SNS);
        notifications.forEach(n -> deliverInOrder(sandbox, n));
        eventually().untilAsserted(() -> assertThat(meteringCommands(sandbox).forCustomer(key)).hasSize(1));
        CustomerRecord before = customer(sandbox, key).orElseThrow();
        List<String> eventsBefore = customerEvents(sandbox).typesFor(key);

        // WHEN SQS delivers every one of them again, twice, all at once
        for (int round = 0; round < 2; round++) {
            notifications.forEach(n -> deliver(sandbox, n.body()));
        }
        // and a fresh notification after them, to know when the queue is through
        later();
        sandbox.simulator().completeCancellation(sub.subscriptionId());
        List<SentNotification> all = TestSupport.sent(sandbox, product.code(), sub.subscriptionId(), Channel.SNS);
        all.subList(notifications.size(), all.size()).forEach(n -> deliverInOrder(sandbox, n));
        eventually().untilAsserted(() -> assertThat(customer(sandbox, key).orElseThrow().subscriptionState())
                .isEqualTo(SubscriptionState.UNSUBSCRIBED));

        // THEN the duplicates published no event and no second flush; only the new notification moved the customer
        eventually().untilAsserted(() -> assertThat(customerEvents(sandbox).typesFor(key))
                .contains(CustomerEvent.CUSTOMER_DEACTIVATED));
        List<String> eventsAfter = customerEvents(sandbox).typesFor(key);
        assertThat(eventsAfter.subList(0, eventsBefore.size())).isEqualTo(eventsBefore);
        assertThat(eventsAfter.subList(eventsBefore.size(), eventsAfter.size())).doesNotContain(
                CustomerEvent.CUSTOMER_ACTIVATED, CustomerEvent.CUSTOMER_UNSUBSCRIBE_PENDING);
        assertThat(meteringCommands(sandbox).forCustomer(key)).hasSize(1);
        assertThat(before.subscriptionState()).isEqualTo(SubscriptionState.UNSUBSCRIBE_PENDING);
        Set<String> ids = new HashSet<>();
        customerEvents(sandbox).forCustomer(key).forEach(e -> assertThat(ids.add(e.path("eventId").asText()))
                .as("event ids are unique").isTrue());
    }

    @Test
    void resubscribe_whileCancelPending_endsActive_inEitherOrder() {
        // GIVEN two buyers who cancel and re-subscribe before the cancellation completes (AWS then sends no
        // unsubscribe-success, but a new subscribe-success)
        Product product = TestSupport.legacySubscription(sandbox);
        sandbox.simulator().holdNotifications(product.code());
        List<String> keys = new ArrayList<>();
        List<List<SentNotification>> captured = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            String buyer = TestSupport.account();
            SubscribeResult first = sandbox.simulator().subscribe(SubscribeRequest.of(product.code()).withBuyer(buyer)
                    .activated());
            later();
            sandbox.simulator().cancel(first.subscriptionId());
            later();
            SubscribeResult second = sandbox.simulator().subscribe(SubscribeRequest.of(product.code())
                    .withBuyer(buyer).activated());
            later();
            List<SentNotification> all = new ArrayList<>(TestSupport.sent(sandbox, product.code(),
                    first.subscriptionId(), Channel.SNS));
            all.addAll(TestSupport.sent(sandbox, product.code(), second.subscriptionId(), Channel.SNS));
            assertThat(all).extracting(SentNotification::kind).containsExactly("subscribe-success",
                    "unsubscribe-pending", "subscribe-success");
            assertThat(second.customerIdentifier()).isEqualTo(first.customerIdentifier());
            keys.add(CustomerKeys.forLegacy(product.code(), first.customerIdentifier()));
            captured.add(all);
        }

        // WHEN one customer's notifications arrive in AWS's order, the other's with the pending one last
        captured.get(0).forEach(n -> deliverInOrder(sandbox, n));
        for (int index : List.of(0, 2, 1)) {
            deliverInOrder(sandbox, captured.get(1).get(index));
        }

        // THEN both are active again: a newer subscribe-success re-activates, an older pending cannot undo it
        for (String key : keys) {
            assertThat(customer(sandbox, key).orElseThrow().subscriptionState()).isEqualTo(SubscriptionState.ACTIVE);
        }
        assertThat(customerEvents(sandbox).typesFor(keys.get(0))).containsExactly(CustomerEvent.CUSTOMER_ACTIVATED,
                CustomerEvent.CUSTOMER_UNSUBSCRIBE_PENDING, CustomerEvent.CUSTOMER_ACTIVATED);
        assertThat(customerEvents(sandbox).typesFor(keys.get(1))).containsExactly(CustomerEvent.CUSTOMER_ACTIVATED);
    }

    @Test
    void resubscribe_afterUnsubscribeSuccess_reactivates() {
        // GIVEN a customer whose cancellation completed
        Product product = TestSupport.legacySubscription(sandbox);
        String buyer = TestSupport.account();
        SubscribeResult first = sandbox.simulator().subscribe(SubscribeRequest.of(product.code()).withBuyer(buyer)
                .activated());
        String key = CustomerKeys.forLegacy(product.code(), first.customerIdentifier());
        awaitState(key, SubscriptionState.ACTIVE);
        later();
        sandbox.simulator().cancel(first.subscriptionId());
        awaitState(key, SubscriptionState.UNSUBSCRIBE_PENDING);
        later();
        sandbox.simulator().completeCancellation(first.subscriptionId());
        eventually().untilAsserted(() -> assertThat(customer(sandbox, key).orElseThrow().subscriptionState())
                .isEqualTo(SubscriptionState.UNSUBSCRIBED));

        // WHEN the same buyer subscribes again and AWS confirms it
        later();
        sandbox.simulator().subscribe(SubscribeRequest.of(product.code()).withBuyer(buyer).activated());

        // THEN the newer subscribe-success re-activates the same customer
        eventually().untilAsserted(() -> assertThat(customer(sandbox, key).orElseThrow().subscriptionState())
                .isEqualTo(SubscriptionState.ACTIVE));
        eventually().untilAsserted(() -> assertThat(customerEvents(sandbox).typesFor(key)).containsExactly(
                CustomerEvent.CUSTOMER_ACTIVATED, CustomerEvent.CUSTOMER_UNSUBSCRIBE_PENDING,
                CustomerEvent.CUSTOMER_DEACTIVATED, CustomerEvent.CUSTOMER_ACTIVATED));
    }

    @Test
    void eventBridgeLifecycle_inEveryOrder_endsDeprovisioned_withOneDeactivationAndAtMostOneFlush() {
        // GIVEN 24 buyers of a held Concurrent Agreements product, each through Created, License Updated, Ended,
        // License Deprovisioned, a minute apart
        Product product = TestSupport.caContract(sandbox);
        sandbox.simulator().holdNotifications(product.code());
        List<List<Integer>> orders = TestSupport.permutations(List.of(0, 1, 2, 3));
        List<String> keys = new ArrayList<>();
        List<List<SentNotification>> captured = new ArrayList<>();
        for (int i = 0; i < orders.size(); i++) {
            SubscribeResult sub = sandbox.simulator().subscribe(SubscribeRequest.of(product.code())
                    .withBuyer(TestSupport.account()));
            later();
            sandbox.simulator().activate(sub.subscriptionId());
            later();
            sandbox.simulator().cancel(sub.subscriptionId());
            later();
            sandbox.simulator().completeCancellation(sub.subscriptionId());
            later();
            keys.add(CustomerKeys.forLicense(sub.licenseArn()));
            captured.add(TestSupport.sent(sandbox, product.code(), sub.subscriptionId(), Channel.EVENTBRIDGE));
        }
        assertThat(captured.get(0)).extracting(SentNotification::kind).containsExactly(
                "Purchase Agreement Created - Proposer", "License Updated - Manufacturer",
                "Purchase Agreement Ended - Proposer", "License Deprovisioned - Manufacturer");

        // WHEN each customer's events arrive in a different order
        for (int i = 0; i < orders.size(); i++) {
            for (int index : orders.get(i)) {
                deliverInOrder(sandbox, captured.get(i).get(index));
            }
        }

        // THEN every customer ends deprovisioned, deactivated once, flushed at most once
        for (int i = 0; i < orders.size(); i++) {
            String key = keys.get(i);
            List<Integer> order = orders.get(i);
            assertThat(customer(sandbox, key).orElseThrow().subscriptionState()).as("order %s", order)
                    .isEqualTo(SubscriptionState.DEPROVISIONED);
            eventually().untilAsserted(() -> assertThat(customerEvents(sandbox).typesFor(key)).as("order %s", order)
                    .filteredOn(CustomerEvent.CUSTOMER_DEACTIVATED::equals).hasSize(1));
            List<JsonNode> flushes = meteringCommands(sandbox).forCustomer(key);
            assertThat(flushes).as("order %s", order).hasSizeLessThanOrEqualTo(1);
            // the window opens whenever Purchase Agreement Ended is seen before License Deprovisioned
            boolean endedBeforeDeprovisioned = order.indexOf(2) < order.indexOf(3);
            assertThat(flushes).as("order %s", order).hasSize(endedBeforeDeprovisioned ? 1 : 0);
        }
        // AND in AWS's order the whole story is told (GetEntitlements, read after the fact, has nothing left)
        assertThat(customerEvents(sandbox).typesFor(keys.get(0))).containsExactly(CustomerEvent.CUSTOMER_ACTIVATED,
                CustomerEvent.CUSTOMER_UNSUBSCRIBE_PENDING, CustomerEvent.CUSTOMER_DEACTIVATED);
    }

    private void awaitState(String key, SubscriptionState state) {
        eventually().untilAsserted(() -> assertThat(customer(sandbox, key).orElseThrow().subscriptionState())
                .isEqualTo(state));
    }
}
