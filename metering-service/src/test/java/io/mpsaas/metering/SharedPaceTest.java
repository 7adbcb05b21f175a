package io.mpsaas.metering;

import static io.mpsaas.metering.MeteringFixtures.hoursAgo;
import static org.assertj.core.api.Assertions.assertThat;

import io.mpsaas.common.dynamo.Attr;
import io.mpsaas.common.marketplace.Pacer;
import io.mpsaas.common.marketplace.SharedCallPacer;
import io.mpsaas.metering.domain.AggregateStatus;
import io.mpsaas.metering.service.MeteringRunner;
import io.mpsaas.sandbox.testing.SandboxTestResource;
import io.quarkus.arc.ClientProxy;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The replicas' shared BatchMeterUsage pace (issue 16): several pacers (replicas) taking slots from one item of the
 * usage table on DynamoDB Local never get two slots less than an interval apart, a throttled attempt moves every
 * replica's next slot, and a replica that cannot reach DynamoDB paces itself at its fallback share. Spacing is read from
 * the slots handed out, never from wall-clock durations.
 */
@QuarkusTest
@QuarkusTestResource(value = SandboxTestResource.class, restrictToAnnotatedClass = false)
class SharedPaceTest extends MeteringTestSupport {

    /** 9.8 calls per second: slots 102,040 microseconds apart. */
    private static final double PACE = 9.8;
    private static final long INTERVAL_MICROS = 102_040L;
    /** An epoch microsecond somewhere in 2027. */
    private static final long T = 1_800_000_000_000_000L;

    @Inject
    Pacer pacer;

    /** A fresh pace item for one test: each test owns its key. */
    private static Map<String, AttributeValue> freshKey() {
        return SharedCallPacer.key("test-" + UUID.randomUUID());
    }

    /** Clocks that move only when the pacer sleeps: the wall clock at {@code epoch}, nanoTime at {@code nanos}. */
    private static SharedCallPacer.Clocks fakeClocks(AtomicLong epoch, AtomicLong nanos) {
        return new SharedCallPacer.Clocks(epoch::get, nanos::get, slept -> {
            nanos.addAndGet(slept);
            epoch.addAndGet(slept / 1_000L);
        });
    }

    private SharedCallPacer pacerOn(Map<String, AttributeValue> key, SharedCallPacer.Clocks clocks) {
        return new SharedCallPacer(dynamo, tables.usage(), key, PACE, 3, clocks);
    }

    private Long storedNext(Map<String, AttributeValue> key) {
        return Attr.number(dynamo.getItem(r -> r.tableName(tables.usage()).consistentRead(true).key(key)).item(),
                SharedCallPacer.NEXT_SLOT);
    }

