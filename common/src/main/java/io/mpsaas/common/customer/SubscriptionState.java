package io.mpsaas.common.customer;

/**
 * A customer's subscription as AWS Marketplace notifications describe it. entitlement-service owns the transitions;
 * the other services only read it.
 */
public enum SubscriptionState {
    /** Known (landed, or a notification arrived) but AWS has not confirmed the subscription yet. */
    PENDING,
    /** Subscribed and paying: access granted, usage metered. */
    ACTIVE,
    /** Subscribed through a free trial: access granted, usage metered (AWS bills zero). */
    FREE_TRIAL,
    /** The buyer cancelled; about one hour remains to send final usage. Access continues until it ends. */
    UNSUBSCRIBE_PENDING,
    /** Cancellation complete: no access, AWS accepts no more usage. */
    UNSUBSCRIBED,
    /** AWS could not take payment: no access. */
    SUBSCRIBE_FAILED,
    /** The license was deprovisioned (EventBridge): no access, no usage accepted. */
    DEPROVISIONED;

    /** Whether the seller's app should let the customer in. */
    public boolean grantsAccess() {
        return this == ACTIVE || this == FREE_TRIAL || this == UNSUBSCRIBE_PENDING;
    }

    /** Whether usage for this customer can still be billed. */
    public boolean acceptsUsage() {
        return grantsAccess();
    }

    /** Whether the subscription has ended for good (until a new subscribe-success). */
    public boolean ended() {
        return this == UNSUBSCRIBED || this == SUBSCRIBE_FAILED || this == DEPROVISIONED;
    }
}
