package io.mpsaas.metering.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.mpsaas.metering.domain.AggregateStatus;
import io.mpsaas.metering.domain.RejectionReason;
import io.mpsaas.metering.domain.UsageOutcome;
import io.mpsaas.metering.persistence.DynamoDbCalls;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * metering-service's Prometheus metrics ({@code /q/metrics}; BatchMeterUsage calls, attempts, throttles and latency
 * are common's {@code mpsaas_marketplace_*}):
 * <ul>
 * <li>{@code mpsaas_metering_usage_records_total{source, status, reason}}: usage records accepted, duplicate or
 * rejected (with the {@link RejectionReason});</li>
 * <li>{@code mpsaas_metering_records_total{status}}: hourly records that reached a final status ({@code SENT},
 * {@code DRY_RUN}, {@code NOT_METERED}, {@code CUSTOMER_NOT_SUBSCRIBED}, {@code DUPLICATE_RECORD}, {@code FAILED},
 * {@code EXPIRED});</li>
 * <li>{@code mpsaas_metering_records_retried_total}: records released to a later run after a run could not settle
 * them;</li>
 * <li>gauges {@code mpsaas_metering_records_pending} and {@code mpsaas_metering_records_at_risk} (unsent records of
 * closed hours, and those within {@code warn-before-deadline} of AWS's deadline, as of the last run), and
 * {@code mpsaas_metering_oldest_unmetered_hour_age_seconds} (how long ago the oldest hour with unsent usage started:
 * AWS refuses an hour after 24 h);</li>
 * <li>gauges of AWS's BatchMeterUsage quota, as the last hourly run started: {@code mpsaas_metering_run_calls} (the
 * calls its records take), {@code mpsaas_metering_run_quota_share} (their share of an hour of the quota) and
 * {@code mpsaas_metering_quota_headroom_hours} (hours before a run growing as the runs grew would need all of it;
 * +Inf while not growing); NaN until known;</li>
 * <li>{@code mpsaas_metering_dynamodb_requests_total{operation}} and
 * {@code mpsaas_metering_dynamodb_items_written_total{operation}}: the service's DynamoDB requests and the items they
 * wrote ({@link DynamoDbCalls}).</li>
 * </ul>
 * Every series with a bounded tag set is registered at start, so alerts and dashboards see zeros, not gaps.
 */
@Startup
@ApplicationScoped
public class MeteringMetrics {

    static final String USAGE_RECORDS = "mpsaas.metering.usage.records";
    static final String RECORDS = "mpsaas.metering.records";

    private final MeterRegistry registry;
    private final AtomicLong atRisk = new AtomicLong();
    private final AtomicLong pending = new AtomicLong();
    private final AtomicReference<Instant> oldestUnmeteredHour = new AtomicReference<>();
    private final AtomicReference<Double> runCalls = new AtomicReference<>(Double.NaN);
    private final AtomicReference<Double> runShare = new AtomicReference<>(Double.NaN);
    private final AtomicReference<Double> headroomHours = new AtomicReference<>(Double.NaN);

    public MeteringMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("mpsaas.metering.records.at.risk", atRisk, AtomicLong::get)
                .description("Unsent records within warn-before-deadline of AWS's deadline, as of the last run")
                .register(registry);
        Gauge.builder("mpsaas.metering.records.pending", pending, AtomicLong::get)
                .description("Unsent records of closed hours, as of the last run").register(registry);
        Gauge.builder("mpsaas.metering.oldest.unmetered.hour.age", oldestUnmeteredHour, MeteringMetrics::ageSeconds)
                .description("Seconds since the start of the oldest hour with unsent usage (0: none)")
                .baseUnit("seconds").register(registry);
        Gauge.builder("mpsaas.metering.run.calls", runCalls, AtomicReference::get)
                .description("BatchMeterUsage calls the records of the last hourly run take (25 records each)")
                .register(registry);
        Gauge.builder("mpsaas.metering.run.quota.share", runShare, AtomicReference::get)
                .description("Share of an hour of AWS's BatchMeterUsage quota the last hourly run needs (1: all)")
                .register(registry);
        Gauge.builder("mpsaas.metering.quota.headroom.hours", headroomHours, AtomicReference::get)
                .description("Hours before an hourly run growing as the runs grew would need the whole quota")
                .register(registry);
        for (String operation : DynamoDbCalls.OPERATIONS) {
            FunctionCounter.builder("mpsaas.metering.dynamodb.requests", operation, DynamoDbCalls::requests)
                    .description("DynamoDB requests of this service").tag("operation", operation).register(registry);
            FunctionCounter.builder("mpsaas.metering.dynamodb.items.written", operation, DynamoDbCalls::itemsWritten)
                    .description("DynamoDB items written by this service's successful requests")
                    .tag("operation", operation).register(registry);
        }
        for (String source : List.of(UsageIngestion.SOURCE_API, UsageIngestion.SOURCE_QUEUE)) {
            usageCounter(source, UsageOutcome.Status.ACCEPTED, null);
            usageCounter(source, UsageOutcome.Status.DUPLICATE, null);
            for (RejectionReason reason : RejectionReason.values()) {
                usageCounter(source, UsageOutcome.Status.REJECTED, reason);
            }
        }
        for (AggregateStatus status : AggregateStatus.values()) {
            if (!status.pending()) {
                recordsCounter(status);
            }
        }
        retriedCounter();
    }

    public void usage(UsageOutcome outcome, String source) {
        usageCounter(source, outcome.status(), outcome.reason()).increment();
    }

    public void finished(AggregateStatus status) {
        recordsCounter(status).increment();
    }

    public void retried() {
        retriedCounter().increment();
    }

    /** Unsent aggregates of closed hours, and how many of them are close to their deadline, as of the last run. */
    public void backlog(long pendingCount, long atRiskCount) {
        pending.set(pendingCount);
        atRisk.set(atRiskCount);
    }

    /** What the hourly run now starting needs of the BatchMeterUsage quota, and the headroom left. */
    public void quota(long calls, double share, double hours) {
        runCalls.set((double) calls);
        runShare.set(share);
        headroomHours.set(hours);
    }

    /** The start of the oldest hour with unsent usage; null when everything is sent. */
    public void oldestUnmeteredHour(Instant hour) {
        oldestUnmeteredHour.set(hour);
    }

    private static double ageSeconds(AtomicReference<Instant> hour) {
        Instant h = hour.get();
        return h == null ? 0 : Math.max(0, Duration.between(h, Instant.now()).toSeconds());
    }

    private Counter usageCounter(String source, UsageOutcome.Status status, RejectionReason reason) {
        return Counter.builder(USAGE_RECORDS).description("Usage records by source and outcome")
                .tag("source", source).tag("status", status.name().toLowerCase(Locale.ROOT))
                .tag("reason", reason == null ? "none" : reason.name()).register(registry);
    }

    private Counter recordsCounter(AggregateStatus status) {
        return Counter.builder(RECORDS).description("Hourly metering records by final status")
                .tag("status", status.name()).register(registry);
    }

    private Counter retriedCounter() {
        return Counter.builder("mpsaas.metering.records.retried")
                .description("Records released to a later run after a run could not settle them").register(registry);
    }
}
