package io.mpsaas.metering.listener;

import io.mpsaas.common.messaging.SqsConsumer;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Unready when a queue consumer that was receiving stops getting answers from SQS (an outage makes the pod unready,
 * not dead: the consumer keeps trying and recovers by itself).
 */
@Readiness
@ApplicationScoped
public class ConsumersReadiness implements HealthCheck {

    private final QueueConsumers consumers;

    public ConsumersReadiness(QueueConsumers consumers) {
        this.consumers = consumers;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("metering-queues").up();
        for (SqsConsumer consumer : consumers.consumers()) {
            response.withData(consumer.name(), consumer.healthy() ? "receiving" : "not receiving");
            if (!consumer.healthy() && consumer.lastPoll() != null) {
                response.down();
            }
        }
        return response.build();
    }
}
