package io.mpsaas.entitlement;

import static io.mpsaas.entitlement.TestSupport.customer;
import static io.mpsaas.entitlement.TestSupport.customerEvents;
import static io.mpsaas.entitlement.TestSupport.deliverInOrder;
import static io.mpsaas.entitlement.TestSupport.eventually;
import static io.mpsaas.entitlement.TestSupport.meteringCommands;
import static io.mpsaas.entitlement.TestSupport.processed;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.mpsaas.common.customer.CustomerKeys;
import io.mpsaas.common.customer.CustomerRecord;
import io.mpsaas.common.customer.SubscriptionState;
import io.mpsaas.common.dynamo.Attr;
import io.mpsaas.common.dynamo.SuiteTables;
import io.mpsaas.common.marketplace.EntitlementValue;
import io.mpsaas.common.messaging.CustomerEvent;
import io.mpsaas.common.messaging.MessageTracing;
import io.mpsaas.common.messaging.SqsConsumer;
import io.mpsaas.common.messaging.SuiteQueues;
import io.mpsaas.entitlement.listener.NotificationHandler;
import io.mpsaas.sandbox.Sandbox;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeRequest;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeResult;
import io.mpsaas.sandbox.marketplace.catalog.Product;
import io.mpsaas.sandbox.marketplace.fault.Operation;
import io.mpsaas.sandbox.marketplace.notify.Channel;
import io.mpsaas.sandbox.marketplace.notify.SentNotification;
import io.mpsaas.sandbox.testing.InjectSandbox;
import io.mpsaas.sandbox.testing.SandboxTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The notification handler given whole batches, as the consumer hands them over after one receive: the simulator's
 * real (signed) notifications, held back and put into one batch by the test, against DynamoDB Local and the simulator.
 * One customer's notifications of a batch cost one GetEntitlements call and one commit, are folded in AWS's order,
 * and a poison message, a copy or a refused GetEntitlements never holds back or loses the others.
 */
@QuarkusTest
@QuarkusTestResource(value = SandboxTestResource.class, restrictToAnnotatedClass = false)
class NotificationBatchTest {

    @InjectSandbox
    Sandbox sandbox;

    @Inject
    NotificationHandler handler;

    @Inject
    MeterRegistry registry;

    private final ObjectMapper json = new ObjectMapper();

    @AfterEach
    void clockBack() {
        sandbox.simulator().clock().setOffset(Duration.ZERO);
    }

    @Test
    void oneCustomersNotificationsInABatch_costOneGetEntitlementsAndOneCommit_andPublishEachChangeOnce() {
        // GIVEN a contract buyer's subscribe-success and entitlement-updated, held back
        Product product = TestSupport.legacyContract(sandbox);
        sandbox.simulator().holdNotifications(product.code());
        SubscribeResult sub = sandbox.simulator().subscribe(SubscribeRequest.of(product.code())
                .withQuantity("seats", 7).activated());
        List<SentNotification> sent = TestSupport.sent(sandbox, product.code(), sub.subscriptionId(), Channel.SNS);
        assertThat(sent).extracting(SentNotification::kind).containsExactly("subscribe-success",
                "entitlement-updated");
        double calls = getEntitlementsCalls();
        double commits = commits();
        double requests = commitRequests();

        // WHEN both arrive in one batch
        List<Message> batch = messages(sent);
        Map<String, SqsConsumer.Outcome> outcomes = handle(batch);

        // THEN both are done, after one GetEntitlements call and one transaction
        assertThat(outcomes).hasSize(2).allSatisfy((id, o) -> assertThat(o).isEqualTo(SqsConsumer.Outcome.DONE));
        assertThat(getEntitlementsCalls() - calls).isEqualTo(1);
        assertThat(commits() - commits).isEqualTo(1);
        assertThat(commitRequests() - requests).as("TransactWriteItems requests").isEqualTo(1);
        // AND the customer is active with its entitlements, both messages are in the inbox, effects sent
        String key = CustomerKeys.forLegacy(product.code(), sub.customerIdentifier());
        CustomerRecord customer = customer(sandbox, key).orElseThrow();
        assertThat(customer.subscriptionState()).isEqualTo(SubscriptionState.ACTIVE);
        assertThat(customer.entitlements().get("seats").value()).isEqualTo(new EntitlementValue.IntegerValue(7));
        assertThat(sent).allSatisfy(n -> assertThat(inbox("sns#" + n.id())).containsEntry("status",
                Attr.s("DONE")));
        eventually().untilAsserted(() -> assertThat(customerEvents(sandbox).typesFor(key)).containsExactly(
                CustomerEvent.CUSTOMER_ACTIVATED, CustomerEvent.CUSTOMER_ENTITLEMENTS_CHANGED));

        // WHEN SQS delivers the batch again
        Map<String, SqsConsumer.Outcome> again = handle(messages(sent));

        // THEN it is acknowledged as duplicates: no call, no write, no event
        assertThat(again).allSatisfy((id, o) -> assertThat(o).isEqualTo(SqsConsumer.Outcome.DONE));
        assertThat(getEntitlementsCalls() - calls).isEqualTo(1);
        assertThat(commits() - commits).isEqualTo(1);
        assertThat(customer(sandbox, key).orElseThrow().version()).isEqualTo(customer.version());
        assertThat(customerEvents(sandbox).typesFor(key)).hasSize(2);
    }