    /** Three replicas taking {@code each} slots at once on threads; every replica's slots, in the order it got them. */
    private static List<List<Long>> race(List<SharedCallPacer> replicas, int each) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(replicas.size());
        try {
            List<Future<List<Long>>> running = new ArrayList<>();
            for (SharedCallPacer r : replicas) {
                running.add(pool.submit(() -> {
                    start.await();
                    List<Long> slots = new ArrayList<>();
                    for (int i = 0; i < each; i++) {
                        slots.add(r.takeSlot());
                    }
                    return slots;
                }));
            }
            start.countDown();
            List<List<Long>> slots = new ArrayList<>();
            for (Future<List<Long>> f : running) {
                slots.add(f.get(2, TimeUnit.MINUTES));
            }
            return slots;
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void threeReplicasRacingOnAStoppedClock_getEverySlotOnce_oneIntervalApart_noGapNoDouble() throws Exception {
        // GIVEN three replicas (separate pacers) on one new pace item, their clocks standing still, so every slot
        // after the first is one a race decides (the conditional write's refusal answers the item as it is)
        Map<String, AttributeValue> key = freshKey();
        AtomicLong epoch = new AtomicLong(T);
        AtomicLong nanos = new AtomicLong(0);
        List<SharedCallPacer> replicas = List.of(pacerOn(key, fakeClocks(epoch, nanos)),
                pacerOn(key, fakeClocks(epoch, nanos)), pacerOn(key, fakeClocks(epoch, nanos)));

        // WHEN they take 30 slots each at once
        List<List<Long>> slots = race(replicas, 30);

        // THEN the 90 slots are exactly T, T + 1 interval, ..., T + 89 intervals: none twice, none skipped, each
        // replica's in increasing order; the item holds the next free one
        List<Long> all = new ArrayList<>();
        slots.forEach(all::addAll);
        List<Long> expected = new ArrayList<>();
        for (int k = 0; k < 90; k++) {
            expected.add(T + k * INTERVAL_MICROS);
        }
        assertThat(all).containsExactlyInAnyOrderElementsOf(expected);
        for (List<Long> own : slots) {
            assertThat(own).hasSize(30).isSorted();
        }
        assertThat(storedNext(key)).isEqualTo(T + 90 * INTERVAL_MICROS);
    }

    @Test
    void threeReplicasRacingOnTheSystemClock_getSlotsAtLeastOneIntervalApart() throws Exception {
        // GIVEN three replicas on one new pace item, on the real clock
        Map<String, AttributeValue> key = freshKey();
        List<SharedCallPacer> replicas = List.of(pacerOn(key, SharedCallPacer.Clocks.SYSTEM),
                pacerOn(key, SharedCallPacer.Clocks.SYSTEM), pacerOn(key, SharedCallPacer.Clocks.SYSTEM));

        // WHEN they take 20 slots each at once
        List<List<Long>> slots = race(replicas, 20);

        // THEN no two of the 60 slots, whichever replicas took them, are less than an interval apart
        List<Long> all = new ArrayList<>();
        slots.forEach(all::addAll);
        all.sort(null);
        assertThat(all).hasSize(60);
        for (int i = 1; i < all.size(); i++) {
            assertThat(all.get(i) - all.get(i - 1)).as("slots %d and %d", i - 1, i)
                    .isGreaterThanOrEqualTo(INTERVAL_MICROS);
        }
        assertThat(storedNext(key)).isEqualTo(all.get(59) + INTERVAL_MICROS);
    }

    @Test
    void aThrottledAttempt_leavesTheNextSharedSlotFree_forEveryReplica() {
        // GIVEN two replicas on one pace item, one of which took a slot
        Map<String, AttributeValue> key = freshKey();
        AtomicLong epoch = new AtomicLong(T);
        AtomicLong nanos = new AtomicLong(0);
        SharedCallPacer first = pacerOn(key, fakeClocks(epoch, nanos));
        SharedCallPacer second = pacerOn(key, fakeClocks(epoch, nanos));
        assertThat(first.takeSlot()).isEqualTo(T);

        // WHEN AWS throttles one of the second replica's attempts
        second.throttled();

        // THEN the slot after the first one stays free: both replicas' next slots come an interval later
        assertThat(first.takeSlot()).isEqualTo(T + 2 * INTERVAL_MICROS);
        assertThat(second.takeSlot()).isEqualTo(T + 3 * INTERVAL_MICROS);
    }

    @Test
    void aReservedSharedSlot_isOnThisProcesssClock_andAwaitSleepsUntilIt() {
        // GIVEN a replica whose nanoTime reads 5 s while its wall clock reads T
        Map<String, AttributeValue> key = freshKey();
        AtomicLong epoch = new AtomicLong(T);
        AtomicLong nanos = new AtomicLong(5_000_000_000L);
        List<Long> slept = new ArrayList<>();
        SharedCallPacer.Clocks clocks = fakeClocks(epoch, nanos);
        SharedCallPacer replica = new SharedCallPacer(dynamo, tables.usage(), key, PACE, 3,
                new SharedCallPacer.Clocks(clocks.epochMicros(), clocks.nanoTime(), d -> {
                    slept.add(d);
                    clocks.sleeper().accept(d);
                }));

        // WHEN it reserves two slots and waits for the second
        long first = replica.reserve();
        long second = replica.reserve();
        replica.await(second);

        // THEN the shared slots T and T + 1 interval are now and one interval later on its nanoTime, and it slept that
        assertThat(first).isEqualTo(5_000_000_000L);
        assertThat(second).isEqualTo(5_000_000_000L + INTERVAL_MICROS * 1_000L);
        assertThat(slept).containsExactly(INTERVAL_MICROS * 1_000L);
        assertThat(storedNext(key)).isEqualTo(T + 2 * INTERVAL_MICROS);
    }

    @Test
    void withoutDynamoDb_aReplicaPacesItselfAtItsFallbackShare_thenTakesSharedSlotsAgainAfterTheHold() {
        // GIVEN a replica (fallback share: 3 replicas) that took a shared slot, after which its DynamoDB calls fail
        Map<String, AttributeValue> key = freshKey();
        AtomicBoolean down = new AtomicBoolean(false);
        AtomicInteger updates = new AtomicInteger();
        AtomicLong epoch = new AtomicLong(T);
        AtomicLong nanos = new AtomicLong(0);
        SharedCallPacer replica = new SharedCallPacer(failingWhile(down, updates), tables.usage(), key, PACE, 3,
                fakeClocks(epoch, nanos));
        long localInterval = (long) (1_000_000_000L / (PACE / 3));
        assertThat(replica.reserve()).isZero();
        down.set(true);

        // WHEN it reserves 20 slots, AWS throttling an attempt after the tenth
        List<Long> local = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            if (i == 10) {
                replica.throttled();
            }
            local.add(replica.reserve());
        }

        // THEN the slots come from its own share of the pace (9.8 / 3 a second), from one shared interval after its
        // shared slot on; the throttle left one free; no call is refused or held up; and DynamoDB was tried once: the
        // next tries wait for the hold
        long firstLocal = INTERVAL_MICROS * 1_000L;
        for (int i = 0; i < 20; i++) {
            assertThat(local.get(i)).as("local slot %d", i)
                    .isEqualTo(firstLocal + (i < 10 ? i : i + 1) * localInterval);
        }
        assertThat(updates).hasValue(2);
        assertThat(storedNext(key)).isEqualTo(T + INTERVAL_MICROS);

        // WHEN DynamoDB answers again and the hold has passed (the local slots reach beyond it, to 6.2 s)
        down.set(false);
        nanos.addAndGet(SharedCallPacer.FALLBACK_HOLD.toNanos());
        epoch.addAndGet(SharedCallPacer.FALLBACK_HOLD.toNanos() / 1_000L);
        long shared = replica.reserve();

        // THEN the slot is a shared one again, written to the item, an interval after the last local slot (whose call
        // is still to come), not at once
        long last = local.get(19);
        assertThat(updates).hasValue(3);
        assertThat(shared - last).isBetween(INTERVAL_MICROS * 1_000L, INTERVAL_MICROS * 1_000L + 999);
        assertThat(storedNext(key)).isEqualTo(T + shared / 1_000L + INTERVAL_MICROS);
    }

