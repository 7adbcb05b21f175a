package io.mpsaas.entitlement.service;

import io.mpsaas.common.customer.AgreementTerms;
import io.mpsaas.common.customer.CustomerRecord;
import io.mpsaas.common.logging.CustomerMdc;
import io.mpsaas.common.marketplace.CallPacer;
import io.mpsaas.common.marketplace.MarketplaceException;
import io.mpsaas.common.messaging.CustomerIds;
import io.mpsaas.entitlement.config.EntitlementConfig;
import io.mpsaas.entitlement.persistence.SubscriptionStore;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Repairs what lost notifications left wrong: re-reads the entitlements of every known customer of each product
 * (GSI {@code gsi2}), rate-limited well under the 20 TPS GetEntitlements quota, rewrites drifted ones and publishes
 * {@code customer-entitlements-changed}. It also sends again the effects of messages whose change was committed but
 * whose events were never confirmed sent. One run at a time per replica.
 */
@ApplicationScoped
public class ReconciliationService {

    private final SubscriptionService subscriptions;
    private final AgreementTermsService terms;
    private final AgreementDiscovery discovery;
    private final SubscriptionStore store;
    private final EntitlementConfig config;
    private final Clock clock;
    private final AtomicBoolean running = new AtomicBoolean();

    public ReconciliationService(SubscriptionService subscriptions, AgreementTermsService terms,
            AgreementDiscovery discovery, SubscriptionStore store, EntitlementConfig config, Clock clock) {
        this.discovery = discovery;
        this.subscriptions = subscriptions;
        this.terms = terms;
        this.store = store;
        this.config = config;
        this.clock = clock;
    }

    /**
     * The products a pass over every customer visits: {@code suite.entitlement.reconciliation.product-codes}, or
     * (unset) every product of the customers table.
     */
    static List<String> products(EntitlementConfig config, SubscriptionStore store) {
        return config.reconciliation().productCodes().orElseGet(() -> new ArrayList<>(store.productCodes()));
    }

    /** Thrown when a run is asked for while one is going. */
    public static class AlreadyRunningException extends RuntimeException {
        public AlreadyRunningException() {
            super("a reconciliation run is in progress");
        }
    }

    /**
     * One run over the given products, or (null) the configured ones, or every product of the customers table.
     */
    public ReconciliationReport run(List<String> onlyProducts) {
        if (!running.compareAndSet(false, true)) {
            throw new AlreadyRunningException();
        }
        try {
            return doRun(onlyProducts);
        } finally {
            running.set(false);
        }
    }

    private ReconciliationReport doRun(List<String> onlyProducts) {
        Instant started = clock.instant();
        int resent = subscriptions.resendPendingEffects(started.minus(config.inbox().pendingEffectsAfter()));
        List<String> products = onlyProducts != null ? onlyProducts : products(config, store);
        CallPacer pacer = new CallPacer(config.reconciliation().maxCallsPerSecond());
        AtomicInteger checked = new AtomicInteger();
        AtomicInteger repaired = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        int searched = 0;
        int adopted = 0;
        int ended = 0;
        for (String product : products) {
            Optional<String> productId = productId(product);
            if (productId.isPresent()) {
                // first: agreements never heard of become customers, so the entitlement pass below reads them too
                try {
                    AgreementDiscovery.Found found = discovery.discover(product, productId.get(), pacer);
                    searched += found.searched();
                    adopted += found.adopted();
                    ended += found.ended();
                } catch (RuntimeException e) {
                    failed.incrementAndGet();
                    Log.warnf("Reconciliation could not search the agreements of product %s (%s): %s", product,
                            productId.get(), e.toString());
                }
            }
            store.customersOfProduct(product).filter(ReconciliationService::worthChecking).forEach(customer -> {
                pacer.acquire();
                try (CustomerMdc ignored = CustomerMdc.of(CustomerIds.of(customer))) {
                    if (subscriptions.reconcile(customer)) {
                        repaired.incrementAndGet();
                    }
                    if (termsToRead(customer)) {
                        // the notification path could not read them (failed, dropped, or before this feature), or
                        // the Catalog API could not tell the offer's visibility: read them now, in the run's pace
                        pacer.acquire();
                        terms.refresh(customer.key(), customer.agreementId());
                    }
                    checked.incrementAndGet();
                } catch (MarketplaceException | ConcurrentUpdateException e) {
                    failed.incrementAndGet();
                    Log.warnf("Reconciliation could not check customer %s (product %s): %s", customer.key(), product,
                            e.toString());
                }
            });
        }
        ReconciliationReport report = new ReconciliationReport(started, clock.instant(), List.copyOf(products),
                checked.get(), repaired.get(), failed.get(), resent, searched, adopted, ended);
        Log.infof("Reconciliation: %d customers of %d products checked, %d repaired, %d failed, %d effects resent; "
                + "%d agreements searched, %d adopted, %d ended", report.checked(), products.size(),
                report.repaired(), report.failed(), report.effectsResent(), searched, adopted, ended);
        return report;
    }

    /**
     * The product's catalog id: configured ({@code suite.entitlement.products."<code>".product-id}), or learned from
     * the stored agreement terms of any of its customers; empty when neither (no agreement search then).
     */
    Optional<String> productId(String productCode) {
        Optional<String> configured = Optional.ofNullable(config.products().get(productCode))
                .flatMap(EntitlementConfig.Product::productId);
        if (configured.isPresent() || !terms.enabled()) {
            return configured;
        }
        return store.customersOfProduct(productCode).map(CustomerRecord::agreementTerms)
                .filter(t -> t != null && t.productId() != null).map(AgreementTerms::productId).findFirst();
    }

    /**
     * A live customer whose agreement is known and whose stored terms are not known good: never stored, of another
     * (older) agreement, read before the customer's last entitlement change (the read after a new, amended or renewed
     * agreement's notification failed, was dropped from a full queue or lost in a restart), or with the offer's
     * visibility unknown ({@code SELLER}: the Catalog API failed when they were read).
     */
    boolean termsToRead(CustomerRecord customer) {
        if (!terms.enabled() || customer.agreementId() == null || customer.state().ended()) {
            return false;
        }
        AgreementTerms stored = customer.agreementTerms();
        return stored == null || !customer.agreementId().equals(stored.agreementId())
                || readBefore(stored, customer.entitlementsRefreshedAt())
                || AgreementTerms.SELLER_OFFER.equals(stored.offerType());
    }

    private static boolean readBefore(AgreementTerms stored, Instant entitlementsRefreshedAt) {
        return entitlementsRefreshedAt != null && (stored.readAt() == null
                || stored.readAt().isBefore(entitlementsRefreshedAt));
    }

    /** Ended subscriptions with nothing stored are settled: skip them and spare the quota. */
    static boolean worthChecking(CustomerRecord customer) {
        return !customer.state().ended() || !customer.entitlements().isEmpty();
    }
}