    @Test
    void aWholeLifecycleInOneBatch_inReverseOrder_isFoldedInAwsOrder_andTellsTheWholeStory() {
        // GIVEN a buyer who subscribed, cancelled and whose cancellation completed, a minute apart
        Product product = TestSupport.legacySubscription(sandbox);
        sandbox.simulator().holdNotifications(product.code());
        SubscribeResult sub = sandbox.simulator().subscribe(SubscribeRequest.of(product.code()).activated());
        sandbox.simulator().clock().advance(Duration.ofMinutes(1));
        sandbox.simulator().cancel(sub.subscriptionId());
        sandbox.simulator().clock().advance(Duration.ofMinutes(1));
        sandbox.simulator().completeCancellation(sub.subscriptionId());
        List<SentNotification> sent = new ArrayList<>(TestSupport.sent(sandbox, product.code(),
                sub.subscriptionId(), Channel.SNS));
        assertThat(sent).extracting(SentNotification::kind).containsExactly("subscribe-success",
                "unsubscribe-pending", "unsubscribe-success");

        // WHEN all three arrive in one batch, newest first
        java.util.Collections.reverse(sent);
        Map<String, SqsConsumer.Outcome> outcomes = handle(messages(sent));

        // THEN the customer ends unsubscribed, and the app and metering hear every step once, in AWS's order
        assertThat(outcomes).hasSize(3).allSatisfy((id, o) -> assertThat(o).isEqualTo(SqsConsumer.Outcome.DONE));
        String key = CustomerKeys.forLegacy(product.code(), sub.customerIdentifier());
        assertThat(customer(sandbox, key).orElseThrow().subscriptionState()).isEqualTo(SubscriptionState.UNSUBSCRIBED);
        eventually().untilAsserted(() -> assertThat(customerEvents(sandbox).typesFor(key)).containsExactly(
                CustomerEvent.CUSTOMER_ACTIVATED, CustomerEvent.CUSTOMER_UNSUBSCRIBE_PENDING,
                CustomerEvent.CUSTOMER_DEACTIVATED));
        eventually().untilAsserted(() -> assertThat(meteringCommands(sandbox).forCustomer(key)).hasSize(1));
    }

