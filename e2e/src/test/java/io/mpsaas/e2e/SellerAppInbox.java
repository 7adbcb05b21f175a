package io.mpsaas.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mpsaas.common.messaging.SuiteQueues;
import io.mpsaas.sandbox.LocalAws;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
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

    /** The types of the events received so far for a customer, in arrival order, after draining the queue. */
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
        return byCustomer.getOrDefault(customer.key(), List.of()).stream().map(e -> e.path("type").asText())
                .toList();
    }
}
