package io.mpsaas.common.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class FailedAttemptsTest {

    /** A clock the test moves. */
    private static final class Manual extends Clock {
        long millis = 1_000_000;

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }
    }

    @Test
    void aClient_isRefusedAfterMaxFailuresInTheWindow_untilTheWindowEnds() {
        Manual clock = new Manual();
        FailedAttempts attempts = new FailedAttempts(3, Duration.ofMinutes(5), 100, clock);
        for (int i = 0; i < 3; i++) {
            assertThat(attempts.retryAfterSeconds("198.51.100.7")).isZero();
            attempts.failed("198.51.100.7");
            clock.millis += 1_000;
        }
        // THEN refused until 5 minutes after its first failure
        assertThat(attempts.retryAfterSeconds("198.51.100.7")).isEqualTo(297);
        assertThat(attempts.retryAfterSeconds("198.51.100.8")).isZero();
        clock.millis += 297_000;
        assertThat(attempts.retryAfterSeconds("198.51.100.7")).isZero();
        // AND a new window starts from scratch
        attempts.failed("198.51.100.7");
        assertThat(attempts.retryAfterSeconds("198.51.100.7")).isZero();
    }

    @Test
    void memory_staysBounded_theIdlestClientForgotten() {
        FailedAttempts attempts = new FailedAttempts(1, Duration.ofMinutes(5), 1_000, new Manual());
        for (int i = 0; i < 100_000; i++) {
            attempts.failed("2001:db8:" + Integer.toHexString(i) + "::/64");
        }
        assertThat(attempts.size()).isEqualTo(1_000);
        assertThat(attempts.retryAfterSeconds("2001:db8:" + Integer.toHexString(99_999) + "::/64")).isPositive();
        assertThat(attempts.retryAfterSeconds("2001:db8:0::/64")).isZero();
    }
}