    @Test
    void poisonForgeriesAndCopiesInABatch_areParkedOrAcknowledged_andTheOthersAreApplied() throws Exception {
        // GIVEN two buyers' subscribe-success, a copy of the first, a forged and a malformed message
        Product product = TestSupport.legacySubscription(sandbox);
        sandbox.simulator().holdNotifications(product.code());
        SubscribeResult first = sandbox.simulator().subscribe(SubscribeRequest.of(product.code()).activated());
        SubscribeResult second = sandbox.simulator().subscribe(SubscribeRequest.of(product.code()).activated());
        SentNotification one = TestSupport.sent(sandbox, product.code(), first.subscriptionId(), Channel.SNS).get(0);
        SentNotification two = TestSupport.sent(sandbox, product.code(), second.subscriptionId(), Channel.SNS).get(0);
        ObjectNode forged = (ObjectNode) json.readTree(two.body());
        forged.put("Message", forged.get("Message").asText().replace(second.customerIdentifier(), "Mallory"));
        Message malformed = message("{\"Type\" : \"Notification\", \"TopicArn\" : ");
        Message forgery = message(forged.toString());
        Message copy = message(one.body());
        List<Message> batch = List.of(malformed, message(one.body()), forgery, copy, message(two.body()));

        // WHEN they arrive in one batch
        Map<String, SqsConsumer.Outcome> outcomes = handle(batch);

        // THEN the poison is parked with its reason, the copy acknowledged, both buyers are active
        assertThat(outcomes.get(malformed.messageId())).isInstanceOfSatisfying(SqsConsumer.Outcome.Park.class,
                p -> assertThat(p.reason()).contains("malformed JSON"));
        assertThat(outcomes.get(forgery.messageId())).isInstanceOfSatisfying(SqsConsumer.Outcome.Park.class,
                p -> assertThat(p.reason()).contains("signature does not match"));
        assertThat(batch.subList(1, 2)).allSatisfy(m -> assertThat(outcomes.get(m.messageId()))
                .isEqualTo(SqsConsumer.Outcome.DONE));
        assertThat(outcomes.get(copy.messageId())).isEqualTo(SqsConsumer.Outcome.DONE);
        assertThat(outcomes.get(batch.get(4).messageId())).isEqualTo(SqsConsumer.Outcome.DONE);
        for (SubscribeResult s : List.of(first, second)) {
            String key = CustomerKeys.forLegacy(product.code(), s.customerIdentifier());
            assertThat(customer(sandbox, key).orElseThrow().subscriptionState()).isEqualTo(SubscriptionState.ACTIVE);
            eventually().untilAsserted(() -> assertThat(customerEvents(sandbox).typesFor(key))
                    .containsExactly(CustomerEvent.CUSTOMER_ACTIVATED));
        }
        assertThat(customer(sandbox, CustomerKeys.forLegacy(product.code(), "Mallory"))).isEmpty();
    }

    @Test
    void whenGetEntitlementsRefusesTheCustomer_onlyTheNotificationsThatNeedItAreParked() {
        // GIVEN an active contract customer who then upgrades and cancels (entitlement-updated, unsubscribe-pending)
        Product product = TestSupport.legacyContract(sandbox);
        sandbox.simulator().holdNotifications(product.code());
        SubscribeResult sub = sandbox.simulator().subscribe(SubscribeRequest.of(product.code())
                .withQuantity("seats", 3).activated());
        TestSupport.sent(sandbox, product.code(), sub.subscriptionId(), Channel.SNS)
                .forEach(n -> deliverInOrder(sandbox, n));
        String key = CustomerKeys.forLegacy(product.code(), sub.customerIdentifier());
        eventually().untilAsserted(() -> assertThat(customer(sandbox, key).orElseThrow().subscriptionState())
                .isEqualTo(SubscriptionState.ACTIVE));
        int before = TestSupport.sent(sandbox, product.code(), sub.subscriptionId(), Channel.SNS).size();
        sandbox.simulator().clock().advance(Duration.ofMinutes(1));
        sandbox.simulator().upgrade(sub.subscriptionId(), Map.of("seats", 9));
        sandbox.simulator().clock().advance(Duration.ofMinutes(1));
        sandbox.simulator().cancel(sub.subscriptionId());
        List<SentNotification> all = TestSupport.sent(sandbox, product.code(), sub.subscriptionId(), Channel.SNS);
        List<SentNotification> later = all.subList(before, all.size());
        assertThat(later).extracting(SentNotification::kind).containsExactly("entitlement-updated",
                "unsubscribe-pending");

        // WHEN both arrive in one batch while AWS refuses GetEntitlements for the customer
        sandbox.simulator().faults().failNext(Operation.GET_ENTITLEMENTS, 1, "InvalidParameterException");
        List<Message> batch = messages(later);
        Map<String, SqsConsumer.Outcome> outcomes = handle(batch);

        // THEN the entitlement-updated is parked with the reason, and the cancellation is applied all the same
        assertThat(outcomes.get(batch.get(0).messageId())).isInstanceOfSatisfying(SqsConsumer.Outcome.Park.class,
                p -> assertThat(p.reason()).startsWith("GetEntitlements refused the notification's customer"));
        assertThat(outcomes.get(batch.get(1).messageId())).isEqualTo(SqsConsumer.Outcome.DONE);
        CustomerRecord customer = customer(sandbox, key).orElseThrow();
        assertThat(customer.subscriptionState()).isEqualTo(SubscriptionState.UNSUBSCRIBE_PENDING);
        assertThat(customer.entitlements().get("seats").value()).isEqualTo(new EntitlementValue.IntegerValue(3));
        assertThat(processed(sandbox, "sns#" + later.get(0).id())).isFalse();
        eventually().untilAsserted(() -> assertThat(meteringCommands(sandbox).forCustomer(key)).hasSize(1));
    }

