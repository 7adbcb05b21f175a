package io.mpsaas.onboarding.domain;

import java.time.Instant;
import java.util.Objects;

/**
 * One arrival of a buyer on the fulfillment URL, after the token was resolved.
 *
 * @param offerTypeHint the {@code x-amzn-marketplace-offer-type} posted with the token, when well formed; else null.
 *                      The buyer's browser posts it (AWS's launch form puts it there, and a buyer can re-post their
 *                      real token with any value): a hint, never a fact; only AWS's notification makes a free trial
 */
public record Landing(CustomerIdentity identity, String offerTypeHint, Instant landedAt) {

    /** The value AWS sends in {@code x-amzn-marketplace-offer-type} for free trials. */
    public static final String FREE_TRIAL = "free-trial";

    public Landing {
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(landedAt, "landedAt");
    }

    /** A landing with the offer type as posted (see {@link #offerType(String)}). */
    public static Landing of(CustomerIdentity identity, String postedOfferType, Instant landedAt) {
        return new Landing(identity, offerType(postedOfferType), landedAt);
    }

    /** Whether the posted offer type claims a free trial (a hint for the buyer's own page, nothing more). */
    public static boolean claimsFreeTrial(String offerTypeHint) {
        return FREE_TRIAL.equalsIgnoreCase(offerTypeHint);
    }

    /** A posted offer type worth keeping: a short {@code [A-Za-z0-9-]} value, stripped; else null. */
    public static String offerType(String posted) {
        String offerType = posted == null ? null : posted.strip();
        return offerType != null && offerType.matches("[A-Za-z0-9-]{1,40}") ? offerType : null;
    }
}
