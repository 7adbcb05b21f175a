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
 * {@link SqsConsumers}: traced, measured, part of readiness; the URLs resolved in the background so that an unreachable
 * SQS never fails the start), handing each receive's messages to the
 * {@link NotificationHandler} together, and stops them on shutdown.
 */
@ApplicationScoped
public class NotificationConsumers {

    private final SqsClient sqs;
    private final NotificationQueues queues;
    private final NotificationHandler handler;
    private final EntitlementConfig config;
    private final SqsConsumers registry;
    private volatile SqsConsumers.Pending pending;

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
        // resolved in the background: an unreachable SQS leaves the service not ready, never stops its start (the
        // access API needs only DynamoDB)
        pending = registry.startWhenResolved("the notification queues", () -> {
            List<SqsConsumer.Builder> builders = new ArrayList<>();
            for (NotificationQueues.Queue queue : queues.all()) {
                if (queue.deadLetterUrl() == null) {
                    Log.warnf("Queue %s has no redrive policy: unprocessable messages cannot be parked", queue.name());
                }
                builders.add(SqsConsumer.builder().sqs(sqs).queueUrl(queue.url())
                        .deadLetterQueueUrl(queue.deadLetterUrl()).batchHandler(handler)
                        .concurrency(config.consumer().concurrency())
                        .waitTimeSeconds(config.consumer().waitTimeSeconds()).name(queue.name()));
            }
            return builders;
        });
    }

    void stop(@Observes ShutdownEvent event) {
        if (pending != null) {
            pending.stop(Duration.ofSeconds(10));
        }
    }

    /** The running consumers (none while their queue URLs are not resolved yet). */
    public List<SqsConsumer> consumers() {
        return pending == null ? List.of() : pending.consumers();
    }

    public boolean enabled() {
        return config.consumer().enabled();
    }
}
