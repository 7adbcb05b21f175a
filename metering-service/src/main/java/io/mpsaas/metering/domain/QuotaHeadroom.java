package io.mpsaas.metering.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the hourly metering runs need of AWS's BatchMeterUsage quota (by default 10 calls per second of 25 records per
 * account and region, 36,000 calls or 900,000 records an hour) and how long that lasts if the need keeps growing. A
 * run needs ceil(n/25) calls for the n records of each product and identity model; it cannot finish within its hour
 * once those calls take longer than an hour at the quota's rate (a share of 1).
 */
public final class QuotaHeadroom {

    /** Records of one BatchMeterUsage call. */
    public static final int RECORDS_PER_CALL = 25;

    private static final double SECONDS_PER_HOUR = 3600;

    /**
     * One hourly run's need.
     *
     * @param hour    the hour the run started in
     * @param calls   the BatchMeterUsage calls its records take
     * @param records the records it had to send
     */
    public record RunNeed(Instant hour, long calls, long records) {
    }

    private QuotaHeadroom() {
    }

    /** The calls records take: ceil(n/25) for each send group (one product and identity model). */
    public static long calls(Map<String, Long> recordsPerGroup) {
        long calls = 0;
        for (long n : recordsPerGroup.values()) {
            calls += (n + RECORDS_PER_CALL - 1) / RECORDS_PER_CALL;
        }
        return calls;
    }

    /** The share of an hour of the quota ({@code callsPerSecond}) that {@code calls} take. */
    public static double share(long calls, double callsPerSecond) {
        return calls / (callsPerSecond * SECONDS_PER_HOUR);
    }

    /**
     * Hours until the busiest hourly run of the last day would need the whole quota, if the need keeps growing as it
     * grew over {@code runs} (a least-squares line through their shares): 0 once a run needed all of it, +Inf while
     * the need does not grow, NaN while fewer than two runs an hour apart or more are known.
     */
    public static double hoursLeft(List<RunNeed> runs, double callsPerSecond, Instant now) {
        if (runs.size() < 2) {
            return Double.NaN;
        }
        double n = runs.size();
        double sumT = 0;
        double sumS = 0;
        Instant first = runs.get(0).hour();
        Instant last = first;
        for (RunNeed r : runs) {
            first = r.hour().isBefore(first) ? r.hour() : first;
            last = r.hour().isAfter(last) ? r.hour() : last;
        }
        for (RunNeed r : runs) {
            sumT += hours(first, r.hour());
            sumS += share(r.calls(), callsPerSecond);
        }
        if (hours(first, last) < 1) {
            return Double.NaN;
        }
        double meanT = sumT / n;
        double meanS = sumS / n;
        double covariance = 0;
        double variance = 0;
        double peak = 0;
        Instant dayAgo = now.minus(Duration.ofHours(24));
        for (RunNeed r : runs) {
            double t = hours(first, r.hour()) - meanT;
            double s = share(r.calls(), callsPerSecond);
            covariance += t * (s - meanS);
            variance += t * t;
            if (!r.hour().isBefore(dayAgo) || r.hour().equals(last)) {
                peak = Math.max(peak, s);
            }
        }
        if (peak >= 1) {
            return 0;
        }
        double slope = covariance / variance;
        return slope > 0 ? (1 - peak) / slope : Double.POSITIVE_INFINITY;
    }

    private static double hours(Instant from, Instant to) {
        return Duration.between(from, to).toSeconds() / SECONDS_PER_HOUR;
    }
}
