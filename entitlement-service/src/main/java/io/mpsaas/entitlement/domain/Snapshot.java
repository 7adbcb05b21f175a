package io.mpsaas.entitlement.domain;

import io.mpsaas.common.customer.SubscriptionState;
import java.time.Instant;

/**
 * The subscription part of a customer as the state machine sees it.
 *
 * @param state        null when no notification has set it yet (pending)
 * @param stateEventAt AWS's time of the notification that set {@code state}; null when none did
 */
public record Snapshot(SubscriptionState state, Instant stateEventAt, boolean freeTrial) {

    /** A customer nobody has told us about. */
    public static final Snapshot NONE = new Snapshot(null, null, false);

    /** The state, pending when none was set. */
    public SubscriptionState effectiveState() {
        return state == null ? SubscriptionState.PENDING : state;
    }
}
