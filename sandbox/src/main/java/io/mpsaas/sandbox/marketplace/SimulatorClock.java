package io.mpsaas.sandbox.marketplace;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The simulator's notion of "now": a base clock (normally the system clock) plus an offset that tests move at
 * runtime, e.g. to expire registration tokens or to reach a month boundary.
 */
public final class SimulatorClock extends Clock {

    private final Clock base;
    private final AtomicReference<Duration> offset = new AtomicReference<>(Duration.ZERO);

    public SimulatorClock(Clock base) {
        this.base = base;
    }

    public static SimulatorClock system() {
        return new SimulatorClock(Clock.systemUTC());
    }

    @Override
    public Instant instant() {
        return base.instant().plus(offset.get());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        // The simulator works in UTC only (AWS Marketplace billing hours and months are UTC).
        throw new UnsupportedOperationException("the simulator clock is UTC only");
    }

    public Duration offset() {
        return offset.get();
    }

    public void setOffset(Duration value) {
        offset.set(value == null ? Duration.ZERO : value);
    }

    /** Moves simulator time forward (or back, with a negative duration) and returns the new "now". */
    public Instant advance(Duration by) {
        offset.accumulateAndGet(by, Duration::plus);
        return instant();
    }

    /** Sets the offset so that "now" is the given instant at this moment (time keeps flowing from there). */
    public void setNow(Instant now) {
        offset.set(Duration.between(base.instant(), now));
    }

    public void reset() {
        offset.set(Duration.ZERO);
    }
}
