package io.mpsaas.sandbox.marketplace.buyer;

/** Lifecycle of a simulated agreement, named after the SNS actions that move it. */
public enum SubscriptionState {
    /** Agreement created, buyer sent to the fulfillment URL; no subscribe-success yet: usage is not accepted. */
    PENDING,
    /** subscribe-success / License Updated sent: usage is accepted. */
    ACTIVE,
    /** subscribe-fail sent (payment failed): never metered. */
    FAILED,
    /** unsubscribe-pending / Purchase Agreement Ended sent: final usage is still accepted. */
    CANCEL_PENDING,
    /** unsubscribe-success / License Deprovisioned sent (or superseded by a resubscription): usage rejected. */
    CANCELLED;

    /** Whether BatchMeterUsage accepts records for this subscription at call time. */
    public boolean acceptsUsage() {
        return this == ACTIVE || this == CANCEL_PENDING;
    }
}
