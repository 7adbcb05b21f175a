package io.mpsaas.common.marketplace;

import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * Paces calls to an AWS Marketplace API: spaces them evenly, at most {@code perSecond} a second and no burst (idle time
 * is not saved up), across every thread that shares the pacer. AWS's quotas (GetEntitlements 20/s, BatchMeterUsage
 * 10/s) are per account and region, so replicas share them: each one paces a slice (entitlement's
 * {@code suite.entitlement.get-entitlements-rate-limit} and {@code suite.entitlement.reconciliation.max-calls-per-second},
 * metering's {@code suite.metering.job.rate-limit}).
 */
public final class CallPacer {

    private final long intervalNanos;
    private final LongSupplier nanoTime;
    private final LongConsumer sleeper;
    private long nextFree;

    public CallPacer(double perSecond) {
        this(perSecond, System::nanoTime, CallPacer::sleepNanos);
    }

    /** A pacer on another clock and sleeper (tests). */
    CallPacer(double perSecond, LongSupplier nanoTime, LongConsumer sleeper) {
        if (!(perSecond > 0)) {
            throw new IllegalArgumentException("rate must be above 0, was " + perSecond);
        }
        this.intervalNanos = (long) (1_000_000_000L / perSecond);
        this.nanoTime = nanoTime;
        this.sleeper = sleeper;
        this.nextFree = nanoTime.getAsLong();
    }

    /** Blocks until this caller's slot (taken under the lock, waited for outside it, so callers queue fairly). */
    public void acquire() {
        await(reserve());
    }

    /**
     * Takes the next slot without waiting for it: the clock's time at which the caller may call. Slots go in the order
     * they are reserved, so calls reserved in order start in order.
     */
    public synchronized long reserve() {
        long slot = Math.max(nanoTime.getAsLong(), nextFree);
        nextFree = slot + intervalNanos;
        return slot;
    }

    /**
     * AWS throttled a call anyway (another replica's calls, the network's jitter): its retry will come on top of the
     * calls this pacer spaces, so the next slot is left free for it rather than let the two collide again.
     */
    public synchronized void throttled() {
        nextFree = Math.max(nextFree, nanoTime.getAsLong()) + intervalNanos;
    }

    /** Blocks until a reserved slot. */
    public void await(long slot) {
        long wait = slot - nanoTime.getAsLong();
        if (wait > 0) {
            sleeper.accept(wait);
        }
    }

    private static void sleepNanos(long nanos) {
        try {
            Thread.sleep(nanos / 1_000_000L, (int) (nanos % 1_000_000L));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a paced call's slot", e);
        }
    }
}
