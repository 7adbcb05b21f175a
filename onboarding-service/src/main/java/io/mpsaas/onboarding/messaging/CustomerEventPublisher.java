package io.mpsaas.onboarding.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mpsaas.common.config.QueuesConfig;
import io.mpsaas.common.messaging.CustomerEvent;
import io.mpsaas.common.messaging.QueueUrls;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * Sends {@link CustomerEvent}s to the seller's customer-events queue ({@code suite.queues.customer-events}), with the
 * type in the {@code eventType} message attribute so consumers can filter without parsing.
 */
@ApplicationScoped
public class CustomerEventPublisher {

    private final SqsClient sqs;
    private final QueuesConfig queues;
    private final ObjectMapper mapper;
    private volatile String queueUrl;

    public CustomerEventPublisher(SqsClient sqs, QueuesConfig queues, ObjectMapper mapper) {
        this.sqs = sqs;
        this.queues = queues;
        this.mapper = mapper;
    }

    /** Sends the event; any failure is an exception (the caller keeps the outbox marker so the event is retried). */
    public String publish(CustomerEvent event) {
        String body;
        try {
            body = mapper.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("customer event " + event.eventId() + " cannot be written as JSON", e);
        }
        String url = queueUrl();
        return sqs.sendMessage(r -> r.queueUrl(url).messageBody(body)
                .messageAttributes(Map.of(CustomerEvent.TYPE_ATTRIBUTE, MessageAttributeValue.builder()
                        .dataType("String").stringValue(event.type()).build())))
                .messageId();
    }

    private String queueUrl() {
        String url = queueUrl;
        if (url == null) {
            // looked up on first use, not at start: the queue being briefly unreachable must not stop the landing page
            url = QueueUrls.resolve(sqs, queues.customerEvents());
            queueUrl = url;
        }
        return url;
    }
}
