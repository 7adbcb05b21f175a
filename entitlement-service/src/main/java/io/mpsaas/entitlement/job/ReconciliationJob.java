package io.mpsaas.entitlement.job;

import io.mpsaas.entitlement.config.EntitlementConfig;
import io.mpsaas.entitlement.service.ReconciliationService;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;

/** Runs the reconciliation on {@code suite.entitlement.reconciliation.cron} unless disabled. */
@ApplicationScoped
public class ReconciliationJob {

    private final ReconciliationService reconciliation;
    private final EntitlementConfig config;

    public ReconciliationJob(ReconciliationService reconciliation, EntitlementConfig config) {
        this.reconciliation = reconciliation;
        this.config = config;
    }

    @Scheduled(identity = "entitlement-reconciliation", cron = "{suite.entitlement.reconciliation.cron}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void run() {
        if (!config.reconciliation().enabled()) {
            return;
        }
        try {
            reconciliation.run(null);
        } catch (ReconciliationService.AlreadyRunningException e) {
            Log.info("Scheduled reconciliation skipped: one started from the admin API is running");
        } catch (RuntimeException e) {
            // the next run tries again; nothing is half-written (every repair is its own transaction)
            Log.errorf(e, "Reconciliation run failed");
        }
    }
}
