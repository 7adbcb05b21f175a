package io.mpsaas.entitlement.service;

import java.util.function.LongConsumer;

/**
 * Spaces calls evenly: at most {@code perSecond} per second, no bursts, across every thread that shares it (the
 * reconciliation run's own pace, and every GetEntitlements call of the replica).
 */
public final class RateLimiter {

    private final long intervalNanos;
    private final java.util.function.LongSupplier nanoTime;
    private final LongConsumer sleeper;
    private long next;

    public RateLimiter(double perSecond) {
        this(perSecond, System::nanoTime, RateLimiter::sleepNanos);
    }

    RateLimiter(double perSecond, java.util.function.LongSupplier nanoTime, LongConsumer sleeper) {
        if (!(perSecond > 0)) {
            throw new IllegalArgumentException("rate must be positive, not " + perSecond);
        }
        this.intervalNanos = (long) (1_000_000_000L / perSecond);
        this.nanoTime = nanoTime;
        this.sleeper = sleeper;
        this.next = nanoTime.getAsLong();
    }

    /** Waits for the next slot: the slot is taken under the lock, the wait is outside it, so callers queue fairly. */
    public void acquire() {
        long wait;
        synchronized (this) {
            long now = nanoTime.getAsLong();
            long slot = Math.max(now, next);
            next = slot + intervalNanos;
            wait = slot - now;
        }
        if (wait > 0) {
            sleeper.accept(wait);
        }
    }

    private static void sleepNanos(long nanos) {
        try {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
