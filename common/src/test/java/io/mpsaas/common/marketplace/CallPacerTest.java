package io.mpsaas.common.marketplace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

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

    @Test
    void withoutTheSharedPace_aServicesPaceIsThisProcesssCallPacer_andNeedsNoDynamoDb() {
        // GIVEN shared-pace off, no DynamoDB client and no table WHEN the service's pace of an operation is chosen
        Pacer pace = SharedCallPacer.of(false, null, null, "SomeOperation", 4, 1);

        // THEN it is a CallPacer of the rate: two slots taken at once are a quarter of a second apart
        assertThat(pace).isInstanceOf(CallPacer.class);
        long first = pace.reserve();
        assertThat(pace.reserve() - first).isEqualTo(250_000_000L);
    }

    @Test
    void withTheSharedPace_aServicesPaceTakesItsSlotsFromTheOperationsItem_anIntervalOfTheRateApart() {
        // GIVEN a table that records the pace updates asked of it
        List<UpdateItemRequest> updates = new ArrayList<>();
        DynamoDbClient dynamo = new DynamoDbClient() {
            @Override
            public UpdateItemResponse updateItem(UpdateItemRequest request) {
                updates.add(request);
                return UpdateItemResponse.builder().build();
            }

            @Override
            public String serviceName() {
                return "dynamodb";
            }

            @Override
            public void close() {
            }
        };

        // WHEN the service's pace of an operation, shared, takes a slot
        Pacer pace = SharedCallPacer.of(true, dynamo, "the-table", "SomeOperation", 4, 2);
        pace.reserve();

        // THEN it is the shared pacer, and the slot was taken from pace#SomeOperation of the table, the next free slot
        // set a quarter of a second on
        assertThat(pace).isInstanceOf(SharedCallPacer.class);
        assertThat(updates).singleElement().satisfies(u -> {
            assertThat(u.tableName()).isEqualTo("the-table");
            assertThat(u.key()).isEqualTo(SharedCallPacer.key("SomeOperation"));
            // the condition's slot and the next free one set, in epoch microseconds
            List<Long> micros = u.expressionAttributeValues().values().stream().map(v -> Long.parseLong(v.n()))
                    .sorted().toList();
            assertThat(micros).hasSize(2);
            assertThat(micros.get(1) - micros.get(0)).isEqualTo(250_000L);
        });
    }
}
