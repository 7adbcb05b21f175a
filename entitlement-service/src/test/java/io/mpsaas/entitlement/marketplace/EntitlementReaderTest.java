package io.mpsaas.entitlement.marketplace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mpsaas.common.marketplace.BatchMeterUsageRequest;
import io.mpsaas.common.marketplace.BatchMeterUsageResult;
import io.mpsaas.common.marketplace.CallPacer;
import io.mpsaas.common.marketplace.Entitlement;
import io.mpsaas.common.marketplace.EntitlementValue;
import io.mpsaas.common.marketplace.EntitlementsPage;
import io.mpsaas.common.marketplace.GetEntitlementsRequest;
import io.mpsaas.common.marketplace.Marketplace;
import io.mpsaas.common.marketplace.MarketplaceError;
import io.mpsaas.common.marketplace.MarketplaceException;
import io.mpsaas.common.marketplace.Pacer;
import io.mpsaas.common.marketplace.ResolvedCustomer;
import io.mpsaas.entitlement.config.EntitlementConfig;
import io.mpsaas.entitlement.domain.Subscriber;
import io.mpsaas.entitlement.service.EntitlementMetrics;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The reader shares a GetEntitlements call between the notifications of one customer received before it went out, and
 * only those: a unit test with an in-memory Marketplace that counts and holds calls.
 */
class EntitlementReaderTest {

    private static final Subscriber ALICE = Subscriber.legacy("prod-1", "Alice");
    private static final Subscriber BOB = Subscriber.legacy("prod-1", "Bob");

    /** GetEntitlements answering one dimension per call (its value: the call's number), held until released. */
    private static final class HeldMarketplace implements Marketplace {
        final AtomicInteger calls = new AtomicInteger();
        volatile CountDownLatch release = new CountDownLatch(0);
        volatile boolean fail;

        @Override
        public EntitlementsPage getEntitlements(GetEntitlementsRequest request) {
            int call = calls.incrementAndGet();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (fail) {
                throw new MarketplaceException(MarketplaceError.THROTTLING, "ThrottlingException", "slow down", 400,
                        "req-" + call, 4, null);
            }
            return new EntitlementsPage(List.of(new Entitlement(request.productCode(), "seats", null, null, null,
                    new EntitlementValue.IntegerValue(call), null)), null);
        }

        @Override
        public ResolvedCustomer resolveCustomer(String registrationToken) {
            throw new UnsupportedOperationException();
        }

        @Override
        public BatchMeterUsageResult batchMeterUsage(BatchMeterUsageRequest request) {
            throw new UnsupportedOperationException();
        }
    }

    private final HeldMarketplace marketplace = new HeldMarketplace();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    /** This replica's own pace (no DynamoDB here: {@code shared-pace=false}), fast enough never to hold a call. */
    private final EntitlementReader reader = new EntitlementReader(marketplace,
            EntitlementReader.pacer(config(1000, false), null, null), new EntitlementMetrics(registry),
            Clock.systemUTC());

    private static EntitlementConfig config(double rateLimit, boolean sharedPace) {
        return (EntitlementConfig) Proxy.newProxyInstance(EntitlementReaderTest.class.getClassLoader(),
                new Class<?>[] {EntitlementConfig.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getEntitlementsRateLimit" -> rateLimit;
                    case "sharedPace" -> sharedPace;
                    case "sharedPaceFallbackReplicas" -> 1;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void withoutTheSharedPace_theReaderPacesThisReplicaAlone_withoutDynamoDb() {
        // GIVEN suite.entitlement.shared-pace=false WHEN the reader's pace is built (no DynamoDB client, no tables)
        Pacer pace = EntitlementReader.pacer(config(19, false), null, null);

        // THEN it is this process's CallPacer at the configured rate: two slots taken at once are 1/19 s apart
        assertThat(pace).isInstanceOf(CallPacer.class);
        long first = pace.reserve();
        assertThat(pace.reserve() - first).isEqualTo(1_000_000_000L / 19);
    }

    @Test
    void notificationsReceivedBeforeACallWentOut_shareIt() throws Exception {
        // GIVEN a call for Alice in progress, for a notification received just before
        marketplace.release = new CountDownLatch(1);
        long received = System.nanoTime();
        CompletableFuture<EntitlementReader.Read> first = CompletableFuture.supplyAsync(
                () -> reader.readSince(ALICE, received));
        await().atMost(Duration.ofSeconds(5)).until(() -> marketplace.calls.get() == 1);

        // WHEN another notification of Alice received before it went out asks, and the call returns
        CompletableFuture<EntitlementReader.Read> second = CompletableFuture.supplyAsync(
                () -> reader.readSince(ALICE, received));
        marketplace.release.countDown();

        // THEN both get the answer of the one call
        assertThat(second.get(5, TimeUnit.SECONDS)).isEqualTo(first.get(5, TimeUnit.SECONDS));
        assertThat(marketplace.calls.get()).isEqualTo(1);
        assertThat(registry.get("mpsaas.entitlement.get.entitlements").tag("purpose", "notification").counter()
                .count()).isEqualTo(1);
    }

    @Test
    void aNotificationReceivedAfterTheCallWentOut_getsACallOfItsOwn_andOtherCustomersNeverShare() {
        // GIVEN a finished call for Alice
        EntitlementReader.Read earlier = reader.readSince(ALICE, System.nanoTime());

        // WHEN a notification received afterwards asks for Alice, and one for Bob
        long receivedLater = System.nanoTime();
        EntitlementReader.Read later = reader.readSince(ALICE, receivedLater);
        EntitlementReader.Read bob = reader.readSince(BOB, System.nanoTime());

        // THEN each made its own call
        assertThat(marketplace.calls.get()).isEqualTo(3);
        assertThat(later.entitlements().get(0).value()).isEqualTo(new EntitlementValue.IntegerValue(2));
        assertThat(earlier.entitlements().get(0).value()).isEqualTo(new EntitlementValue.IntegerValue(1));
        assertThat(bob.entitlements().get(0).value()).isEqualTo(new EntitlementValue.IntegerValue(3));
        assertThat(later.startedAt()).isAfterOrEqualTo(earlier.startedAt());

        // AND a notification received before Alice's latest call went out shares that one
        assertThat(reader.readSince(ALICE, receivedLater)).isEqualTo(later);
        assertThat(marketplace.calls.get()).isEqualTo(3);
    }

    @Test
    void aFailedCall_failsWhatSharedIt_butTheNextNotificationCallsAgain() {
        // GIVEN AWS refusing the call
        marketplace.fail = true;
        long received = System.nanoTime();
        assertThatThrownBy(() -> reader.readSince(ALICE, received)).isInstanceOf(MarketplaceException.class);

        // WHEN AWS answers again and a notification received before the failed call asks
        marketplace.fail = false;
        EntitlementReader.Read read = reader.readSince(ALICE, received);

        // THEN it made a call of its own rather than inherit the failure
        assertThat(marketplace.calls.get()).isEqualTo(2);
        assertThat(read.entitlements()).hasSize(1);
    }
}
