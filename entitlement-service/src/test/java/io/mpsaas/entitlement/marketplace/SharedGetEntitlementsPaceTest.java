package io.mpsaas.entitlement.marketplace;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mpsaas.common.config.TablesConfig;
import io.mpsaas.common.dynamo.Attr;
import io.mpsaas.common.marketplace.EntitlementsPage;
import io.mpsaas.common.marketplace.Marketplace;
import io.mpsaas.common.marketplace.SharedCallPacer;
import io.mpsaas.entitlement.TestSupport;
import io.mpsaas.entitlement.config.EntitlementConfig;
import io.mpsaas.entitlement.domain.Subscriber;
import io.mpsaas.entitlement.service.EntitlementMetrics;
import io.mpsaas.sandbox.Sandbox;
import io.mpsaas.sandbox.marketplace.catalog.Product;
import io.mpsaas.sandbox.testing.InjectSandbox;
import io.mpsaas.sandbox.testing.SandboxTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The replicas' shared GetEntitlements pace: several replicas' {@link EntitlementReader}s, paced as the service paces
 * its own, take their calls' slots from one item of the customers table on DynamoDB Local, one interval of
 * {@code get-entitlements-rate-limit} apart whichever replica calls, and the service's reader takes its slots from the
 * item {@code pace#GetEntitlements}. Spacing is read from fake clocks and the item, never from wall-clock durations.
 */
@QuarkusTest
@QuarkusTestResource(value = SandboxTestResource.class, restrictToAnnotatedClass = false)
class SharedGetEntitlementsPaceTest {

    /** An epoch microsecond somewhere in 2027. */
    private static final long T = 1_800_000_000_000_000L;

    @InjectSandbox
    Sandbox sandbox;

    @Inject
    DynamoDbClient dynamo;

    @Inject
    TablesConfig tables;

    @Inject
    EntitlementConfig config;

    @Inject
    EntitlementReader serviceReader;

    /**
     * GetEntitlements answering no entitlement, each call noting in {@code callsAt} the time on {@code nanoTime} it
     * went out at (the port's other operations are not called here).
     */
    private static Marketplace timed(LongSupplier nanoTime, List<Long> callsAt) {
        return (Marketplace) Proxy.newProxyInstance(Marketplace.class.getClassLoader(),
                new Class<?>[] {Marketplace.class}, (proxy, method, args) -> {
                    if (!method.getName().equals("getEntitlements")) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    callsAt.add(nanoTime.getAsLong());
                    return new EntitlementsPage(List.of(), null);
                });
    }

    /** The interval of the configured rate (19 a second: 52,631 microseconds), as SharedCallPacer spaces slots. */
    private long intervalMicros() {
        return (long) (1_000_000L / config.getEntitlementsRateLimit());
    }

    /** A fresh pace item for one test: each test owns its key. */
    private static Map<String, AttributeValue> freshKey() {
        return SharedCallPacer.key("test-" + UUID.randomUUID());
    }

    /** A replica's reader on the pace item {@code key}, built as the service builds its pace, on the given clocks. */
    private EntitlementReader replica(Map<String, AttributeValue> key, Marketplace marketplace,
            SharedCallPacer.Clocks clocks) {
        return new EntitlementReader(marketplace,
                EntitlementReader.sharedPacer(config, dynamo, tables.customers(), key, clocks),
                new EntitlementMetrics(new SimpleMeterRegistry()), Clock.systemUTC());
    }

    private Long storedNext(Map<String, AttributeValue> key) {
        return Attr.number(dynamo.getItem(r -> r.tableName(tables.customers()).consistentRead(true).key(key)).item(),
                SharedCallPacer.NEXT_SLOT);
    }

    private static Subscriber customer(int n) {
        return Subscriber.legacy("prod-pace", "customer-" + n);
    }

    @Test
    void threeReplicasReadingInTurn_callOneIntervalApart_onTheirSharedItem() {
        // GIVEN three replicas' readers on one new pace item, on clocks that move only when a reader waits for its slot
        Map<String, AttributeValue> key = freshKey();
        AtomicLong epoch = new AtomicLong(T);
        AtomicLong nanos = new AtomicLong(0);
        SharedCallPacer.Clocks clocks = new SharedCallPacer.Clocks(epoch::get, nanos::get, slept -> {
            nanos.addAndGet(slept);
            epoch.addAndGet(slept / 1_000L);
        });
        List<Long> callsAt = Collections.synchronizedList(new ArrayList<>());
        Marketplace marketplace = timed(nanos::get, callsAt);
        List<EntitlementReader> replicas = List.of(replica(key, marketplace, clocks),
                replica(key, marketplace, clocks), replica(key, marketplace, clocks));

        // WHEN they read nine customers in turn, for notifications and for reconciliation
        for (int n = 0; n < 9; n++) {
            EntitlementReader reader = replicas.get(n % 3);
            if (n % 2 == 0) {
                reader.readSince(customer(n), System.nanoTime());
            } else {
                reader.read(customer(n), EntitlementReader.Purpose.RECONCILIATION);
            }
        }

        // THEN each call went out one interval after the one before, whichever replica made it (no replica's own pace
        // let it call sooner), and the item holds the next free slot
        long interval = intervalMicros();
        List<Long> expected = new ArrayList<>();
        for (int k = 0; k < 9; k++) {
            expected.add(k * interval * 1_000L);
        }
        assertThat(callsAt).containsExactlyElementsOf(expected);
        assertThat(storedNext(key)).isEqualTo(T + 9 * interval);
    }

    @Test
    void threeReplicasReadingAtOnce_getDistinctConsecutiveSlots() throws Exception {
        // GIVEN three replicas' readers on one new pace item, their clocks standing still: each waits for its slot (a
        // sleep of the slot's distance from now, recorded), so every slot after the first is one a race decides
        Map<String, AttributeValue> key = freshKey();
        List<Long> waits = Collections.synchronizedList(new ArrayList<>());
        SharedCallPacer.Clocks stopped = new SharedCallPacer.Clocks(() -> T, () -> 0L, waits::add);
        List<Long> callsAt = Collections.synchronizedList(new ArrayList<>());
        Marketplace marketplace = timed(() -> 0L, callsAt);
        List<EntitlementReader> replicas = List.of(replica(key, marketplace, stopped),
                replica(key, marketplace, stopped), replica(key, marketplace, stopped));

        // WHEN each reads ten customers of its own at once
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int r = 0; r < 3; r++) {
                EntitlementReader reader = replicas.get(r);
                int first = r * 10;
                running.add(pool.submit(() -> {
                    start.await();
                    for (int n = first; n < first + 10; n++) {
                        reader.readSince(customer(n), System.nanoTime());
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : running) {
                f.get(2, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdown();
        }

        // THEN the 30 calls had the slots T, T + 1 interval, ..., T + 29 intervals, none twice and none skipped: the
        // first went at once, the others each waited its own distance; the item holds the next free one
        long interval = intervalMicros();
        List<Long> expected = new ArrayList<>();
        for (int k = 1; k < 30; k++) {
            expected.add(k * interval * 1_000L);
        }
        assertThat(callsAt).hasSize(30);
        assertThat(waits).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(storedNext(key)).isEqualTo(T + 30 * interval);
    }

    @Test
    void theServicesReader_takesItsSlotsFromTheCustomersTablesPaceItem() {
        // GIVEN the service's reader (suite.entitlement.shared-pace defaults to true) and a product of the simulator
        assertThat(config.sharedPace()).isTrue();
        Map<String, AttributeValue> key = SharedCallPacer.key(EntitlementReader.GET_ENTITLEMENTS);
        Long before = storedNext(key);
        Product product = TestSupport.legacySubscription(sandbox);
        long startedAt = SharedCallPacer.Clocks.SYSTEM.epochMicros().getAsLong();

        // WHEN it reads a customer's entitlements from the simulator
        serviceReader.read(Subscriber.legacy(product.code(), "nobody-" + UUID.randomUUID()),
                EntitlementReader.Purpose.RECONCILIATION);
        long endedAt = SharedCallPacer.Clocks.SYSTEM.epochMicros().getAsLong();

        // THEN the call's slot was taken from the shared item during the read: its next free slot is one interval
        // after a slot no earlier than the read's start, and no later than the read's end or the slot the item held
        // (a slot taken now is max(now, the next free one)); it moved on from what the item held
        Long after = storedNext(key);
        assertThat(after).isNotNull();
        assertThat(after).isBetween(startedAt + intervalMicros(),
                Math.max(endedAt, before == null ? Long.MIN_VALUE : before) + intervalMicros());
        if (before != null) {
            assertThat(after).isGreaterThan(before);
        }
    }
}
