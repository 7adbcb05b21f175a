package io.mpsaas.entitlement.service;

import io.mpsaas.common.customer.AgreementTerms;
import io.mpsaas.common.marketplace.Agreement;
import io.mpsaas.common.marketplace.AgreementTerm;
import io.mpsaas.common.marketplace.Agreements;
import io.mpsaas.common.marketplace.MarketplaceException;
import io.mpsaas.common.marketplace.OfferVisibility;
import io.mpsaas.common.marketplace.Offers;
import io.mpsaas.entitlement.config.EntitlementConfig;
import io.mpsaas.entitlement.persistence.SubscriptionStore;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.time.Period;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Reads an agreement's terms from the Agreement API (DescribeAgreement, GetAgreementTerms) and whether its offer is
 * public or private from the Catalog API (DescribeEntity), and stores them on its customer: after a new, amended or
 * renewed agreement's notification ({@link AgreementTermsQueue}, off the notification path), and from the
 * reconciliation run for customers whose terms are missing, stale or of unknown visibility
 * ({@link ReconciliationService#termsToRead}).
 */
@ApplicationScoped
public class AgreementTermsService {

    private final Agreements agreements;
    private final Offers offers;
    private final SubscriptionStore store;
    private final EntitlementConfig config;
    private final Clock clock;

    public AgreementTermsService(Agreements agreements, Offers offers, SubscriptionStore store,
            EntitlementConfig config, Clock clock) {
        this.agreements = agreements;
        this.offers = offers;
        this.store = store;
        this.config = config;
        this.clock = clock;
    }

    public boolean enabled() {
        return config.agreements().enabled();
    }

    /**
     * Reads and stores the terms.
     *
     * @return the terms stored, or null when the customer does not exist or newer terms are stored
     * @throws io.mpsaas.common.marketplace.MarketplaceException the Agreement API failed after the client's retries
     */
    public AgreementTerms refresh(String customerKey, String agreementId) {
        Instant readAt = clock.instant();
        Agreement agreement = agreements.describeAgreement(agreementId);
        List<AgreementTerm> terms = agreements.getAgreementTerms(agreementId);
        String seller = config.agreements().sellerAccountId().orElse(null);
        // a CPPO is private by definition: no Catalog API call for it
        OfferVisibility visibility = agreement.channelPartnerOffer(seller) ? OfferVisibility.PRIVATE
                : visibility(agreement, customerKey);
        AgreementTerms stored = terms(agreement, terms, seller, visibility, readAt);
        if (!store.storeAgreementTerms(customerKey, stored)) {
            Log.debugf("Terms of agreement %s not stored on customer %s: no such customer, or newer terms stored",
                    agreementId, customerKey);
            return null;
        }
        Log.infof("Stored the terms of agreement %s (%s, %s) on customer %s", agreementId, stored.offerType(),
                stored.status(), customerKey);
        return stored;
    }

    /**
     * The offer's visibility from the Catalog API; {@link OfferVisibility#UNKNOWN} (logged) when it cannot answer
     * after the client's retries, so the terms are still stored (as the seller's offer, visibility unknown) and the
     * next reconciliation run reads them again.
     */
    private OfferVisibility visibility(Agreement agreement, String customerKey) {
        if (agreement.offerId() == null) {
            Log.warnf("Agreement %s of customer %s names no offer: its visibility is unknown", agreement.agreementId(),
                    customerKey);
            return OfferVisibility.UNKNOWN;
        }
        try {
            return offers.offerVisibility(agreement.offerId());
        } catch (MarketplaceException | IllegalArgumentException e) {
            Log.warnf("DescribeEntity of offer %s (agreement %s, customer %s) failed: %s; stored as the seller's "
                    + "offer, visibility unknown (aws-marketplace:DescribeEntity granted?)", agreement.offerId(),
                    agreement.agreementId(), customerKey, e.getMessage());
            return OfferVisibility.UNKNOWN;
        }
    }

    /**
     * Reads and stores the terms of an agreement whose customer the suite knows (its pointer names it); nothing when
     * no customer has it yet (its License Updated will).
     */
    public AgreementTerms refreshAgreement(String agreementId) {
        return store.agreement(agreementId).filter(p -> p.customerKey() != null)
                .map(p -> refresh(p.customerKey(), agreementId)).orElse(null);
    }

    /** The stored form of an agreement and its terms; a pure function. */
    static AgreementTerms terms(Agreement agreement, List<AgreementTerm> terms, String sellerAccountId,
            OfferVisibility visibility, Instant readAt) {
        boolean cppo = agreement.channelPartnerOffer(sellerAccountId);
        Boolean autoRenew = null;
        Instant trialEnd = null;
        List<String> summary = new ArrayList<>();
        for (AgreementTerm term : terms) {
            if (term instanceof AgreementTerm.Renewal r) {
                autoRenew = r.autoRenew();
            } else if (term instanceof AgreementTerm.FreeTrial t) {
                trialEnd = plus(agreement.startTime(), t.duration());
                summary.add("free trial " + t.duration());
            } else if (term instanceof AgreementTerm.ConfigurableUpfront c) {
                summary.add("contract " + c.duration() + " " + units(c.units()));
            } else if (term instanceof AgreementTerm.FixedUpfront f) {
                summary.add("fixed " + f.price() + " " + f.currencyCode() + " for " + f.duration());
            } else if (term instanceof AgreementTerm.UsageBased u) {
                summary.add("usage " + u.pricePerDimension().entrySet().stream()
                        .map(e -> e.getKey() + " at " + e.getValue() + " " + u.currencyCode())
                        .collect(Collectors.joining(", ")));
            }
        }
        if (autoRenew != null) {
            summary.add(autoRenew ? "auto-renews" : "does not auto-renew");
        }
        return new AgreementTerms(agreement.agreementId(),
                agreement.productIds().isEmpty() ? null : agreement.productIds().get(0), offerType(cppo, visibility),
                cppo ? agreement.proposerAccountId() : null, agreement.statusText(), agreement.startTime(),
                agreement.endTime(), autoRenew, trialEnd, String.join("; ", summary), readAt);
    }

    /** {@code CPPO}, {@code PUBLIC} or {@code PRIVATE}; {@code SELLER} when the Catalog API could not say. */
    static String offerType(boolean cppo, OfferVisibility visibility) {
        if (cppo) {
            return AgreementTerms.CPPO;
        }
        return switch (visibility) {
            case PUBLIC -> AgreementTerms.PUBLIC_OFFER;
            case PRIVATE -> AgreementTerms.PRIVATE_OFFER;
            case UNKNOWN -> AgreementTerms.SELLER_OFFER;
        };
    }

    private static String units(Map<String, Integer> units) {
        return units.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(", ", "(", ")"));
    }

    /** start + an ISO-8601 period such as {@code P30D}; null when either is missing or unreadable. */
    static Instant plus(Instant start, String duration) {
        if (start == null || duration == null) {
            return null;
        }
        try {
            return start.atOffset(java.time.ZoneOffset.UTC).plus(Period.parse(duration)).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
