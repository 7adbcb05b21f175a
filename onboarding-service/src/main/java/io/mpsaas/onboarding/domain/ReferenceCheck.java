package io.mpsaas.onboarding.domain;

import java.time.Instant;

/** The verdict on a signed customer reference posted back by a registration form. */
public sealed interface ReferenceCheck {

    /** Signed by us and still fresh. */
    record Valid(String customerKey, Instant expiresAt) implements ReferenceCheck {
    }

    /** Signed by us but too old: the buyer must open the form again from AWS Marketplace. */
    record Expired(String customerKey, Instant expiredAt) implements ReferenceCheck {
    }

    /** Missing, malformed, forged or tampered with. */
    record Invalid(String reason) implements ReferenceCheck {
    }
}
