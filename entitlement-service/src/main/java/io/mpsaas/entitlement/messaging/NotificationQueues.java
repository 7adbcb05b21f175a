package io.mpsaas.entitlement.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mpsaas.common.config.QueuesConfig;
import io.mpsaas.common.messaging.QueueUrls;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.sqs.SqsClient;

/** The notification queues of {@code suite.queues.notifications}, each with its dead-letter queue. */
@ApplicationScoped
public class NotificationQueues {

    /** One queue: its configured name (or URL), URL, and dead-letter queue URL (null when it has none). */
    public record Queue(String name, String url, String deadLetterUrl) {
    }

    private final SqsClient sqs;
    private final QueuesConfig config;
    private final ObjectMapper mapper;
    private volatile List<Queue> queues;

    public NotificationQueues(SqsClient sqs, QueuesConfig config, ObjectMapper mapper) {
        this.sqs = sqs;
        this.config = config;
        this.mapper = mapper;
    }

    /** Resolved on first use (GetQueueUrl, GetQueueAttributes), then kept. */
    public List<Queue> all() {
        List<Queue> resolved = queues;
        if (resolved == null) {
            List<Queue> list = new ArrayList<>();
            for (String name : config.notifications()) {
                String url = QueueUrls.resolve(sqs, name.strip());
                list.add(new Queue(name.strip(), url, QueueUrls.deadLetterQueueUrl(sqs, mapper, url)));
            }
            resolved = List.copyOf(list);
            queues = resolved;
        }
        return resolved;
    }

    /** The queue with this name or URL; empty for anything else (the admin API only touches its own queues). */
    public Optional<Queue> byName(String nameOrUrl) {
        return all().stream().filter(q -> q.name().equals(nameOrUrl) || q.url().equals(nameOrUrl)).findFirst();
    }
}
