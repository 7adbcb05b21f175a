package io.mpsaas.common.marketplace;

/**
 * An agreement's status as the Agreement API reports it (botocore {@code AgreementStatus}); a value AWS adds later
 * reads as {@link #UNKNOWN} instead of failing the call.
 */
public enum AgreementStatus {
    /** The terms are in force. */
    ACTIVE,
    /** Ended without a specified reason. */
    ARCHIVED,
    /** The buyer ended it before its end date. */
    CANCELLED,
    /** Ended on its end date. */
    EXPIRED,
    /** Renewed into a new agreement (auto-renewal). */
    RENEWED,
    /** Replaced through an agreement-replacement offer. */
    REPLACED,
    /** A revision rolled back after an error; an earlier revision is active. */
    ROLLED_BACK,
    /** A revision no longer active; another revision is. */
    SUPERSEDED,
    /** AWS ended it before its end date (a payment failure, for example). */
    TERMINATED,
    /** A status this suite does not know yet. */
    UNKNOWN;

    /** Whether the buyer may use the product under this agreement. */
    public boolean inForce() {
        return this == ACTIVE;
    }

    /**
     * Whether the agreement lives on in another one (renewal, replacement, revision): its end says nothing about the
     * buyer leaving.
     */
    public boolean continuedElsewhere() {
        return this == RENEWED || this == REPLACED || this == ROLLED_BACK || this == SUPERSEDED;
    }

    public static AgreementStatus fromWire(String value) {
        if (value == null) {
            return UNKNOWN;
        }
        if ("SUPERCEDED".equals(value)) {
            return SUPERSEDED; // the API reference spells it so in one place; the model's enum says SUPERSEDED
        }
        for (AgreementStatus s : values()) {
            if (s.name().equals(value)) {
                return s;
            }
        }
        return UNKNOWN;
    }
}