    @Test
    void theServicesPacer_isTheSharedOne_andAMeteringRunTakesItsSlotsFromTheItem() {
        // GIVEN the service's pacer (suite.metering.job.shared-pace defaults to true) and usage of a closed hour
        assertThat(ClientProxy.unwrap(pacer)).isInstanceOf(SharedCallPacer.class);
        Map<String, AttributeValue> key = SharedCallPacer.key("BatchMeterUsage");
        Long before = storedNext(key);
        MeteringFixtures.Buyer buyer = fx.activeBuyer(fx.newProduct(false, "requests"), 2);
        ingest(buyer, "requests", 7, hoursAgo(1));

        // WHEN the service's runner meters the customer
        MeteringRunner.Report report = runner.flush(buyer.customerKey(), Instant.now());

        // THEN the call's slot was taken from the shared item: its next free slot moved on
        assertThat(report.count(AggregateStatus.SENT)).isEqualTo(1);
        assertThat(storedNext(key)).isNotNull();
        if (before != null) {
            assertThat(storedNext(key)).isGreaterThanOrEqualTo(before + INTERVAL_MICROS);
        }
    }

    /** The test's DynamoDB Local client whose UpdateItem calls are counted and fail while {@code down}. */
    private DynamoDbClient failingWhile(AtomicBoolean down, AtomicInteger updates) {
        return (DynamoDbClient) Proxy.newProxyInstance(DynamoDbClient.class.getClassLoader(),
                new Class<?>[] {DynamoDbClient.class}, (proxy, method, args) -> {
                    if (method.getName().equals("updateItem")) {
                        updates.incrementAndGet();
                        if (down.get()) {
                            throw SdkClientException.create("Unable to execute HTTP request (the test's outage)");
                        }
                    }
                    try {
                        return method.invoke(dynamo, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
