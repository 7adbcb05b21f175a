package io.mpsaas.common.marketplace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The pacer of AWS Marketplace calls spaces them evenly, on a fake clock. */
class CallPacerTest {

    @Test
    void fiveCallsPerSecond_areSpaced200msApart_withoutABurst() {
        AtomicLong now = new AtomicLong(1_000_000_000L);
        List<Long> slept = new ArrayList<>();
        CallPacer limiter = new CallPacer(5, now::get, nanos -> {
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
        CallPacer limiter = new CallPacer(2, now::get, now::addAndGet);
        limiter.acquire();
        now.addAndGet(10_000_000_000L);
        long before = now.get();

        limiter.acquire();
        limiter.acquire();

        assertThat(now.get() - before).isEqualTo(500_000_000L);
    }

    @Test
    void aRate_mustBePositive() {
        assertThatThrownBy(() -> new CallPacer(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void reservedSlots_goInReservationOrder_andAwaitWaitsForEach() {
        AtomicLong now = new AtomicLong(0);
        List<Long> slept = new ArrayList<>();
        CallPacer pacer = new CallPacer(10, now::get, nanos -> {
            slept.add(nanos);
            now.addAndGet(nanos);
        });

        long first = pacer.reserve();
        long second = pacer.reserve();
        long third = pacer.reserve();
        pacer.await(third);

        assertThat(List.of(first, second, third)).containsExactly(0L, 100_000_000L, 200_000_000L);
        assertThat(slept).containsExactly(200_000_000L);
        pacer.await(second); // a slot already past is not waited for
        assertThat(slept).hasSize(1);
    }

    @Test
    void aThrottledCall_leavesTheNextSlotFree() {
        AtomicLong now = new AtomicLong(0);
        CallPacer pacer = new CallPacer(10, now::get, now::addAndGet);
        long first = pacer.reserve();

        pacer.throttled();

        assertThat(pacer.reserve() - first).isEqualTo(200_000_000L);
    }

    @Test
    void aSlotReservedFromALaterTime_startsThere_andTheNextOnesFollowIt() {
        AtomicLong now = new AtomicLong(0);
        CallPacer pacer = new CallPacer(10, now::get, now::addAndGet);

        long late = pacer.reserveFrom(1_000_000_000L);
        long next = pacer.reserve();
        long past = pacer.reserveFrom(0);

        assertThat(List.of(late, next, past)).containsExactly(1_000_000_000L, 1_100_000_000L, 1_200_000_000L);
    }
}
