package io.mpsaas.entitlement.job;

import io.mpsaas.entitlement.config.EntitlementConfig;
import io.mpsaas.entitlement.service.AgreementNoticeService;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Looks for agreements to announce (a contract ending without renewal, a free trial converted) on
 * {@code suite.entitlement.agreements.notice-cron}; every replica may run it, each notice is sent once.
 */
@ApplicationScoped
public class AgreementNoticeJob {

    private final AgreementNoticeService notices;
    private final EntitlementConfig config;

    public AgreementNoticeJob(AgreementNoticeService notices, EntitlementConfig config) {
        this.notices = notices;
        this.config = config;
    }

    @Scheduled(identity = "entitlement-agreement-notices", cron = "{suite.entitlement.agreements.notice-cron}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void run() {
        if (!config.agreements().enabled()) {
            return;
        }
        try {
            notices.run(null);
        } catch (RuntimeException e) {
            // the next run finds what this one did not send
            Log.errorf(e, "Agreement notice run failed");
        }
    }
}
