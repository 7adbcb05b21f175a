package io.mpsaas.entitlement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.mpsaas.common.customer.CustomerKeys;
import io.mpsaas.common.customer.CustomerRecord;
import io.mpsaas.common.dynamo.Attr;
import io.mpsaas.common.dynamo.SuiteTables;
import io.mpsaas.common.messaging.SuiteJson;
import io.mpsaas.common.messaging.SuiteQueues;
import io.mpsaas.entitlement.service.AgreementTermsQueue;
import io.mpsaas.sandbox.Sandbox;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeRequest;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeResult;
import io.mpsaas.sandbox.marketplace.catalog.PricingModel;
import io.mpsaas.sandbox.marketplace.catalog.Product;
import io.mpsaas.sandbox.marketplace.catalog.ValueType;
import io.mpsaas.sandbox.marketplace.notify.Channel;
import io.mpsaas.sandbox.marketplace.notify.SentNotification;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.awaitility.core.ConditionFactory;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** Shared plumbing of the integration tests: unique products, customer reads, outbound queue recorders. */
public final class TestSupport {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Map<String, QueueRecorder> RECORDERS = new ConcurrentHashMap<>();

    private TestSupport() {
    }

    /** Awaitility with the patience of a slow shared machine. */
    public static ConditionFactory eventually() {
        return await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .ignoreExceptionsInstanceOf(java.util.NoSuchElementException.class);
    }

