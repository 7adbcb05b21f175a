package io.mpsaas.bench;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * An open-model load generator: requests start at a fixed rate whatever the answers do, and each latency is measured
 * from the moment the request was <em>due</em> (not from when it was actually sent), so a stalled server or a late
 * generator counts as waiting time instead of hiding it (coordinated omission, as wrk2 corrects it).
 */
public final class OpenLoad {

    /** What one run measured. Latencies in microseconds. */
    public record Result(int ratePerSecond, Duration duration, long sent, long ok, long failed, Histogram latency,
            double achievedPerSecond, long maxLateStartMicros) {

        public double p(double percentile) {
            return latency.getTotalCount() == 0 ? Double.NaN : latency.getValueAtPercentile(percentile) / 1000.0;
        }

        public double p50() {
            return p(50);
        }

        public double p99() {
            return p(99);
        }

        public double p999() {
            return p(99.9);
        }

        public double maxMillis() {
            return latency.getTotalCount() == 0 ? Double.NaN : latency.getMaxValue() / 1000.0;
        }
    }

    private OpenLoad() {
    }

    /**
     * Starts {@code call} {@code ratePerSecond} times per second for {@code duration}, then waits up to
     * {@code drain} for the outstanding answers (those still missing count as failed, at the drain time).
     *
     * @param call starts one request and completes with {@code true} for a good answer
     */
    public static Result run(int ratePerSecond, Duration duration, Duration drain,
            Supplier<CompletableFuture<Boolean>> call) {
        long total = Math.max(1, ratePerSecond * duration.toMillis() / 1000);
        long interval = 1_000_000_000L / ratePerSecond;
        Recorder recorder = new Recorder(3_600_000_000L, 3);
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicLong lastDone = new AtomicLong();
        CountDownLatch outstanding = new CountDownLatch((int) total);
        long maxLate = 0;
        long start = System.nanoTime() + 1_000_000L;
        for (long i = 0; i < total; i++) {
            long due = start + i * interval;
            long now;
            while ((now = System.nanoTime()) < due) {
                LockSupport.parkNanos(due - now);
            }
            maxLate = Math.max(maxLate, now - due);
            CompletableFuture<Boolean> answer;
            try {
                answer = call.get();
            } catch (RuntimeException e) {
                answer = CompletableFuture.failedFuture(e);
            }
            answer.whenComplete((good, error) -> {
                long done = System.nanoTime();
                recorder.recordValue(Math.max(1, (done - due) / 1000));
                if (error == null && Boolean.TRUE.equals(good)) {
                    ok.incrementAndGet();
                } else {
                    failed.incrementAndGet();
                }
                lastDone.accumulateAndGet(done, Math::max);
                outstanding.countDown();
            });
        }
        try {
            if (!outstanding.await(drain.toMillis(), TimeUnit.MILLISECONDS)) {
                long missing = outstanding.getCount();
                long late = (System.nanoTime() - start - (total - 1) * interval) / 1000;
                for (long i = 0; i < missing; i++) {
                    recorder.recordValue(Math.max(1, late));
                }
                failed.addAndGet(missing);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        long elapsed = Math.max(1, lastDone.get() - start);
        return new Result(ratePerSecond, duration, total, ok.get(), failed.get(), recorder.getIntervalHistogram(),
                ok.get() * 1e9 / elapsed, maxLate / 1000);
    }
}
