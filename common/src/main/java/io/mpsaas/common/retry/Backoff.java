package io.mpsaas.common.retry;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The suite's one backoff policy: the delay before retry {@code n} is {@code first * 2^(n-1)}, at most {@code max};
 * with full jitter, a random delay between 0 and that bound (AWS's "full jitter", so that callers that failed
 * together do not retry together). Used for SQS messages tried again, DynamoDB transactions and batches, and
 * BatchMeterUsage rounds; the AWS SDK's own retries (the Marketplace adapter) keep the SDK's strategy.
 *
 * @param first    the first retry's delay (its bound, with jitter)
 * @param max      the longest delay (below {@code first}: every delay is {@code max})
 * @param jittered full jitter on the delay
 */
public record Backoff(Duration first, Duration max, boolean jittered) {

    /** Doublings beyond which every bound is {@code max} anyway (keeps the product within a long). */
    private static final int MAX_DOUBLINGS = 30;

    public Backoff {
        Objects.requireNonNull(first, "first");
        Objects.requireNonNull(max, "max");
        if (first.isNegative() || first.isZero() || max.isNegative() || max.isZero()) {
            throw new IllegalArgumentException("a backoff's delays must be positive, not " + first + " and " + max);
        }
    }

    /** Exact delays: first, 2 * first, 4 * first ... at most max. */
    public static Backoff exponential(Duration first, Duration max) {
        return new Backoff(first, max, false);
    }

    /** Random delays up to first, 2 * first, 4 * first ... at most max. */
    public static Backoff fullJitter(Duration first, Duration max) {
        return new Backoff(first, max, true);
    }

    /** The bound of retry {@code retry} (1 is the first retry; below 1 counts as 1). */
    public Duration bound(int retry) {
        int doublings = Math.min(Math.max(retry, 1) - 1, MAX_DOUBLINGS);
        Duration bound = first.multipliedBy(1L << doublings);
        return bound.compareTo(max) > 0 ? max : bound;
    }

    /** The delay before retry {@code retry}: its bound, or with jitter a random whole number of ms up to it. */
    public Duration delay(int retry) {
        Duration bound = bound(retry);
        if (!jittered) {
            return bound;
        }
        return Duration.ofMillis(ThreadLocalRandom.current().nextLong(Math.max(1, bound.toMillis()) + 1));
    }

    /** Sleeps {@link #delay(int)}. */
    public void pause(int retry) {
        sleep(delay(retry));
    }

    /** Sleeps; an interrupt ends the wait with the interrupt flag set and an {@link IllegalStateException}. */
    public static void sleep(Duration delay) {
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while backing off", e);
        }
    }
}
