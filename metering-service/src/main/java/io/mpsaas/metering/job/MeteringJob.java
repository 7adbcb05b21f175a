package io.mpsaas.metering.job;

import io.mpsaas.metering.config.MeteringConfig;
import io.mpsaas.metering.domain.MeteringWindow;
import io.mpsaas.metering.service.MeteringRunner;
import io.mpsaas.metering.service.SampleTableMigration;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The schedule: every hour (cron {@code suite.metering.job.cron}, by default five minutes past) the closed hours are
 * metered; every {@code suite.metering.job.retry-every} what earlier runs could not settle is tried again. Several
 * replicas may run it at once: leases decide who sends what.
 */
@ApplicationScoped
public class MeteringJob {

    private final MeteringRunner runner;
    private final SampleTableMigration migration;
    private final MeteringConfig config;
    private final Clock clock;

    public MeteringJob(MeteringRunner runner, SampleTableMigration migration, MeteringConfig config, Clock clock) {
        this.runner = runner;
        this.migration = migration;
        this.config = config;
        this.clock = clock;
    }

    @Scheduled(identity = "metering-hourly", cron = "${suite.metering.job.cron:0 5 * * * ?}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void hourly() {
        runNow();
    }

    @Scheduled(identity = "metering-retry", every = "${suite.metering.job.retry-every:10m}", delayed = "1m",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void retry() {
        MeteringRunner.Report report = runner.meterClosedHours(clock.instant(), true);
        if (!report.finished().isEmpty() || report.retryLater() > 0) {
            Log.infof("Metering retry run: %s", report);
        }
    }

    /** One full run: the migration reader (if on), zero-quantity records (if on), then every closed hour. */
    public MeteringRunner.Report runNow() {
        Instant now = clock.instant();
        if (config.migration().enabled()) {
            try {
                migration.run();
            } catch (RuntimeException e) {
                Log.errorf(e, "Reading the AWS sample's metering table failed; metering goes on");
            }
        }
        if (config.zeroUsageRecords()) {
            int created = runner.zeroRecords(MeteringWindow.hourOf(now).minus(Duration.ofHours(1)), now);
            Log.debugf("Created %d zero-quantity aggregates", created);
        }
        MeteringRunner.Report report = runner.meterClosedHours(now, false);
        Log.infof("Metering run: %s", report);
        return report;
    }
}