    @Test
    void anAgreementEventAndItsLicenseInOneBatch_endWithTheCustomerActive_andNothingLeftParked() {
        // GIVEN a Concurrent Agreements buyer: Purchase Agreement Created, then License Updated, both held back
        TestSupport.HeldActivation held = TestSupport.heldActivation(sandbox, 4);
        SubscribeResult sub = held.subscription();
        List<SentNotification> sent = held.events();

        // WHEN both arrive in one batch (the agreement's pointer does not exist yet: they race for it)
        Map<String, SqsConsumer.Outcome> outcomes = handle(messages(sent));

        // THEN both are done, the customer is active under its license, and no agreement event waits any more
        assertThat(outcomes).hasSize(2).allSatisfy((id, o) -> assertThat(o).isEqualTo(SqsConsumer.Outcome.DONE));
        String key = CustomerKeys.forLicense(sub.licenseArn());
        CustomerRecord customer = customer(sandbox, key).orElseThrow();
        assertThat(customer.subscriptionState()).isEqualTo(SubscriptionState.ACTIVE);
        assertThat(customer.agreementId()).isEqualTo(sub.agreementId());
        assertThat(customer.entitlements()).containsOnlyKeys("seats", "sso");
        List<Map<String, AttributeValue>> agreement = sandbox.aws().dynamo().query(r -> r
                .tableName(SuiteTables.CUSTOMERS).consistentRead(true).keyConditionExpression("pk = :pk")
                .expressionAttributeValues(Map.of(":pk", Attr.s("agreement#" + sub.agreementId())))).items();
        assertThat(agreement).singleElement().satisfies(i -> {
            assertThat(Attr.string(i, SuiteTables.SK)).isEqualTo("AGREEMENT");
            assertThat(Attr.string(i, "customerKey")).isEqualTo(key);
        });
        assertThat(sent).allSatisfy(n -> assertThat(processed(sandbox, "eventbridge#" + n.id())).isTrue());
        eventually().untilAsserted(() -> assertThat(customerEvents(sandbox).typesFor(key)).containsExactly(
                CustomerEvent.CUSTOMER_ACTIVATED, CustomerEvent.CUSTOMER_ENTITLEMENTS_CHANGED));
    }

    private Map<String, SqsConsumer.Outcome> handle(List<Message> batch) {
        return handler.handle(new SqsConsumer.Batch(SuiteQueues.NOTIFICATIONS, batch, MessageTracing.NONE));
    }

    /** The notifications as SQS would hand them over, each a message of its own. */
    private static List<Message> messages(List<SentNotification> notifications) {
        return notifications.stream().map(n -> message(n.body())).toList();
    }

    private static Message message(String body) {
        return Message.builder().messageId(UUID.randomUUID().toString()).receiptHandle("rh-" + UUID.randomUUID())
                .body(body).attributes(Map.of()).messageAttributes(Map.of()).build();
    }

    private Map<String, AttributeValue> inbox(String dedupeKey) {
        return sandbox.aws().dynamo().getItem(r -> r.tableName(SuiteTables.INBOX).consistentRead(true)
                .key(SuiteTables.key("msg#" + dedupeKey, "MESSAGE"))).item();
    }

    private double getEntitlementsCalls() {
        return registry.get("mpsaas.entitlement.get.entitlements").tag("purpose", "notification").counter().count();
    }

    private double commits() {
        return registry.get("mpsaas.entitlement.notification.commits").counter().count();
    }

    private double commitRequests() {
        return registry.get("mpsaas.entitlement.commit.requests").functionCounter().count();
    }
}
