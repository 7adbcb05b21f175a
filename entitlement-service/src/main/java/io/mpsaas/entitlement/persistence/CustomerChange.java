package io.mpsaas.entitlement.persistence;

import io.mpsaas.common.customer.StoredEntitlement;
import io.mpsaas.entitlement.domain.Snapshot;
import io.mpsaas.entitlement.domain.Subscriber;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * entitlement-service's write to one customer item: its own attributes only, identity with {@code if_not_exists} (so
 * a notification before the landing creates the item onboarding completes, and never overwrites onboarding's),
 * {@code ADD version 1}, under the condition that nobody wrote since it was read.
 *
 * @param expectedVersion the version read; null when the item did not exist
 * @param identity        identity to set if absent; null to leave identity alone
 * @param agreementNamedAt set: {@code agreementId} and {@code offerId} are those of the newest license event, at this
 *                        time, and replace the stored ones (a renewed agreement's successor); null: set if absent
 * @param state           the new state and its freshness; null to leave the state alone
 * @param entitlements    the full entitlement set read at {@code entitlementsReadAt}; null to leave them alone
 */
public record CustomerChange(String key, Long expectedVersion, Subscriber identity, String agreementId,
        String offerId, Instant agreementNamedAt, Snapshot state, Map<String, StoredEntitlement> entitlements,
        Instant entitlementsReadAt, Instant now) {

    public CustomerChange {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(now, "now");
        if (agreementNamedAt != null) {
            Objects.requireNonNull(agreementId, "agreementId");
        }
        if (entitlements != null) {
            Objects.requireNonNull(entitlementsReadAt, "entitlementsReadAt");
            entitlements = Map.copyOf(entitlements);
        }
    }
}
