package io.mpsaas.common.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.mpsaas.common.MovingClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class FailedAttemptsTest {

    @Test
    void aClient_isRefusedAfterMaxFailuresInTheWindow_untilTheWindowEnds() {
        MovingClock clock = new MovingClock(Instant.ofEpochMilli(1_000_000));
        FailedAttempts attempts = new FailedAttempts(3, Duration.ofMinutes(5), 100, clock);
        for (int i = 0; i < 3; i++) {
            assertThat(attempts.retryAfterSeconds("198.51.100.7")).isZero();
            attempts.failed("198.51.100.7");
            clock.advance(Duration.ofSeconds(1));
        }
        // THEN refused until 5 minutes after its first failure
        assertThat(attempts.retryAfterSeconds("198.51.100.7")).isEqualTo(297);
        assertThat(attempts.retryAfterSeconds("198.51.100.8")).isZero();
        clock.advance(Duration.ofSeconds(297));
        assertThat(attempts.retryAfterSeconds("198.51.100.7")).isZero();
        // AND a new window starts from scratch
        attempts.failed("198.51.100.7");
        assertThat(attempts.retryAfterSeconds("198.51.100.7")).isZero();
    }

    @Test
    void memory_staysBounded_theIdlestClientForgotten() {
        FailedAttempts attempts = new FailedAttempts(1, Duration.ofMinutes(5), 1_000, new MovingClock(Instant.EPOCH));
        for (int i = 0; i < 100_000; i++) {
            attempts.failed("2001:db8:" + Integer.toHexString(i) + "::/64");
        }
        assertThat(attempts.size()).isEqualTo(1_000);
        assertThat(attempts.retryAfterSeconds("2001:db8:" + Integer.toHexString(99_999) + "::/64")).isPositive();
        assertThat(attempts.retryAfterSeconds("2001:db8:0::/64")).isZero();
    }
}
