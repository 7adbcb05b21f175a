package io.mpsaas.common.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The one backoff policy: doubling from the first delay, capped, optionally with full jitter. */
class BackoffTest {

    @Test
    void exponential_doublesFromTheFirstDelay_upToTheMax() {
        Backoff backoff = Backoff.exponential(Duration.ofSeconds(2), Duration.ofMinutes(5));

        assertThat(backoff.delay(1)).isEqualTo(Duration.ofSeconds(2));
        assertThat(backoff.delay(2)).isEqualTo(Duration.ofSeconds(4));
        assertThat(backoff.delay(3)).isEqualTo(Duration.ofSeconds(8));
        assertThat(backoff.delay(8)).isEqualTo(Duration.ofSeconds(256));
        assertThat(backoff.delay(9)).isEqualTo(Duration.ofMinutes(5));
        assertThat(backoff.delay(Integer.MAX_VALUE)).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void aRetryBelowOne_countsAsTheFirst() {
        Backoff backoff = Backoff.exponential(Duration.ofMillis(50), Duration.ofSeconds(1));

        assertThat(backoff.delay(0)).isEqualTo(Duration.ofMillis(50));
        assertThat(backoff.delay(-3)).isEqualTo(Duration.ofMillis(50));
    }

    @Test
    void fullJitter_staysWithinTheBound_andVaries() {
        Backoff backoff = Backoff.fullJitter(Duration.ofMillis(40), Duration.ofMillis(640));

        java.util.Set<Duration> seen = new java.util.HashSet<>();
        for (int i = 0; i < 200; i++) {
            Duration d = backoff.delay(3);
            assertThat(d).isBetween(Duration.ZERO, Duration.ofMillis(160));
            seen.add(d);
            assertThat(backoff.delay(10)).isBetween(Duration.ZERO, Duration.ofMillis(640));
        }
        assertThat(seen).hasSizeGreaterThan(10);
        assertThat(backoff.bound(3)).isEqualTo(Duration.ofMillis(160));
    }

    @Test
    void aDelayNotPositive_isRefused_andAMaxBelowTheFirstCapsEveryDelay() {
        assertThatThrownBy(() -> Backoff.exponential(Duration.ZERO, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Backoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);

        assertThat(Backoff.exponential(Duration.ofSeconds(2), Duration.ofSeconds(1)).delay(1))
                .isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void sleep_endsOnInterrupt_withTheFlagSet() {
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> Backoff.sleep(Duration.ofSeconds(10))).isInstanceOf(IllegalStateException.class);
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }
}
