package io.mpsaas.entitlement.service;

import io.mpsaas.common.customer.AgreementTerms;
import io.mpsaas.common.customer.CustomerRecord;
import io.mpsaas.common.customer.SubscriptionState;
import io.mpsaas.common.messaging.CustomerEvent;
import io.mpsaas.common.messaging.CustomerIds;
import io.mpsaas.entitlement.config.EntitlementConfig;
import io.mpsaas.entitlement.messaging.EffectSender;
import io.mpsaas.entitlement.messaging.Effects;
import io.mpsaas.entitlement.persistence.CommitOutcome;
import io.mpsaas.entitlement.persistence.InboxEntry;
import io.mpsaas.entitlement.persistence.SubscriptionStore;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Customer events about an agreement's dates, computed from the stored terms: {@code customer-agreement-ending}
 * before a contract without auto-renewal ends, {@code customer-free-trial-converted} once a free trial ended while
 * the buyer is still subscribed. Each is sent once per agreement: its inbox entry ({@code notice#<type>#<agreement>})
 * is written with {@code attribute_not_exists(pk)} and carries the event until it is sent, like a notification's
 * effects, so several replicas, a run again and a crash between commit and send never send it twice nor lose it.
 */
@ApplicationScoped
public class AgreementNoticeService {

    /** What one pass found and sent. */
    public record Report(int customersRead, int endingSent, int trialConversionsSent) {
    }

    /** How old the stored terms of a contract about to end may be before they are read again. */
    static final Duration RENEWAL_REREAD_AFTER = Duration.ofDays(1);

    private final SubscriptionStore store;
    private final EffectSender sender;
    private final AgreementTermsService terms;
    private final EntitlementConfig config;
    private final Clock clock;

    public AgreementNoticeService(SubscriptionStore store, EffectSender sender, AgreementTermsService terms,
            EntitlementConfig config, Clock clock) {
        this.store = store;
        this.sender = sender;
        this.terms = terms;
        this.config = config;
        this.clock = clock;
    }

    /**
     * One pass over the customers of each product ({@code products}, or those of the reconciliation's setting or the
     * customers table): every customer item is read once (Query on {@code gsi2}, page by page).
     */
    public Report run(List<String> products) {
        List<String> codes = products != null ? products : ReconciliationService.products(config, store);
        int read = 0;
        int ending = 0;
        int converted = 0;
        for (String product : codes) {
            for (CustomerRecord customer : (Iterable<CustomerRecord>) store.customersOfProduct(product)::iterator) {
                read++;
                Instant now = clock.instant();
                try {
                    customer = withFreshRenewalChoice(customer, now);
                    Optional<CustomerEvent> endingSoon = endingNotice(customer, now);
                    if (endingSoon.isPresent()
                            && announce(customer, endingSoon.get(), customer.agreementTerms().endsAt())) {
                        ending++;
                    }
                    Optional<CustomerEvent> trial = trialConverted(customer, now);
                    if (trial.isPresent() && announce(customer, trial.get(), now)) {
                        converted++;
                    }
                } catch (RuntimeException e) {
                    // a committed notice is sent by the reconciliation's pending-effects pass; an uncommitted one is
                    // found again by the next run
                    Log.warnf("Agreement notice for customer %s (product %s) failed: %s", customer.key(), product,
                            e.toString());
                }
            }
        }
        if (ending + converted > 0) {
            Log.infof("Agreement notices: %d customers read, %d ending notices and %d free-trial conversions sent",
                    read, ending, converted);
        }
        return new Report(read, ending, converted);
    }

    /**
     * A buyer may turn auto-renewal off at any time, and AWS sends the manufacturer no event for it: the terms of a
     * contract within the notice that still say it renews are read again when older than a day (two Agreement API
     * calls per such contract and day).
     */
    private CustomerRecord withFreshRenewalChoice(CustomerRecord customer, Instant now) {
        AgreementTerms stored = currentTerms(customer);
        if (stored == null || !Boolean.TRUE.equals(stored.autoRenew()) || !live(customer)
                || !endsWithinNotice(stored, now)
                || (stored.readAt() != null && stored.readAt().isAfter(now.minus(RENEWAL_REREAD_AFTER)))) {
            return customer;
        }
        terms.refresh(customer.key(), stored.agreementId());
        return store.customer(customer.key()).orElse(customer);
    }

    /** The ending notice due now, if any: a live customer's current contract, not renewing, ending soon. */
    Optional<CustomerEvent> endingNotice(CustomerRecord customer, Instant now) {
        AgreementTerms terms = currentTerms(customer);
        if (terms == null || !terms.endsWithoutRenewal() || !live(customer) || !endsWithinNotice(terms, now)) {
            return Optional.empty();
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("agreementId", terms.agreementId());
        details.put("endsAt", terms.endsAt().toString());
        details.put("autoRenew", Boolean.TRUE.equals(terms.autoRenew()));
        details.put("offerType", terms.offerType());
        return Optional.of(event(CustomerEvent.CUSTOMER_AGREEMENT_ENDING, customer, terms, now, details));
    }

    /** The conversion notice due now, if any: the free trial ended (lately) and the customer is still subscribed. */
    Optional<CustomerEvent> trialConverted(CustomerRecord customer, Instant now) {
        AgreementTerms terms = currentTerms(customer);
        if (terms == null || terms.freeTrialEndsAt() == null || !live(customer)
                || now.isBefore(terms.freeTrialEndsAt())
                || now.isAfter(terms.freeTrialEndsAt().plus(config.agreements().trialConversionLookback()))) {
            return Optional.empty();
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("agreementId", terms.agreementId());
        details.put("freeTrialEndedAt", terms.freeTrialEndsAt().toString());
        details.put("offerType", terms.offerType());
        return Optional.of(event(CustomerEvent.CUSTOMER_FREE_TRIAL_CONVERTED, customer, terms, now, details));
    }

    /** Whether the agreement ends after {@code now}, within {@code suite.entitlement.agreements.ending-notice}. */
    private boolean endsWithinNotice(AgreementTerms terms, Instant now) {
        return terms.endsAt() != null && now.isBefore(terms.endsAt())
                && !now.isBefore(terms.endsAt().minus(config.agreements().endingNotice()));
    }

    /** The stored terms when they are those of the customer's current, active agreement. */
    private static AgreementTerms currentTerms(CustomerRecord customer) {
        AgreementTerms terms = customer.agreementTerms();
        if (terms == null || !"ACTIVE".equals(terms.status())
                || (customer.agreementId() != null && !customer.agreementId().equals(terms.agreementId()))) {
            return null;
        }
        return terms;
    }

    private static boolean live(CustomerRecord customer) {
        SubscriptionState state = customer.state();
        return state == SubscriptionState.ACTIVE || state == SubscriptionState.FREE_TRIAL;
    }

    private static CustomerEvent event(String type, CustomerRecord customer, AgreementTerms terms, Instant now,
            Map<String, Object> details) {
        CustomerIds ids = CustomerIds.of(customer);
        return new CustomerEvent(type, SubscriptionService.stableId(type, terms.agreementId(),
                ids.customerKey()), now, ids, customer.state(), details);
    }

    /**
     * Writes the notice's inbox entry (only the first writer of an agreement's notice wins), then sends it. An entry
     * left unsent by a crash is sent by the reconciliation run's pending-effects pass.
     *
     * @return whether this call sent it
     */
    private boolean announce(CustomerRecord customer, CustomerEvent event, Instant keepUntilAtLeast) {
        String agreementId = (String) event.details().get("agreementId");
        String dedupeKey = "notice#" + event.type() + "#" + agreementId;
        Instant now = clock.instant();
        Effects effects = new Effects(List.of(event), List.of());
        // kept while the notice could still be due (until the contract's end, or the lookback), so it is never
        // computed due again after the inbox forgot it
        Instant expiresAt = later(now.plus(config.inbox().retention()),
                keepUntilAtLeast.plus(config.agreements().trialConversionLookback()).plus(config.inbox().retention()));
        SubscriptionStore.Commit commit = store.newCommit();
        store.inboxEntry(commit, new InboxEntry(dedupeKey, InboxEntry.Status.APPLIED, event.type(), customer.key(),
                event.type() + " for agreement " + agreementId, sender.toJson(effects), now), expiresAt);
        CommitOutcome outcome = store.commit(commit);
        if (outcome != CommitOutcome.COMMITTED) {
            // another replica (or an earlier run) has it: it sends it, or has
            return false;
        }
        sender.send(effects);
        store.markDone(dedupeKey, clock.instant());
        Log.infof("Sent %s for customer %s (product %s, agreement %s)", event.type(), customer.key(),
                customer.productCode(), agreementId);
        return true;
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}
