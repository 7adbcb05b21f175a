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
        await(reserve());
    }

    /**
     * Takes the next slot without waiting for it: the {@link System#nanoTime()} at which the caller may call. Slots go
     * in the order they are reserved, so calls reserved in order start in order.
     */
    public synchronized long reserve() {
        long slot = Math.max(System.nanoTime(), nextFree);
        nextFree = slot + intervalNanos;
        return slot;
    }

    /**
     * AWS throttled a call anyway (another replica's calls, the network's jitter): its retry will come on top of the
     * calls this limiter paces, so the next slot is left free for it rather than let the two collide again.
     */
    public synchronized void throttled() {
        nextFree = Math.max(nextFree, System.nanoTime()) + intervalNanos;
    }

    /** Blocks until a reserved slot. */
    public static void await(long slot) {
        long wait = slot - System.nanoTime();
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
