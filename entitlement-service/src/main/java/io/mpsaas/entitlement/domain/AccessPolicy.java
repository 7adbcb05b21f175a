package io.mpsaas.entitlement.domain;

import io.mpsaas.common.customer.StoredEntitlement;
import io.mpsaas.common.customer.SubscriptionState;
import io.mpsaas.common.marketplace.EntitlementValue;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * The access check: the subscription state first (only active, free-trial and unsubscribe-pending customers get in),
 * then the dimension's entitlement. A customer with no entitlements at all bought a pay-as-you-go subscription, where
 * every dimension is metered rather than entitled. A contract with consumption has entitlements and metered dimensions
 * beside them: a metered dimension without an entitlement of its own is allowed and billed per use.
 */
public final class AccessPolicy {

    private AccessPolicy() {
    }

    public static AccessDecision decide(SubscriptionState state, Map<String, StoredEntitlement> entitlements,
            String dimension, Set<String> meteredDimensions, Instant now) {
        SubscriptionState effective = state == null ? SubscriptionState.PENDING : state;
        StoredEntitlement entitlement = entitlements.get(dimension);
        if (!effective.grantsAccess()) {
            return new AccessDecision(false, AccessDecision.Reason.STATE, effective, dimension, entitlement);
        }
        if (entitlement == null) {
            if (entitlements.isEmpty()) {
                return new AccessDecision(true, AccessDecision.Reason.PAY_AS_YOU_GO, effective, dimension, null);
            }
            return meteredDimensions.contains(dimension)
                    ? new AccessDecision(true, AccessDecision.Reason.METERED, effective, dimension, null)
                    : new AccessDecision(false, AccessDecision.Reason.MISSING_DIMENSION, effective, dimension, null);
        }
        if (entitlement.expiredAt(now)) {
            return new AccessDecision(false, AccessDecision.Reason.EXPIRED, effective, dimension, entitlement);
        }
        if (nothingEntitled(entitlement.value())) {
            return new AccessDecision(false, AccessDecision.Reason.NONE_ENTITLED, effective, dimension, entitlement);
        }
        return new AccessDecision(true, AccessDecision.Reason.ENTITLED, effective, dimension, entitlement);
    }

    private static boolean nothingEntitled(EntitlementValue value) {
        if (value instanceof EntitlementValue.IntegerValue i) {
            return i.value() <= 0;
        }
        if (value instanceof EntitlementValue.DoubleValue d) {
            return d.value() <= 0;
        }
        if (value instanceof EntitlementValue.BooleanValue b) {
            return !b.value();
        }
        return false;
    }
}
