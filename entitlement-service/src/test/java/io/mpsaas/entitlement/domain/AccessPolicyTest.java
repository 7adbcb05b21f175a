package io.mpsaas.entitlement.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.mpsaas.common.customer.StoredEntitlement;
import io.mpsaas.common.customer.SubscriptionState;
import io.mpsaas.common.marketplace.Entitlement;
import io.mpsaas.common.marketplace.EntitlementValue;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The access check and the collapse of GetEntitlements pages into one set. */
class AccessPolicyTest {

    private static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");
    private static final StoredEntitlement SEATS = new StoredEntitlement("seats", new EntitlementValue.IntegerValue(10),
            NOW.plusSeconds(3600));
    private static final Set<String> NONE = Set.of();

    @Test
    void entitledDimension_isAllowed_withItsQuantity() {
        AccessDecision d = AccessPolicy.decide(SubscriptionState.ACTIVE, Map.of("seats", SEATS), "seats", NONE, NOW);

        assertThat(d.allowed()).isTrue();
        assertThat(d.reason()).isEqualTo(AccessDecision.Reason.ENTITLED);
        assertThat(d.entitlement().quantity()).isEqualTo(10.0);
    }

    @Test
    void stateWithoutAccess_isRefused_whateverTheEntitlements() {
        for (SubscriptionState s : List.of(SubscriptionState.PENDING, SubscriptionState.UNSUBSCRIBED,
                SubscriptionState.SUBSCRIBE_FAILED, SubscriptionState.DEPROVISIONED)) {
            AccessDecision d = AccessPolicy.decide(s, Map.of("seats", SEATS), "seats", NONE, NOW);
            assertThat(d.allowed()).as("%s", s).isFalse();
            assertThat(d.reason()).isEqualTo(AccessDecision.Reason.STATE);
        }
        assertThat(AccessPolicy.decide(SubscriptionState.UNSUBSCRIBE_PENDING, Map.of("seats", SEATS), "seats", NONE,
                NOW).allowed()).isTrue();
        assertThat(AccessPolicy.decide(null, Map.of(), "seats", NONE, NOW).reason())
                .isEqualTo(AccessDecision.Reason.STATE);
    }

    @Test
    void expired_missing_zero_andPayAsYouGo() {
        StoredEntitlement expired = new StoredEntitlement("seats", new EntitlementValue.IntegerValue(10), NOW);
        StoredEntitlement off = new StoredEntitlement("sso", new EntitlementValue.BooleanValue(false), null);

        assertThat(AccessPolicy.decide(SubscriptionState.ACTIVE, Map.of("seats", expired), "seats", NONE, NOW).reason())
                .isEqualTo(AccessDecision.Reason.EXPIRED);
        assertThat(AccessPolicy.decide(SubscriptionState.ACTIVE, Map.of("seats", SEATS), "sso", NONE, NOW).reason())
                .isEqualTo(AccessDecision.Reason.MISSING_DIMENSION);
        assertThat(AccessPolicy.decide(SubscriptionState.ACTIVE, Map.of("sso", off), "sso", NONE, NOW).reason())
                .isEqualTo(AccessDecision.Reason.NONE_ENTITLED);
        AccessDecision payg = AccessPolicy.decide(SubscriptionState.FREE_TRIAL, Map.of(), "requests", NONE, NOW);
        assertThat(payg.allowed()).isTrue();
        assertThat(payg.reason()).isEqualTo(AccessDecision.Reason.PAY_AS_YOU_GO);
    }

    @Test
    void meteredDimensionBesideAContract_isAllowed_asMetered() {
        Set<String> metered = Set.of("overage_requests");

        AccessDecision overage = AccessPolicy.decide(SubscriptionState.ACTIVE, Map.of("seats", SEATS),
                "overage_requests", metered, NOW);
        AccessDecision other = AccessPolicy.decide(SubscriptionState.ACTIVE, Map.of("seats", SEATS), "sso", metered,
                NOW);
        AccessDecision cancelled = AccessPolicy.decide(SubscriptionState.UNSUBSCRIBED, Map.of("seats", SEATS),
                "overage_requests", metered, NOW);

        assertThat(overage.allowed()).isTrue();
        assertThat(overage.reason()).isEqualTo(AccessDecision.Reason.METERED);
        assertThat(other.reason()).isEqualTo(AccessDecision.Reason.MISSING_DIMENSION);
        assertThat(cancelled.reason()).isEqualTo(AccessDecision.Reason.STATE);
    }

    @Test
    void collapse_keepsEveryDimension_andTheLongestLivedDuplicate() {
        Instant soon = NOW.plusSeconds(60);
        Instant later = NOW.plusSeconds(6000);
        List<Entitlement> pages = List.of(
                new Entitlement("p", "seats", "c", null, null, new EntitlementValue.IntegerValue(5), soon),
                new Entitlement("p", "tier", "c", null, null, new EntitlementValue.StringValue("gold"), null),
                new Entitlement("p", "seats", "c", null, null, new EntitlementValue.IntegerValue(7), later),
                new Entitlement("p", "storage", "c", null, null, new EntitlementValue.DoubleValue(1.5), later));

        Map<String, StoredEntitlement> set = Entitlements.collapse(pages);

        assertThat(set).containsOnlyKeys("seats", "tier", "storage");
        assertThat(set.get("seats").value()).isEqualTo(new EntitlementValue.IntegerValue(7));
        assertThat(Entitlements.collapse(List.of())).isEmpty();
        assertThat(Entitlements.differ(set, Entitlements.collapse(pages))).isFalse();
        assertThat(Entitlements.differ(set, Map.of())).isTrue();
        assertThat(Entitlements.digest(set)).isEqualTo(Entitlements.digest(Entitlements.collapse(pages)))
                .isNotEqualTo(Entitlements.digest(Map.of()));
    }
}
