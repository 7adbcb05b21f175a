package io.mpsaas.entitlement.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mpsaas.common.config.QueuesConfig;
import io.mpsaas.common.messaging.QueueUrls;
import io.mpsaas.entitlement.config.EntitlementConfig;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The dead-letter queues of every queue of the suite, for the admin API (and through it the operator console): the
 * notification queues (entitlement-service), the usage and metering-commands queues (metering-service) and the
 * customer-events queue (the seller's app, whose failed deliveries SQS's redrive parks there). Listing and replay
 * are {@link DeadLetterQueues}': a replay moves a message back to the queue it was parked from, without its park
 * attributes.
 */
@ApplicationScoped
public class SuiteDeadLetters {

    /** A queue with its dead-letter queue, and who consumes it. */
    public record Queue(String name, String url, String deadLetterUrl, String consumer) {

        public NotificationQueues.Queue asAdminQueue() {
            return new NotificationQueues.Queue(name, url, deadLetterUrl);
        }
    }

    /**
     * What one dead-letter queue holds.
     *
     * @param approximateCount SQS's ApproximateNumberOfMessages (visible and in flight); null when unknown
     * @param error            why the queue could not be read; null when it was
     */
    public record Listing(Queue queue, List<ParkedMessage> messages, Long approximateCount, String error) {
    }

    private final SqsClient sqs;
    private final ObjectMapper mapper;
    private final QueuesConfig queues;
    private final NotificationQueues notificationQueues;
    private final DeadLetterQueues deadLetterQueues;
    private final EntitlementConfig config;
    private volatile List<Queue> resolved;

    public SuiteDeadLetters(SqsClient sqs, ObjectMapper mapper, QueuesConfig queues,
            NotificationQueues notificationQueues, DeadLetterQueues deadLetterQueues, EntitlementConfig config) {
        this.sqs = sqs;
        this.mapper = mapper;
        this.queues = queues;
        this.notificationQueues = notificationQueues;
        this.deadLetterQueues = deadLetterQueues;
        this.config = config;
    }

    /** Every queue of the suite with its dead-letter queue (resolved once: GetQueueUrl, GetQueueAttributes). */
    public List<Queue> queues() {
        List<Queue> current = resolved;
        if (current == null) {
            List<Queue> list = new ArrayList<>();
            for (NotificationQueues.Queue q : notificationQueues.all()) {
                list.add(new Queue(q.name(), q.url(), q.deadLetterUrl(), "entitlement-service"));
            }
            list.add(resolve(queues.usage(), "metering-service"));
            list.add(resolve(queues.meteringCommands(), "metering-service"));
            list.add(resolve(queues.customerEvents(), "the seller's application"));
            current = List.copyOf(list);
            if (list.stream().allMatch(q -> q.url() != null)) {
                resolved = current; // a queue that could not be found is looked up again next time
            }
        }
        return current;
    }

    /** The parked messages of every dead-letter queue; a queue that cannot be read says why, the others still show. */
    public List<Listing> listAll(boolean withMessages) {
        List<Listing> listings = new ArrayList<>();
        for (Queue queue : queues()) {
            if (queue.url() == null) {
                listings.add(new Listing(queue, List.of(), null, "Could not find this queue (GetQueueUrl failed)."));
                continue;
            }
            if (queue.deadLetterUrl() == null) {
                listings.add(new Listing(queue, List.of(), null, "This queue has no dead-letter queue."));
                continue;
            }
            try {
                List<ParkedMessage> messages = withMessages ? deadLetterQueues.list(queue.asAdminQueue(),
                        config.admin().maxParkedMessages()) : List.of();
                listings.add(new Listing(queue, messages, count(queue), null));
            } catch (SdkException e) {
                Log.warnf("The admin API could not read the dead-letter queue %s: %s", queue.deadLetterUrl(),
                        e.getMessage());
                listings.add(new Listing(queue, List.of(), null, "Could not read it: " + e.getClass()
                        .getSimpleName()));
            }
        }
        return listings;
    }

    /** The suite's queue of this name, when it has a dead-letter queue. */
    public Optional<Queue> byName(String queueName) {
        return queues().stream().filter(q -> q.name().equals(queueName) && q.deadLetterUrl() != null).findFirst();
    }

    /**
     * Moves one parked message ({@code messageId}), or every one ({@code null}), of a queue's dead-letter queue back to
     * the queue. Answers the replayed messages; empty when the queue is not one of the suite's.
     */
    public Optional<List<ParkedMessage>> replay(String queueName, String messageId) {
        Optional<Queue> queue = queues().stream().filter(q -> q.name().equals(queueName)).findFirst();
        if (queue.isEmpty() || queue.get().deadLetterUrl() == null) {
            return Optional.empty();
        }
        return Optional.of(deadLetterQueues.replay(queue.get().asAdminQueue(), config.admin().maxParkedMessages(),
                messageId));
    }

    private Queue resolve(String nameOrUrl, String consumer) {
        String name = nameOrUrl.strip();
        try {
            String url = QueueUrls.resolve(sqs, name);
            return new Queue(name, url, QueueUrls.deadLetterQueueUrl(sqs, mapper, url), consumer);
        } catch (SdkException e) {
            Log.warnf("The admin API could not find the queue %s: %s", name, e.getMessage());
            return new Queue(name, null, null, consumer);
        }
    }

    private long count(Queue queue) {
        Map<QueueAttributeName, String> attributes = sqs.getQueueAttributes(r -> r.queueUrl(queue.deadLetterUrl())
                .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
        return parse(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                + parse(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
    }

    private static long parse(String value) {
        try {
            return value == null ? 0 : Long.parseLong(value);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
