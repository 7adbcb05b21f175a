package io.mpsaas.metering.marketplace;

/**
 * Spaces calls evenly at a given rate (calls per second), across every thread of this replica. AWS's BatchMeterUsage
 * quota (10 per second) is per account and region, so replicas share it: each one gets a slice
 * ({@code suite.metering.job.rate-limit}).
 */
public final class RateLimiter {

    private final long intervalNanos;
    private long nextFree;

    public RateLimiter(double permitsPerSecond) {
        if (!(permitsPerSecond > 0)) {
            throw new IllegalArgumentException("rate must be above 0, was " + permitsPerSecond);
        }
        this.intervalNanos = (long) (1_000_000_000L / permitsPerSecond);
        this.nextFree = System.nanoTime();
    }

    /** Blocks until this caller's slot. */
    public void acquire() {
        long wait;
        synchronized (this) {
            long now = System.nanoTime();
            long slot = Math.max(now, nextFree);
            nextFree = slot + intervalNanos;
            wait = slot - now;
        }
        if (wait > 0) {
            try {
                Thread.sleep(wait / 1_000_000L, (int) (wait % 1_000_000L));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for a BatchMeterUsage slot", e);
            }
        }
    }
}
