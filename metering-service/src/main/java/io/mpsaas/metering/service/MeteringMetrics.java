package io.mpsaas.metering.service;

import io.micrometer.core.instrument.MeterRegistry;
import io.mpsaas.metering.domain.AggregateStatus;
import io.mpsaas.metering.domain.UsageOutcome;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The service's Prometheus metrics ({@code /q/metrics}). Alert on {@code metering_records_expired_total},
 * {@code metering_records_duplicate_total} (never expected) and {@code metering_records_at_risk} (unsent records close
 * to AWS's deadline).
 */
@ApplicationScoped
public class MeteringMetrics {

    private final MeterRegistry registry;
    private final AtomicLong atRisk = new AtomicLong();
    private final AtomicLong pending = new AtomicLong();

    public MeteringMetrics(MeterRegistry registry) {
        this.registry = registry;
        registry.gauge("metering.records.at.risk", atRisk);
        registry.gauge("metering.records.pending", pending);
    }

    public void usage(UsageOutcome outcome, String source) {
        registry.counter("metering.usage.records", "source", source, "status", outcome.status().name().toLowerCase(),
                "reason", outcome.reason() == null ? "none" : outcome.reason().name()).increment();
    }

    public void finished(AggregateStatus status) {
        registry.counter("metering.records.finished", "status", status.name()).increment();
        if (status == AggregateStatus.EXPIRED) {
            registry.counter("metering.records.expired").increment();
        } else if (status == AggregateStatus.DUPLICATE_RECORD) {
            registry.counter("metering.records.duplicate").increment();
        }
    }

    public void retried() {
        registry.counter("metering.records.retried").increment();
    }

    /** Unsent aggregates of closed hours, and how many of them are close to their deadline, as of the last run. */
    public void backlog(long pendingCount, long atRiskCount) {
        pending.set(pendingCount);
        atRisk.set(atRiskCount);
    }
}
