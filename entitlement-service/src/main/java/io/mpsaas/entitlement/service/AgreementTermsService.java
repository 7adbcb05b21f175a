package io.mpsaas.entitlement.service;

import io.mpsaas.common.customer.AgreementTerms;
import io.mpsaas.common.marketplace.Agreement;
import io.mpsaas.common.marketplace.AgreementTerm;
import io.mpsaas.common.marketplace.Agreements;
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
 * Reads an agreement's terms from the Agreement API (DescribeAgreement, GetAgreementTerms) and stores them on its
 * customer: on a new, amended or renewed agreement, and from the reconciliation run for customers without them.
 */
@ApplicationScoped
public class AgreementTermsService {

    private final Agreements agreements;
    private final SubscriptionStore store;
    private final EntitlementConfig config;
    private final Clock clock;

    public AgreementTermsService(Agreements agreements, SubscriptionStore store, EntitlementConfig config,
            Clock clock) {
        this.agreements = agreements;
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
        AgreementTerms stored = terms(agreement, terms, config.agreements().sellerAccountId().orElse(null), readAt);
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
     * Reads and stores the terms of an agreement whose customer the suite knows (its pointer names it); nothing when
     * no customer has it yet (its License Updated will).
     */
    public AgreementTerms refreshAgreement(String agreementId) {
        return store.agreement(agreementId).filter(p -> p.customerKey() != null)
                .map(p -> refresh(p.customerKey(), agreementId)).orElse(null);
    }

    /** The stored form of an agreement and its terms; a pure function. */
    static AgreementTerms terms(Agreement agreement, List<AgreementTerm> terms, String sellerAccountId,
            Instant readAt) {
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
                agreement.productIds().isEmpty() ? null : agreement.productIds().get(0), cppo ? AgreementTerms.CPPO : AgreementTerms.SELLER_OFFER,
                cppo ? agreement.proposerAccountId() : null, agreement.statusText(), agreement.startTime(),
                agreement.endTime(), autoRenew, trialEnd, String.join("; ", summary), readAt);
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
