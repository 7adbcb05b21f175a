package io.mpsaas.entitlement.domain;

import io.mpsaas.common.customer.SubscriptionState;
import java.time.Instant;

/**
 * A state change the state machine made, with what must follow from it.
 *
 * @param eventType   the {@code CustomerEvent} type to publish
 * @param sourceId    the notification that caused it (for stable event and command ids)
 * @param occurredAt  AWS's time of that notification
 * @param flush       whether metering-service must flush the customer's usage now (the final-usage window opened)
 */
public record LifecycleChange(String eventType, SubscriptionState from, SubscriptionState to, String sourceId,
        Instant occurredAt, boolean freeTrial, boolean flush) {
}
