package io.mpsaas.onboarding.domain;

import java.time.Instant;
import java.util.Objects;

/**
 * One arrival of a buyer on the fulfillment URL, after the token was resolved.
 *
 * @param freeTrialOffer whether AWS sent {@code x-amzn-marketplace-offer-type=free-trial}
 * @param offerType      the raw offer type AWS sent, when it was a well-formed one; else null
 */
public record Landing(CustomerIdentity identity, boolean freeTrialOffer, String offerType, Instant landedAt) {

    /** The value AWS sends in {@code x-amzn-marketplace-offer-type} for free trials. */
    public static final String FREE_TRIAL = "free-trial";

    public Landing {
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(landedAt, "landedAt");
    }

    /** A landing with the offer type as posted (see {@link #offerType(String)}). */
    public static Landing of(CustomerIdentity identity, String postedOfferType, Instant landedAt) {
        String offerType = offerType(postedOfferType);
        return new Landing(identity, FREE_TRIAL.equalsIgnoreCase(offerType), offerType, landedAt);
    }

    /** A posted offer type worth keeping: a short {@code [A-Za-z0-9-]} value, stripped; else null. */
    public static String offerType(String posted) {
        String offerType = posted == null ? null : posted.strip();
        return offerType != null && offerType.matches("[A-Za-z0-9-]{1,40}") ? offerType : null;
    }
}
