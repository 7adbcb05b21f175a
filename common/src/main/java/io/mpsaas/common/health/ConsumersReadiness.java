package io.mpsaas.common.health;

import io.mpsaas.common.messaging.SqsConsumer;
import io.mpsaas.common.ops.SqsConsumers;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness of the service's queue consumers ({@code sqs-consumers}): DOWN while a consumer's receive calls fail (an
 * SQS outage makes the pod unready, not dead: the consumer keeps trying and recovers by itself). A consumer that has
 * not had its first answer yet is given {@link #FIRST_POLL_GRACE} (a long poll waits up to 20 s). DOWN too while the
 * consumers' queue URLs are not resolved yet ({@link SqsConsumers#startWhenResolved}: "resolving queue URLs: error").
 */
@Readiness
@ApplicationScoped
public class ConsumersReadiness implements HealthCheck {

    static final Duration FIRST_POLL_GRACE = Duration.ofSeconds(50);

    private final SqsConsumers consumers;

    public ConsumersReadiness(SqsConsumers consumers) {
        this.consumers = consumers;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("sqs-consumers").up();
        Instant now = Instant.now();
        for (SqsConsumers.Pending p : consumers.unresolved()) {
            response.down().withData(p.what(),
                    p.error() == null ? "resolving queue URLs" : "resolving queue URLs: " + p.error());
        }
        for (SqsConsumer c : consumers.all()) {
            boolean starting = c.lastPoll() == null && c.startedAt() != null
                    && now.isBefore(c.startedAt().plus(FIRST_POLL_GRACE));
            boolean ok = c.healthy() || starting;
            response.withData(c.name(), c.healthy() ? "polling" : starting ? "starting" : "cannot reach SQS");
            if (!ok) {
                response.down();
            }
        }
        return response.build();
    }
}
