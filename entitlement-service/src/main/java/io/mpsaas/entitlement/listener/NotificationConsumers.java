package io.mpsaas.entitlement.listener;

import io.mpsaas.common.messaging.SqsConsumer;
import io.mpsaas.common.ops.SqsConsumers;
import io.mpsaas.entitlement.config.EntitlementConfig;
import io.mpsaas.entitlement.messaging.NotificationQueues;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Starts one {@link SqsConsumer} per queue of {@code suite.queues.notifications} (through common's
 * {@link SqsConsumers}: traced, measured, part of readiness), handing each receive's messages to the
 * {@link NotificationHandler} together, and stops them on shutdown.
 */
@ApplicationScoped
public class NotificationConsumers {

    private final SqsClient sqs;
    private final NotificationQueues queues;
    private final NotificationHandler handler;
    private final EntitlementConfig config;
    private final SqsConsumers registry;
    private final List<SqsConsumer> consumers = new ArrayList<>();

    public NotificationConsumers(SqsClient sqs, NotificationQueues queues, NotificationHandler handler,
            EntitlementConfig config, SqsConsumers registry) {
        this.sqs = sqs;
        this.queues = queues;
        this.handler = handler;
        this.config = config;
        this.registry = registry;
    }

    void start(@Observes StartupEvent event) {
        if (!config.sns().verifySignatures()) {
            Log.warn("SNS signature verification is OFF (suite.entitlement.sns.verify-signatures=false): anyone who"
                    + " can send to the notification queues can forge AWS Marketplace notifications");
        }
        if (!config.consumer().enabled()) {
            Log.info("Notification consumers disabled (suite.entitlement.consumer.enabled=false)");
            return;
        }
        for (NotificationQueues.Queue queue : queues.all()) {
            if (queue.deadLetterUrl() == null) {
                Log.warnf("Queue %s has no redrive policy: unprocessable messages cannot be parked", queue.name());
            }
            consumers.add(registry.start(SqsConsumer.builder().sqs(sqs).queueUrl(queue.url())
                    .deadLetterQueueUrl(queue.deadLetterUrl()).batchHandler(handler)
                    .concurrency(config.consumer().concurrency()).waitTimeSeconds(config.consumer().waitTimeSeconds())
                    .name(queue.name())));
        }
    }

    void stop(@Observes ShutdownEvent event) {
        consumers.forEach(c -> c.stop(Duration.ofSeconds(10)));
    }

    public List<SqsConsumer> consumers() {
        return List.copyOf(consumers);
    }

    public boolean enabled() {
        return config.consumer().enabled();
    }
}
