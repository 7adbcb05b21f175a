package io.mpsaas.entitlement.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.mpsaas.common.customer.StoredEntitlement;
import io.mpsaas.common.marketplace.EntitlementValue;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which entitlement changes become a {@code customer-entitlements-changed} event. */
class EntitlementsToldTest {

    private static final Instant END = Instant.parse("2027-01-01T00:00:00Z");

    private static Map<String, StoredEntitlement> seats(int n, Instant expiresAt) {
        return Map.of("seats", new StoredEntitlement("seats", new EntitlementValue.IntegerValue(n), expiresAt));
    }

    @Test
    void told_whenAQuantityADimensionOrALaterDateChanges() {
        assertThat(Entitlements.told(seats(5, END), seats(12, END))).isTrue();
        assertThat(Entitlements.told(seats(5, END), Map.of())).isTrue();
        assertThat(Entitlements.told(Map.of(), seats(5, END))).isTrue();
        // a renewal or an extension
        assertThat(Entitlements.told(seats(5, END), seats(5, END.plusSeconds(86_400)))).isTrue();
        assertThat(Entitlements.told(seats(5, END), seats(5, null))).isTrue();
    }

    @Test
    void notTold_whenNothingChanged_orOnlyTheDatesCameForward() {
        assertThat(Entitlements.told(seats(5, END), seats(5, END))).isFalse();
        // GIVEN an agreement being cancelled: AWS dates its entitlements to the cancellation
        Instant cancelledAt = Instant.parse("2026-11-22T08:00:00Z");
        // THEN the change is stored (it differs) but told by the lifecycle events, not as an entitlements change
        assertThat(Entitlements.differ(seats(5, END), seats(5, cancelledAt))).isTrue();
        assertThat(Entitlements.told(seats(5, END), seats(5, cancelledAt))).isFalse();
        assertThat(Entitlements.told(seats(5, null), seats(5, cancelledAt))).isFalse();
        // but a quantity change that comes with it is told
        assertThat(Entitlements.told(seats(5, END), seats(12, cancelledAt))).isTrue();
    }
}
