package io.mpsaas.onboarding.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mpsaas.common.MovingClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ClientRequestLimiterTest {

    @Test
    void burstThenRefill_perClient() {
        // GIVEN a burst of 2 and 6 a minute (one every 10 s)
        MovingClock clock = new MovingClock(Instant.parse("2026-11-22T09:00:00Z"));
        ClientRequestLimiter limiter = new ClientRequestLimiter(true, 2, 6, 100, clock);

        // WHEN one client makes three requests at once THEN the third waits 10 s
        assertThat(limiter.acquire("a").allowed()).isTrue();
        assertThat(limiter.acquire("a").allowed()).isTrue();
        ClientRequestLimiter.Decision refused = limiter.acquire("a");
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.retryAfterSeconds()).isEqualTo(10);
        // AND another client has its own bucket
        assertThat(limiter.acquire("b").allowed()).isTrue();

        // WHEN 10 s pass THEN one more is allowed, not two
        clock.advance(Duration.ofSeconds(10));
        assertThat(limiter.acquire("a").allowed()).isTrue();
        assertThat(limiter.acquire("a").allowed()).isFalse();
    }

    @Test
    void forgetsTheIdlestClient_whenFull_andAllowsAllWhenDisabled() {
        MovingClock clock = new MovingClock(Instant.parse("2026-11-22T09:00:00Z"));
        ClientRequestLimiter limiter = new ClientRequestLimiter(true, 1, 1, 2, clock);
        assertThat(limiter.acquire("a").allowed()).isTrue();
        assertThat(limiter.acquire("b").allowed()).isTrue();
        assertThat(limiter.acquire("c").allowed()).isTrue(); // "a" forgotten
        assertThat(limiter.acquire("a").allowed()).isTrue(); // a fresh bucket ("b" forgotten)
        assertThat(limiter.acquire("c").allowed()).isFalse();

        ClientRequestLimiter off = new ClientRequestLimiter(false, 1, 1, 1, clock);
        for (int i = 0; i < 10; i++) {
            assertThat(off.acquire("a").allowed()).isTrue();
        }
        assertThatThrownBy(() -> new ClientRequestLimiter(true, 0, 1, 1, clock)).isInstanceOf(IllegalArgumentException.class);
    }
}
