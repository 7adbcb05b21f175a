package io.mpsaas.entitlement.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The reconciliation's limiter spaces calls evenly, on a fake clock. */
class RateLimiterTest {

    @Test
    void fiveCallsPerSecond_areSpaced200msApart_withoutABurst() {
        AtomicLong now = new AtomicLong(1_000_000_000L);
        List<Long> slept = new ArrayList<>();
        RateLimiter limiter = new RateLimiter(5, now::get, nanos -> {
            slept.add(nanos);
            now.addAndGet(nanos);
        });
        List<Long> callTimes = new ArrayList<>();

        for (int i = 0; i < 20; i++) {
            limiter.acquire();
            callTimes.add(now.get());
        }

        for (int i = 1; i < callTimes.size(); i++) {
            assertThat(callTimes.get(i) - callTimes.get(i - 1)).isEqualTo(200_000_000L);
        }
        // 20 calls take 3.8 s: under 20 TPS by construction
        assertThat(callTimes.get(19) - callTimes.get(0)).isEqualTo(3_800_000_000L);
    }

    @Test
    void idleTime_isNotSavedUpForABurst() {
        AtomicLong now = new AtomicLong(0);
        RateLimiter limiter = new RateLimiter(2, now::get, now::addAndGet);
        limiter.acquire();
        now.addAndGet(10_000_000_000L);
        long before = now.get();

        limiter.acquire();
        limiter.acquire();

        assertThat(now.get() - before).isEqualTo(500_000_000L);
    }

    @Test
    void aRate_mustBePositive() {
        assertThatThrownBy(() -> new RateLimiter(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
