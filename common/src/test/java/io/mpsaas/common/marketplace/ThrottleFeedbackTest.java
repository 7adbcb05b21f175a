package io.mpsaas.common.marketplace;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Only the paced operation's throttled attempts reach its pacer: a unit test with a pacer that counts. */
class ThrottleFeedbackTest {

    /** A pacer counting what it is told (its slots are not taken here). */
    private static final class CountingPacer implements Pacer {
        final AtomicInteger throttled = new AtomicInteger();

        @Override
        public long reserve() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void await(long slot) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void throttled() {
            throttled.incrementAndGet();
        }
    }

    private final CountingPacer pacer = new CountingPacer();
    private final MarketplaceCallListener feedback = new ThrottleFeedback("GetEntitlements", pacer);

    private static MarketplaceException failure(MarketplaceError error) {
        return new MarketplaceException(error, error.wireName(), "test", error == MarketplaceError.TRANSPORT ? 0 : 400,
                "req-1", 1, null);
    }

    @Test
    void throttledAttemptsOfTheNamedOperation_eachTellThePacer_evenWhenTheCallEndsWell() {
        // GIVEN a GetEntitlements call
        MarketplaceCallListener.Call call = feedback.start("GetEntitlements");

        // WHEN AWS throttles its first two attempts and the third answers
        call.attemptFailed(1, failure(MarketplaceError.THROTTLING));
        call.attemptFailed(2, failure(MarketplaceError.THROTTLING));
        call.succeeded(3);

        // THEN the pacer was told twice: once per throttled attempt, nothing for the answer
        assertThat(pacer.throttled).hasValue(2);
    }

    @Test
    void otherErrorsOfTheNamedOperation_andTheCallsEnd_doNotReachThePacer() {
        // GIVEN a GetEntitlements call
        MarketplaceCallListener.Call call = feedback.start("GetEntitlements");

        // WHEN its attempts fail otherwise (AWS-side errors, the network, a refusal) and it gives up
        for (MarketplaceError error : List.of(MarketplaceError.INTERNAL_SERVICE_ERROR, MarketplaceError.TRANSPORT,
                MarketplaceError.ACCESS_DENIED, MarketplaceError.UNKNOWN)) {
            call.attemptFailed(1, failure(error));
        }
        call.failed(failure(MarketplaceError.INTERNAL_SERVICE_ERROR));

        // THEN the pacer was told nothing: only a throttle means the quota's second was full
        assertThat(pacer.throttled).hasValue(0);
    }

    @Test
    void throttledAttemptsOfOtherOperations_doNotReachThePacer() {
        // GIVEN calls of the client's other operations, whose quotas are not this pacer's
        for (String other : List.of("BatchMeterUsage", "ResolveCustomer", "DescribeAgreement", "GetAgreementTerms",
                "DescribeEntity", "getentitlements")) {
            // WHEN AWS throttles one of their attempts
            feedback.start(other).attemptFailed(1, failure(MarketplaceError.THROTTLING));
        }

        // THEN the pacer was told nothing
        assertThat(pacer.throttled).hasValue(0);
    }

    @Test
    void amongTheClientsListeners_theFeedbackStillTellsThePacer() {
        // GIVEN the feedback after a listener that throws, as the client combines every listener bean
        MarketplaceCallListener failing = operation -> {
            throw new IllegalStateException("a broken listener");
        };
        MarketplaceCallListener all = MarketplaceCallListener.of(List.of(failing, feedback));

        // WHEN AWS throttles an attempt of the named operation
        all.start("GetEntitlements").attemptFailed(1, failure(MarketplaceError.THROTTLING));

        // THEN the pacer was told
        assertThat(pacer.throttled).hasValue(1);
    }
}