    /** Messages in the notifications queue, visible or in flight (a message is in flight until it is deleted). */
    public static int notificationsInQueue(Sandbox sandbox) {
        Map<QueueAttributeName, String> attributes = sandbox.aws().sqs().getQueueAttributes(r -> r
                .queueUrl(sandbox.aws().queueUrl(SuiteQueues.NOTIFICATIONS)).attributeNames(
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
        return Integer.parseInt(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                + Integer.parseInt(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
    }

    /**
     * Waits until every notification was handled and every terms read they queued is done: the stored terms then stay
     * as they are until the test changes something (a read still queued would overwrite what a test sets up).
     */
    public static void termsSettled(Sandbox sandbox, AgreementTermsQueue terms) {
        eventually().until(() -> notificationsInQueue(sandbox) == 0 && terms.idle());
    }

    /** A product code no other test uses. */
    public static String uniqueCode(String prefix) {
        StringBuilder s = new StringBuilder(prefix).append('-');
        for (int i = 0; i < 10; i++) {
            s.append("abcdefghijklmnopqrstuvwxyz0123456789".charAt(RANDOM.nextInt(36)));
        }
        return s.toString();
    }

    /** A random 12-digit AWS account id. */
    public static String account() {
        StringBuilder s = new StringBuilder("9");
        for (int i = 0; i < 11; i++) {
            s.append(RANDOM.nextInt(10));
        }
        return s.toString();
    }

    /** A legacy contract product on SNS with one dimension of each value type. */
    public static Product legacyContract(Sandbox sandbox) {
        return sandbox.simulator().addProduct(Product.builder(uniqueCode("ent-legacy-contract"), PricingModel.CONTRACT)
                .contracted("seats", ValueType.INTEGER).contracted("premium_support", ValueType.BOOLEAN)
                .contracted("tier", ValueType.STRING).contracted("storage_tb", ValueType.DOUBLE).build());
    }

    /** A legacy pay-as-you-go product on SNS, with a free trial. */
    public static Product legacySubscription(Sandbox sandbox) {
        return sandbox.simulator().addProduct(Product.builder(uniqueCode("ent-legacy-sub"), PricingModel.SUBSCRIPTION)
                .freeTrial(true).metered("requests").build());
    }

    /** A Concurrent Agreements contract product on EventBridge. */
    public static Product caContract(Sandbox sandbox) {
        return sandbox.simulator().addProduct(Product.builder(uniqueCode("ent-ca-contract"), PricingModel.CONTRACT)
                .concurrentAgreements().contracted("seats", ValueType.INTEGER).contracted("sso", ValueType.BOOLEAN)
                .build());
    }

    /** A buyer of a {@link #caContract} activated while the product's notifications are held, and its two events. */
    public record HeldActivation(SubscribeResult subscription, List<SentNotification> events) {
    }

    /**
     * A Concurrent Agreements buyer ({@code seats}, {@code sso}) subscribed and activated with the product's
     * notifications held: its Purchase Agreement Created and License Updated captured, not delivered.
     */
    public static HeldActivation heldActivation(Sandbox sandbox, int seats) {
        Product product = caContract(sandbox);
        sandbox.simulator().holdNotifications(product.code());
        SubscribeResult sub = sandbox.simulator().subscribe(SubscribeRequest.of(product.code())
                .withBuyer(account()).withQuantity("seats", seats).withQuantity("sso", true));
        sandbox.simulator().activate(sub.subscriptionId());
        List<SentNotification> sent = sent(sandbox, product.code(), sub.subscriptionId(), Channel.EVENTBRIDGE);
        assertThat(sent).extracting(SentNotification::kind).containsExactly("Purchase Agreement Created - Proposer",
                "License Updated - Manufacturer");
        return new HeldActivation(sub, sent);
    }

    public static Optional<CustomerRecord> customer(Sandbox sandbox, String key) {
        Map<String, AttributeValue> item = sandbox.aws().dynamo().getItem(r -> r.tableName(SuiteTables.CUSTOMERS)
                .consistentRead(true).key(SuiteTables.key(key, CustomerKeys.CUSTOMER_SK))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(CustomerRecord.fromItem(item));
    }

    public static CustomerRecord awaitCustomer(Sandbox sandbox, String key) {
        return eventually().until(() -> customer(sandbox, key), Optional::isPresent).get();
    }

    /** The simulator's log of a subscription's notifications on a channel, in publishing order. */
    public static List<SentNotification> sent(Sandbox sandbox, String productCode, String subscriptionId,
            Channel channel) {
        return sandbox.simulator().notifications(productCode, subscriptionId, channel);
    }

    /** Sends a body to the notifications queue, as SNS or EventBridge would. */
    public static void deliver(Sandbox sandbox, String body) {
        SqsClient sqs = sandbox.aws().sqs();
        sqs.sendMessage(r -> r.queueUrl(sandbox.aws().queueUrl(SuiteQueues.NOTIFICATIONS)).messageBody(body));
    }

    /** Whether the service has committed the message (its inbox entry exists). */
    public static boolean processed(Sandbox sandbox, String dedupeKey) {
        Map<String, AttributeValue> item = sandbox.aws().dynamo().getItem(r -> r.tableName(SuiteTables.INBOX)
                .consistentRead(true).key(SuiteTables.key("msg#" + dedupeKey, "MESSAGE"))).item();
        return item != null && !item.isEmpty();
    }

    /** Delivers one captured notification and waits until the service has committed it, so order is ours. */
    public static void deliverInOrder(Sandbox sandbox, SentNotification notification) {
        deliver(sandbox, notification.body());
        String dedupe = (notification.channel() == Channel.SNS ? "sns#" : "eventbridge#") + notification.id();
        eventually().until(() -> processed(sandbox, dedupe));
    }

    public static QueueRecorder customerEvents(Sandbox sandbox) {
        return recorder(sandbox, SuiteQueues.CUSTOMER_EVENTS);
    }

    public static QueueRecorder meteringCommands(Sandbox sandbox) {
        return recorder(sandbox, SuiteQueues.METERING_COMMANDS);
    }

    private static QueueRecorder recorder(Sandbox sandbox, String queue) {
        return RECORDERS.computeIfAbsent(queue, q -> new QueueRecorder(sandbox.aws().sqs(),
                sandbox.aws().queueUrl(q)));
    }

    /** Every order of the items. */
    public static <T> List<List<T>> permutations(List<T> items) {
        if (items.isEmpty()) {
            return List.of(List.of());
        }
        List<List<T>> result = new ArrayList<>();
        for (T first : items) {
            List<T> rest = new ArrayList<>(items);
            rest.remove(first);
            for (List<T> tail : permutations(rest)) {
                List<T> order = new ArrayList<>();
                order.add(first);
                order.addAll(tail);
                result.add(order);
            }
        }
        return result;
    }

    public static String fixture(String path) {
        try (InputStream in = TestSupport.class.getResourceAsStream("/fixtures/" + path)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Everything sent to one outbound queue during this JVM (nothing else reads these queues in this module's tests):
     * drained on each look, kept in arrival order.
     */
    public static final class QueueRecorder {
        private final SqsClient sqs;
        private final String url;
        private final List<Message> seen = new ArrayList<>();

        QueueRecorder(SqsClient sqs, String url) {
            this.sqs = sqs;
            this.url = url;
        }

        public synchronized List<JsonNode> all() {
            while (true) {
                List<Message> batch = sqs.receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(10)
                        .waitTimeSeconds(0).messageAttributeNames("All")).messages();
                if (batch.isEmpty()) {
                    break;
                }
                for (Message m : batch) {
                    seen.add(m);
                    sqs.deleteMessage(r -> r.queueUrl(url).receiptHandle(m.receiptHandle()));
                }
            }
            List<JsonNode> parsed = new ArrayList<>();
            for (Message m : seen) {
                try {
                    parsed.add(SuiteJson.newMapper().readTree(m.body()));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return parsed;
        }

        /** The messages themselves (with their attributes), about one customer ({@code customer.customerKey}). */
        public synchronized List<Message> messagesFor(String key) {
            all();
            return seen.stream().filter(m -> m.body().contains("\"customerKey\":\"" + key + "\"")).toList();
        }

        /** Messages about one customer ({@code customer.customerKey}). */
        public List<JsonNode> forCustomer(String key) {
            return all().stream().filter(m -> key.equals(m.path("customer").path("customerKey").asText())).toList();
        }

        /**
         * Types of the messages about one customer, in the order the app puts them in: by {@code sequence} (standard
         * SQS may deliver them in another order); every one of them carries a sequence of its own.
         */
        public List<String> typesFor(String key) {
            List<JsonNode> events = forCustomer(key);
            assertThat(events).allSatisfy(e -> assertThat(e.path("sequence").isIntegralNumber())
                    .as("sequence of %s", e).isTrue());
            assertThat(events.stream().map(e -> e.path("sequence").asLong()))
                    .as("one sequence per event").doesNotHaveDuplicates();
            return events.stream().sorted(Comparator.comparingLong(e -> e.path("sequence").asLong()))
                    .map(m -> m.path("type").asText()).toList();
        }
    }
}
