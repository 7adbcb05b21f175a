package io.mpsaas.entitlement.messaging;

import io.mpsaas.common.messaging.SqsConsumer;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * Reads and replays the dead-letter queues of the notification queues. SQS has no "list": messages are received with
 * a short visibility timeout until the queue answers none, then made visible again, so a listing hides them from
 * other readers for a few seconds at most.
 */
@ApplicationScoped
public class DeadLetterQueues {

    private static final int HIDE_SECONDS = 30;
    private static final int MAX_BODY = 8 * 1024;

    private final SqsClient sqs;
    private final NotificationQueues queues;

    public DeadLetterQueues(SqsClient sqs, NotificationQueues queues) {
        this.sqs = sqs;
        this.queues = queues;
    }

    /** Up to {@code max} parked messages of one queue's dead-letter queue. */
    public List<ParkedMessage> list(NotificationQueues.Queue queue, int max) {
        List<ParkedMessage> parked = new ArrayList<>();
        withMessages(queue, max, messages -> {
            messages.forEach(m -> parked.add(view(queue, m)));
            return List.of();
        });
        return parked;
    }

    /**
     * Moves parked messages (the one with {@code messageId}, or every one when it is null) back to the notification
     * queue, with the park attributes dropped, and deletes them from the dead-letter queue. Answers the replayed ones.
     */
    public List<ParkedMessage> replay(NotificationQueues.Queue queue, int max, String messageId) {
        Predicate<Message> which = m -> messageId == null || m.messageId().equals(messageId);
        List<ParkedMessage> replayed = new ArrayList<>();
        withMessages(queue, max, messages -> {
            List<Message> done = new ArrayList<>();
            for (Message m : messages) {
                if (!which.test(m)) {
                    continue;
                }
                Map<String, MessageAttributeValue> attributes = new HashMap<>(m.messageAttributes());
                attributes.keySet().removeIf(k -> k.startsWith("park"));
                sqs.sendMessage(r -> r.queueUrl(queue.url()).messageBody(m.body()).messageAttributes(attributes));
                sqs.deleteMessage(r -> r.queueUrl(queue.deadLetterUrl()).receiptHandle(m.receiptHandle()));
                replayed.add(view(queue, m));
                done.add(m);
                Log.infof("Replayed parked message %s from %s to %s", m.messageId(), queue.deadLetterUrl(),
                        queue.url());
            }
            return done;
        });
        return replayed;
    }

    /** Receives up to {@code max} messages, lets {@code action} consume some, makes the rest visible again. */
    private void withMessages(NotificationQueues.Queue queue, int max,
            java.util.function.Function<List<Message>, List<Message>> action) {
        if (queue.deadLetterUrl() == null) {
            return;
        }
        List<Message> held = new ArrayList<>();
        try {
            while (held.size() < max) {
                int want = Math.min(10, max - held.size());
                List<Message> batch = sqs.receiveMessage(r -> r.queueUrl(queue.deadLetterUrl())
                        .maxNumberOfMessages(want).waitTimeSeconds(0).visibilityTimeout(HIDE_SECONDS)
                        .messageAttributeNames("All")
                        .messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT))
                        .messages();
                if (batch.isEmpty()) {
                    break;
                }
                held.addAll(batch);
            }
            held.removeAll(action.apply(held));
        } finally {
            release(queue.deadLetterUrl(), held);
        }
    }

    private void release(String url, List<Message> messages) {
        for (int i = 0; i < messages.size(); i += 10) {
            List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>();
            for (Message m : messages.subList(i, Math.min(i + 10, messages.size()))) {
                entries.add(ChangeMessageVisibilityBatchRequestEntry.builder().id(Integer.toString(entries.size()))
                        .receiptHandle(m.receiptHandle()).visibilityTimeout(0).build());
            }
            try {
                sqs.changeMessageVisibilityBatch(r -> r.queueUrl(url).entries(entries));
            } catch (RuntimeException e) {
                // they become visible again by themselves after HIDE_SECONDS
                Log.warnf("Could not release listed messages of %s: %s", url, e.getMessage());
            }
        }
    }

    private static ParkedMessage view(NotificationQueues.Queue queue, Message m) {
        String body = m.body() == null ? "" : m.body();
        return new ParkedMessage(queue.name(), m.messageId(), attribute(m, SqsConsumer.PARK_REASON_ATTRIBUTE),
                attribute(m, SqsConsumer.PARK_AT_ATTRIBUTE), attribute(m, SqsConsumer.PARK_SOURCE_ATTRIBUTE),
                attribute(m, SqsConsumer.PARK_MESSAGE_ID_ATTRIBUTE), SqsConsumer.receiveCount(m),
                body.length() > MAX_BODY ? body.substring(0, MAX_BODY) : body);
    }

    private static String attribute(Message m, String name) {
        MessageAttributeValue value = m.messageAttributes().get(name);
        return value == null ? null : value.stringValue();
    }
}
