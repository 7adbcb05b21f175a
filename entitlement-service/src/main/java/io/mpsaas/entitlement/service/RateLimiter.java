package io.mpsaas.entitlement.service;

import java.util.function.LongConsumer;

/**
 * Spaces calls evenly: at most {@code perSecond} per second, no bursts. Blocking, for the single reconciliation
 * thread.
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

    /** Waits for the next slot. */
    public synchronized void acquire() {
        long now = nanoTime.getAsLong();
        if (next > now) {
            sleeper.accept(next - now);
            now = next;
        }
        next = now + intervalNanos;
    }

    private static void sleepNanos(long nanos) {
        try {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
