package io.mpsaas.entitlement.marketplace;

import static io.mpsaas.entitlement.TestSupport.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.micrometer.core.instrument.MeterRegistry;
import io.mpsaas.common.marketplace.AwsJsonAgreementClient;
import io.mpsaas.common.marketplace.Pacer;
import io.mpsaas.entitlement.TestSupport;
import io.mpsaas.entitlement.domain.Subscriber;
import io.mpsaas.sandbox.Sandbox;
import io.mpsaas.sandbox.marketplace.catalog.Product;
import io.mpsaas.sandbox.marketplace.fault.Operation;
import io.mpsaas.sandbox.testing.InjectSandbox;
import io.mpsaas.sandbox.testing.SandboxTestResource;
import io.quarkus.arc.ClientProxy;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The service's GetEntitlements pace is told of every GetEntitlements attempt the simulator throttles, through the
 * service's own Marketplace client and listeners, and of no other operation's: the service's pace, wrapped for this
 * test in one that counts what it is told and hands everything on, against the throttles the client's metrics count.
 */
@QuarkusTest
@QuarkusTestResource(value = SandboxTestResource.class, restrictToAnnotatedClass = false)
class GetEntitlementsThrottleFeedbackTest {

    @InjectSandbox
    Sandbox sandbox;

    @Inject
    EntitlementReader serviceReader;

    @Inject
    AwsJsonAgreementClient agreements;

    @Inject
    Pacer servicePace;

    @Inject
    MeterRegistry registry;

    /** The service's pace itself, counting its {@link Pacer#throttled} calls. */
    private static final class Counting implements Pacer {
        final Pacer pace;
        final AtomicInteger throttled = new AtomicInteger();

        Counting(Pacer pace) {
            this.pace = pace;
        }

        @Override
        public long reserve() {
            return pace.reserve();
        }

        @Override
        public void await(long slot) {
            pace.await(slot);
        }

        @Override
        public void throttled() {
            throttled.incrementAndGet();
            pace.throttled();
        }
    }

    private Counting counting;

    @BeforeEach
    void countThePace() {
        // no notification of another test still being read: its calls would share this test's throttles
        eventually().until(() -> TestSupport.notificationsInQueue(sandbox) == 0);
        counting = new Counting(ClientProxy.unwrap(servicePace));
        // for this test only: the reader and the client's feedback reach the pace through its client proxy
        QuarkusMock.installMockForType(counting, Pacer.class);
    }

    /** Attempts of {@code operation} throttled so far, as the client's metrics listener counted them. */
    private double throttledAttempts(String operation) {
        return registry.get("mpsaas.marketplace.attempts").tag("operation", operation).tag("error", "THROTTLING")
                .counter().count();
    }

    @Test
    void aThrottledGetEntitlementsAttempt_isToldToTheServicesPace_andTheRetryAnswers() {
        // GIVEN the simulator throttling the next GetEntitlements attempt (the client makes 2 in tests)
        Product product = TestSupport.legacySubscription(sandbox);
        double before = throttledAttempts("GetEntitlements");
        sandbox.simulator().faults().failNext(Operation.GET_ENTITLEMENTS, 1, "ThrottlingException");

        // WHEN the service's reader reads a customer's entitlements
        assertThat(serviceReader.read(Subscriber.legacy(product.code(), "nobody-" + UUID.randomUUID()),
                EntitlementReader.Purpose.RECONCILIATION)).isEmpty();

        // THEN the retry answered, and the pace was told of each throttled attempt: the one of this read
        eventually().untilAsserted(() -> {
            assertThat(throttledAttempts("GetEntitlements") - before).isGreaterThanOrEqualTo(1);
            assertThat((double) counting.throttled.get()).isEqualTo(throttledAttempts("GetEntitlements") - before);
        });
    }

    @Test
    void aThrottledAttemptOfAnotherOperationOnTheSameClient_isNotToldToTheGetEntitlementsPace() {
        // GIVEN the simulator throttling the next DescribeAgreement attempt
        double before = throttledAttempts("DescribeAgreement");
        double getEntitlementsBefore = throttledAttempts("GetEntitlements");
        sandbox.simulator().faults().failNext(Operation.DESCRIBE_AGREEMENT, 1, "ThrottlingException");

        // WHEN the service's Agreement API client (the Marketplace client's retries and listeners) describes an
        // agreement (none such: what it answers after the retry does not matter here)
        catchThrowable(() -> agreements.describeAgreement("agmt-" + UUID.randomUUID().toString().replace("-", "")));

        // THEN the throttle was counted by the client's metrics but not told to the GetEntitlements pace (which hears
        // of GetEntitlements throttles only)
        eventually().untilAsserted(() -> assertThat(throttledAttempts("DescribeAgreement") - before)
                .isGreaterThanOrEqualTo(1));
        assertThat((double) counting.throttled.get())
                .isEqualTo(throttledAttempts("GetEntitlements") - getEntitlementsBefore);
    }
}
