package io.mpsaas.metering.service;

import io.mpsaas.metering.config.MeteringConfig;
import io.mpsaas.metering.domain.MeteringWindow;
import io.mpsaas.metering.domain.QuotaHeadroom;
import io.mpsaas.metering.persistence.UsageTable;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * Keeps the BatchMeterUsage quota in view: once each hourly run has read its pending list, stores what the run needs
 * (the usage table, one item per hour, shared by the replicas) and updates the gauges of the share of the quota it
 * needs and of the hours left before a run growing as the runs of {@code suite.metering.quota.trend-window} grew would
 * need all of it.
 */
@ApplicationScoped
public class QuotaTracker implements MeteringRunner.QuotaListener {

    private final UsageTable table;
    private final MeteringMetrics metrics;
    private final MeteringConfig.Quota config;

    public QuotaTracker(UsageTable table, MeteringMetrics metrics, MeteringConfig config) {
        this.table = table;
        this.metrics = metrics;
        this.config = config.quota();
        if (!(this.config.callsPerSecond() > 0)) {
            throw new IllegalStateException("suite.metering.quota.calls-per-second must be above 0, is "
                    + this.config.callsPerSecond());
        }
    }

    @Override
    public void hourlyRun(Instant now, long calls, long records) {
        QuotaHeadroom.RunNeed need = new QuotaHeadroom.RunNeed(MeteringWindow.hourOf(now), calls, records);
        double share = QuotaHeadroom.share(calls, config.callsPerSecond());
        table.recordRunNeed(need, now, config.trendWindow().plus(Duration.ofDays(1)));
        List<QuotaHeadroom.RunNeed> history = table.runNeeds(need.hour().minus(config.trendWindow()));
        double hoursLeft = QuotaHeadroom.hoursLeft(history, config.callsPerSecond(), now);
        metrics.quota(calls, share, hoursLeft);
        String headroom = Double.isNaN(hoursLeft) ? "not known yet (fewer than two hourly runs an hour apart)"
                : Double.isInfinite(hoursLeft) ? "not shrinking"
                : String.format(Locale.ROOT, "%.0f hours at the growth of the last %s", hoursLeft,
                        config.trendWindow());
        String line = String.format(Locale.ROOT, "Hourly run: %d records in %d BatchMeterUsage calls, %.1f%% of the"
                + " quota (%s calls/s); headroom %s", records, calls, 100 * share, config.callsPerSecond(), headroom);
        if (share > 0.8 || hoursLeft < 24 * 30) {
            Log.warn(line + ": ask AWS for a higher BatchMeterUsage quota (README, Quota headroom)");
        } else {
            Log.info(line);
        }
    }
}
