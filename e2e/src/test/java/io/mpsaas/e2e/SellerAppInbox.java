package io.mpsaas.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mpsaas.common.messaging.SuiteQueues;
import io.mpsaas.sandbox.LocalAws;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Plays the seller's application on the customer-events queue: receives every lifecycle event, deletes it, and keeps
 * it by customer key, so each journey reads only its own customer's events whatever else is on the queue.
 */
final class SellerAppInbox {

    private final LocalAws aws;
    private final ObjectMapper json;
    private final Map<String, List<JsonNode>> byCustomer = new ConcurrentHashMap<>();

    SellerAppInbox(LocalAws aws, ObjectMapper json) {
        this.aws = aws;
        this.json = json;
    }

    /** The types of the events received so far for a customer, in the app's order, after draining the queue. */
    synchronized List<String> eventTypes(Customer customer) {
        String url = aws.queueUrl(SuiteQueues.CUSTOMER_EVENTS);
        List<Message> batch;
        do {
            batch = aws.sqs().receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(0))
                    .messages();
            for (Message message : batch) {
                try {
                    JsonNode event = json.readTree(message.body());
                    byCustomer.computeIfAbsent(event.path("customer").path("customerKey").asText(),
                            k -> new ArrayList<>()).add(event);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                aws.sqs().deleteMessage(r -> r.queueUrl(url).receiptHandle(message.receiptHandle()));
            }
        } while (!batch.isEmpty());
        return inAppOrder(byCustomer.getOrDefault(customer.key(), List.of())).stream()
                .map(e -> e.path("type").asText()).toList();
    }

    /** The eventIds of the events received so far for a customer (as {@link #eventTypes} left them). */
    synchronized List<String> eventIds(Customer customer) {
        return byCustomer.getOrDefault(customer.key(), List.of()).stream().map(e -> e.path("eventId").asText())
                .toList();
    }

    /**
     * A customer's events in the order the README tells an app to apply them: the subscription events (those with a
     * {@code sequence}) by sequence, in the places they arrived in; the others (a registration) where they arrived.
     */
    static List<JsonNode> inAppOrder(List<JsonNode> arrived) {
        List<JsonNode> sequenced = arrived.stream().filter(e -> e.path("sequence").isIntegralNumber())
                .sorted(Comparator.comparingLong(e -> e.path("sequence").asLong())).toList();
        List<JsonNode> ordered = new ArrayList<>(arrived.size());
        int next = 0;
        for (JsonNode event : arrived) {
            ordered.add(event.path("sequence").isIntegralNumber() ? sequenced.get(next++) : event);
        }
        return ordered;
    }
}
