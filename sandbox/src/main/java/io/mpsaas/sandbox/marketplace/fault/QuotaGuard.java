package io.mpsaas.sandbox.marketplace.fault;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Sliding-window request counter per operation. Uses real (monotonic) time, not the simulator clock, because
 * quotas are about call rate and must not jump when a test moves simulator time.
 */
public final class QuotaGuard {

    private final LongSupplier nanoTime;
    private final Map<Operation, Deque<Long>> calls = new EnumMap<>(Operation.class);
    private final QuotaSettings initial;
    private QuotaSettings settings;

    public QuotaGuard(QuotaSettings settings) {
        this(settings, System::nanoTime);
    }

    QuotaGuard(QuotaSettings settings, LongSupplier nanoTime) {
        this.initial = settings;
        this.settings = settings;
        this.nanoTime = nanoTime;
        for (Operation o : Operation.values()) {
            calls.put(o, new ArrayDeque<>());
        }
    }

    public synchronized QuotaSettings settings() {
        return settings;
    }

    public synchronized void apply(QuotaSettings value) {
        settings = value;
        calls.values().forEach(Deque::clear);
    }

    public synchronized void reset() {
        apply(initial);
    }

    /** Counts the call and answers whether it is within the quota (a refused call does not count). */
    public synchronized boolean tryAcquire(Operation operation) {
        int limit = settings.limitOf(operation);
        if (!settings.enabled() || limit == 0) {
            return true;
        }
        long now = nanoTime.getAsLong();
        long windowNanos = settings.windowMillis() * 1_000_000L;
        Deque<Long> window = calls.get(operation);
        while (!window.isEmpty() && now - window.peekFirst() >= windowNanos) {
            window.pollFirst();
        }
        if (window.size() >= limit) {
            return false;
        }
        window.addLast(now);
        return true;
    }
}
