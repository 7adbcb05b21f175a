package io.mpsaas.metering.job;

import io.mpsaas.metering.persistence.UsageTable;
import io.mpsaas.metering.service.MeteringMetrics;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Optional;

/**
 * Refreshes {@code mpsaas_metering_oldest_unmetered_hour_age_seconds} every {@code suite.ops.gauges.refresh-every}
 * (one Query of one item per index shard), between metering runs too, so an alert fires well before AWS's 24 hours
 * run out even when the job itself has stopped.
 */
@ApplicationScoped
public class UnmeteredUsageGauge {

    private final UsageTable table;
    private final MeteringMetrics metrics;

    public UnmeteredUsageGauge(UsageTable table, MeteringMetrics metrics) {
        this.table = table;
        this.metrics = metrics;
    }

    @Scheduled(identity = "metering-oldest-unmetered-gauge", every = "{suite.ops.gauges.refresh-every}",
            delayed = "{suite.ops.gauges.first-refresh-after}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        try {
            refresh();
        } catch (RuntimeException e) {
            // the gauge keeps its last value; readiness reports DynamoDB itself
            Log.debugf("Could not read the oldest unmetered hour: %s", e.toString());
        }
    }

    /** Reads the oldest hour with unsent usage now and answers it. */
    public Optional<Instant> refresh() {
        Optional<Instant> oldest = table.oldestPendingHour();
        metrics.oldestUnmeteredHour(oldest.orElse(null));
        return oldest;
    }
}
