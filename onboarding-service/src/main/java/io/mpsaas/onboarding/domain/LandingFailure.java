package io.mpsaas.onboarding.domain;

import io.mpsaas.common.marketplace.MarketplaceError;

/** Why a fulfillment POST could not take the buyer to the registration form, in terms of what the buyer can do. */
public enum LandingFailure {
    /** The POST carried no registration token: the buyer must start from AWS Marketplace. */
    MISSING_TOKEN(false),
    /** AWS does not know the token (mangled, forged, from another seller). */
    INVALID_TOKEN(false),
    /** The token is too old or was used too late: the buyer gets a fresh one from "Set up your account". */
    EXPIRED_TOKEN(false),
    /** AWS Marketplace (or our own storage) is throttling or down, even after retries; the same token may work later. */
    TEMPORARILY_UNAVAILABLE(true),
    /** Something only the seller can fix (API disabled, permissions, an answer we cannot use). */
    SETUP_FAILED(false);

    private final boolean retryable;

    LandingFailure(boolean retryable) {
        this.retryable = retryable;
    }

    /** Whether re-posting the same token can succeed (the page offers a retry button). */
    public boolean retryable() {
        return retryable;
    }

    /** What a ResolveCustomer error that outlasted the adapter's retries means for the buyer. */
    public static LandingFailure of(MarketplaceError error) {
        return switch (error) {
            case INVALID_TOKEN -> INVALID_TOKEN;
            case EXPIRED_TOKEN -> EXPIRED_TOKEN;
            case THROTTLING, INTERNAL_SERVICE_ERROR, TRANSPORT -> TEMPORARILY_UNAVAILABLE;
            default -> SETUP_FAILED;
        };
    }
}
