package io.mpsaas.onboarding;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mpsaas.common.messaging.CustomerEvent;
import io.mpsaas.common.messaging.QueueUrls;
import io.mpsaas.common.messaging.SuiteQueues;
import io.mpsaas.common.messaging.TraceContextSqsInterceptor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;

/**
 * Reads the customer-events queue like the seller's app would. Messages are kept for the whole JVM, so a test that
 * drains the queue never steals another test's events; each test looks only at its own customers.
 */
final class CustomerEvents {

    /** One received message: its body parsed, its {@code eventType} and {@code traceparent} attributes. */
    record Received(JsonNode event, String body, String eventTypeAttribute, String traceparent) {

        String customerKey() {
            return event.path("customer").path("customerKey").asText();
        }
    }

    private static final List<Received> RECEIVED = new CopyOnWriteArrayList<>();

    private final SqsClient sqs;
    private final ObjectMapper mapper;

    CustomerEvents(SqsClient sqs, ObjectMapper mapper) {
        this.sqs = sqs;
        this.mapper = mapper;
    }

    /**
     * Every event received so far for the customer, after reading the queue until it is empty. Senders in this service
     * send before they answer, so once the answer is in, its event is on the queue.
     */
    synchronized List<Received> forCustomer(String customerKey) {
        String url = QueueUrls.resolve(sqs, SuiteQueues.CUSTOMER_EVENTS);
        while (true) {
            ReceiveMessageResponse response = sqs.receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(10)
                    .waitTimeSeconds(1).messageAttributeNames("All"));
            if (response.messages().isEmpty()) {
                break;
            }
            for (Message message : response.messages()) {
                MessageAttributeValue type = message.messageAttributes().get(CustomerEvent.TYPE_ATTRIBUTE);
                MessageAttributeValue trace = message.messageAttributes().get(TraceContextSqsInterceptor.TRACEPARENT);
                try {
                    RECEIVED.add(new Received(mapper.readTree(message.body()), message.body(),
                            type == null ? null : type.stringValue(), trace == null ? null : trace.stringValue()));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                sqs.deleteMessage(r -> r.queueUrl(url).receiptHandle(message.receiptHandle()));
            }
        }
        List<Received> mine = new ArrayList<>();
        for (Received received : RECEIVED) {
            if (customerKey.equals(received.customerKey())) {
                mine.add(received);
            }
        }
        return mine;
    }
}
