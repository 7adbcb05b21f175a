package io.mpsaas.onboarding.service;

import io.mpsaas.common.customer.CustomerRecord;
import io.mpsaas.common.logging.CustomerMdc;
import io.mpsaas.common.messaging.CustomerEvent;
import io.mpsaas.common.webhook.WebhookDeliveries;
import io.mpsaas.onboarding.domain.RegistrationEvents;
import io.mpsaas.onboarding.messaging.CustomerEventPublisher;
import io.mpsaas.onboarding.persistence.CustomerStore;
import io.mpsaas.onboarding.persistence.RegistrationStore;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Sends the {@code customer-registered} event of a registration and clears its outbox marker. The request that
 * created the registration calls it at once; the relay job calls it again for registrations whose sending failed. A
 * resend carries the same {@code eventId}.
 */
@ApplicationScoped
public class RegistrationEventRelay {

    private final CustomerStore customers;
    private final RegistrationStore registrations;
    private final CustomerEventPublisher publisher;
    private final Clock clock;
    private final OnboardingMetrics metrics;
    private final WebhookDeliveries webhooks;

    public RegistrationEventRelay(CustomerStore customers, RegistrationStore registrations,
            CustomerEventPublisher publisher, Clock clock, OnboardingMetrics metrics, WebhookDeliveries webhooks) {
        this.webhooks = webhooks;
        this.customers = customers;
        this.registrations = registrations;
        this.publisher = publisher;
        this.clock = clock;
        this.metrics = metrics;
    }

    /**
     * Sends the event of the customer's registration. Answers false (and logs) when it could not; the outbox marker
     * then stays and the relay job tries again.
     */
    public boolean send(String customerKey, Instant registeredAt) {
        try (CustomerMdc ignored = CustomerMdc.of(customerKey, null, null, null)) {
            boolean sent = sendNow(customerKey, registeredAt);
            metrics.event(sent);
            return sent;
        }
    }

    private boolean sendNow(String customerKey, Instant registeredAt) {
        try {
            Optional<CustomerRecord> customer = customers.find(customerKey);
            if (customer.isEmpty()) {
                Log.errorf("Registration of customer %s has no customer item; its customer-registered event cannot be"
                        + " built", customerKey);
                return false;
            }
            CustomerEvent event = RegistrationEvents.customerRegistered(customer.get(), registeredAt);
            String messageId = publisher.publish(event);
            // its webhook deliveries in the same outbox step: the marker stays until both are written
            if (webhooks.enabled()) {
                webhooks.record(List.of(event), clock.instant());
            }
            registrations.markEventSent(customerKey, clock.instant());
            Log.infof("Sent customer-registered event %s (SQS message %s) for customer %s (product %s, license %s,"
                    + " customerIdentifier %s)", event.eventId(), messageId, customerKey, customer.get().productCode(),
                    customer.get().licenseArn(), customer.get().customerIdentifier());
            return true;
        } catch (RuntimeException e) {
            Log.warnf("Could not send the customer-registered event of customer %s (%s); the relay job will retry",
                    customerKey, e.getClass().getSimpleName());
            return false;
        }
    }
}
