package io.mpsaas.common.marketplace;

import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * Paces calls to an AWS Marketplace API within this process: spaces them evenly, at most {@code perSecond} a second and
 * no burst (idle time is not saved up), across every thread that shares the pacer. AWS's quotas (GetEntitlements 20/s,
 * BatchMeterUsage 10/s) are per account and region, so replicas share them: with this pacer each one paces a slice
 * (entitlement's {@code suite.entitlement.reconciliation.max-calls-per-second}, and either service's rate with its
 * {@code shared-pace} off); {@link SharedCallPacer} paces all replicas together (entitlement's
 * {@code suite.entitlement.get-entitlements-rate-limit}, metering's {@code suite.metering.job.rate-limit}) and falls
 * back to this one.
 */
public final class CallPacer implements Pacer {

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

    /** The slot is taken under the lock and waited for outside it, so callers queue fairly. */
    @Override
    public long reserve() {
        return reserveFrom(Long.MIN_VALUE);
    }

    /** {@link #reserve}, no earlier than {@code earliest} on this pacer's clock (another pace's slots taken before). */
    synchronized long reserveFrom(long earliest) {
        long slot = Math.max(Math.max(nanoTime.getAsLong(), nextFree), earliest);
        nextFree = slot + intervalNanos;
        return slot;
    }

    @Override
    public synchronized void throttled() {
        nextFree = Math.max(nextFree, nanoTime.getAsLong()) + intervalNanos;
    }

    @Override
    public void await(long slot) {
        long wait = slot - nanoTime.getAsLong();
        if (wait > 0) {
            sleeper.accept(wait);
        }
    }

    static void sleepNanos(long nanos) {
        try {
            Thread.sleep(nanos / 1_000_000L, (int) (nanos % 1_000_000L));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a paced call's slot", e);
        }
    }
}
