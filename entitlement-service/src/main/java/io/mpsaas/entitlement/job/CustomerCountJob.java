package io.mpsaas.entitlement.job;

import io.mpsaas.entitlement.config.EntitlementConfig;
import io.mpsaas.entitlement.persistence.SubscriptionStore;
import io.mpsaas.entitlement.service.EntitlementMetrics;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Counts customers by subscription state every {@code suite.entitlement.metrics.customer-count-every} for
 * {@code mpsaas_entitlement_customers{state}}: one Scan of the customers table returning only the state, at most
 * {@code customer-count-max-items} items.
 */
@ApplicationScoped
public class CustomerCountJob {

    private final SubscriptionStore store;
    private final EntitlementMetrics metrics;
    private final EntitlementConfig config;

    public CustomerCountJob(SubscriptionStore store, EntitlementMetrics metrics, EntitlementConfig config) {
        this.store = store;
        this.metrics = metrics;
        this.config = config;
    }

    @Scheduled(identity = "entitlement-customer-count", every = "{suite.entitlement.metrics.customer-count-every}",
            delayed = "{suite.ops.gauges.first-refresh-after}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        try {
            count();
        } catch (RuntimeException e) {
            // the gauges keep the last count; readiness reports DynamoDB itself
            Log.warnf("Counting customers by state failed (%s); the gauges keep the last count", e.toString());
        }
    }

    /** Counts now and updates the gauges. */
    public SubscriptionStore.StateCount count() {
        int max = config.metrics().customerCountMaxItems();
        SubscriptionStore.StateCount count = store.countByState(max);
        metrics.customers(count.byState());
        if (!count.complete()) {
            Log.warnf("Customer count stopped after %d items (suite.entitlement.metrics.customer-count-max-items=%d):"
                    + " mpsaas_entitlement_customers counts only those", count.itemsRead(), max);
        }
        return count;
    }
}
