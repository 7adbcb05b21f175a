package io.mpsaas.onboarding.job;

import io.mpsaas.onboarding.config.OnboardingConfig;
import io.mpsaas.onboarding.persistence.RegistrationStore;
import io.mpsaas.onboarding.persistence.RegistrationStore.PendingEvent;
import io.mpsaas.onboarding.service.RegistrationEventRelay;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.List;

/**
 * The outbox relay: sends the customer-registered events that the registering request could not send (SQS down,
 * process killed between the DynamoDB write and the send). It only looks at registrations older than
 * {@code suite.onboarding.event-retry-after}, so it does not race the request that is still sending.
 */
@ApplicationScoped
public class RegistrationEventJob {

    static final int BATCH = 25;

    private final RegistrationStore registrations;
    private final RegistrationEventRelay relay;
    private final OnboardingConfig config;
    private final Clock clock;

    public RegistrationEventJob(RegistrationStore registrations, RegistrationEventRelay relay,
            OnboardingConfig config, Clock clock) {
        this.registrations = registrations;
        this.relay = relay;
        this.config = config;
        this.clock = clock;
    }

    @Scheduled(every = "${suite.onboarding.event-retry-interval:60s}", delayed = "10s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        try {
            relayPending();
        } catch (RuntimeException e) {
            Log.warnf("Relay of pending customer-registered events failed (%s); next run retries",
                    e.getClass().getSimpleName());
        }
    }

    /** Sends pending events, a batch at a time, until none is left or a send fails; answers how many went out. */
    public int relayPending() {
        int sent = 0;
        while (true) {
            List<PendingEvent> pending = registrations.pendingEvents(
                    clock.instant().minus(config.eventRetryAfter()), BATCH);
            for (PendingEvent event : pending) {
                if (!relay.send(event.customerKey(), event.registeredAt())) {
                    return sent;
                }
                sent++;
            }
            if (pending.size() < BATCH) {
                return sent;
            }
        }
    }
}
