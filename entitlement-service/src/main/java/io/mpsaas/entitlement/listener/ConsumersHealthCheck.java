package io.mpsaas.entitlement.listener;

import io.mpsaas.common.messaging.SqsConsumer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** Ready while every notification consumer reaches SQS (a first long poll may take up to its wait time). */
@Readiness
@ApplicationScoped
public class ConsumersHealthCheck implements HealthCheck {

    private final NotificationConsumers consumers;

    public ConsumersHealthCheck(NotificationConsumers consumers) {
        this.consumers = consumers;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("notification-consumers").up();
        if (!consumers.enabled()) {
            return response.withData("enabled", false).build();
        }
        Instant started = consumers.startedAt();
        boolean starting = started != null && Instant.now().isBefore(started.plus(consumers.firstPollGrace()));
        for (SqsConsumer c : consumers.consumers()) {
            boolean ok = c.healthy() || (c.lastPoll() == null && starting);
            response.withData(c.name(), ok ? "polling" : "cannot reach SQS");
            if (!ok) {
                response.down();
            }
        }
        return response.build();
    }
}
