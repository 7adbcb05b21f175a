package io.mpsaas.entitlement.domain;

import io.mpsaas.common.customer.StoredEntitlement;
import io.mpsaas.common.customer.SubscriptionState;

/**
 * Whether a customer may use a dimension now, how much, and why.
 *
 * @param entitlement the stored entitlement of the dimension, null when there is none
 */
public record AccessDecision(boolean allowed, Reason reason, SubscriptionState state, String dimension,
        StoredEntitlement entitlement) {

    /** Why access is (not) allowed. */
    public enum Reason {
        /** The subscription grants access and the dimension is entitled (quantity or value in the entitlement). */
        ENTITLED,
        /** The subscription grants access and the customer has no contract entitlements at all: pay as you go. */
        PAY_AS_YOU_GO,
        /**
         * The subscription grants access, the customer has contract entitlements, and the dimension is one of the
         * product's metered dimensions ({@code suite.entitlement.products.<code>.metered-dimensions}): billed per use.
         */
        METERED,
        /** The subscription state does not grant access (pending, unsubscribed, failed, deprovisioned). */
        STATE,
        /** The customer has contract entitlements, but none for this dimension, and it is not a metered one. */
        MISSING_DIMENSION,
        /** The dimension's entitlement expired. */
        EXPIRED,
        /** The dimension is entitled with quantity zero or {@code false}. */
        NONE_ENTITLED
    }
}
