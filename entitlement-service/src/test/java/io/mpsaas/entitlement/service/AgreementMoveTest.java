package io.mpsaas.entitlement.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** {@link SubscriptionService#agreementMove}: the newest license event's agreement is the customer's. */
class AgreementMoveTest {

    private static final Instant T = Instant.parse("2026-12-01T10:00:00Z");

    @Test
    void firstAgreement_isRecorded() {
        assertThat(SubscriptionService.agreementMove(null, null, T)).isEqualTo(T);
    }

    @Test
    void newerLicenseEvent_replacesTheStoredAgreement() {
        assertThat(SubscriptionService.agreementMove("agmt-old", T, T.plusSeconds(1))).isEqualTo(T.plusSeconds(1));
    }

    @Test
    void olderOrSimultaneousLicenseEvent_leavesTheStoredAgreement() {
        assertThat(SubscriptionService.agreementMove("agmt-new", T, T.minusSeconds(1))).isNull();
        assertThat(SubscriptionService.agreementMove("agmt-new", T, T)).isNull();
    }

    @Test
    void agreementStoredBeforeItsTimeWasRecorded_isReplacedByAnyLicenseEvent() {
        // such an item holds the first agreement ever seen: another agreement's license event is a later one's
        assertThat(SubscriptionService.agreementMove("agmt-first", null, T)).isEqualTo(T);
    }
}
