package io.mpsaas.onboarding.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mpsaas.common.customer.CustomerRecord;
import io.mpsaas.common.marketplace.BatchMeterUsageRequest;
import io.mpsaas.common.marketplace.BatchMeterUsageResult;
import io.mpsaas.common.marketplace.EntitlementsPage;
import io.mpsaas.common.marketplace.GetEntitlementsRequest;
import io.mpsaas.common.marketplace.Marketplace;
import io.mpsaas.common.marketplace.ResolvedCustomer;
import io.mpsaas.onboarding.domain.Landing;
import io.mpsaas.onboarding.domain.LandingFailure;
import io.mpsaas.onboarding.persistence.CustomerStore;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;

/** The landing use case where the sandbox cannot fail on demand: our own storage, absurd input, odd AWS answers. */
class FulfillmentServiceTest {

    static final String ARN = "arn:aws:license-manager::111122223333:license:l-0123456789abcdef0123456789abcdef";

    final AtomicInteger resolveCalls = new AtomicInteger();
    ResolvedCustomer answer = new ResolvedCustomer(null, "111122223333", "prod", ARN);

    final Marketplace marketplace = new Marketplace() {
        @Override
        public ResolvedCustomer resolveCustomer(String registrationToken) {
            resolveCalls.incrementAndGet();
            return answer;
        }

        @Override
        public BatchMeterUsageResult batchMeterUsage(BatchMeterUsageRequest request) {
            throw new UnsupportedOperationException();
        }

        @Override
        public EntitlementsPage getEntitlements(GetEntitlementsRequest request) {
            throw new UnsupportedOperationException();
        }
    };

    final CustomerStore unreachableStore = new CustomerStore(null, null) {
        @Override
        public CustomerRecord recordLanding(Landing landing) {
            throw DynamoDbException.builder().message("Service unavailable").statusCode(503).build();
        }
    };

    final FulfillmentService service = new FulfillmentService(marketplace, unreachableStore, null,
            new ReferenceSigner("0123456789abcdef0123456789abcdef", Duration.ofHours(1), Clock.systemUTC()),
            Clock.systemUTC(), new OnboardingMetrics(new SimpleMeterRegistry()));

    @Test
    void landing_offersTheRetryPage_whenTheCustomerCannotBeStored() {
        LandingResult result = service.land("token", null);

        assertThat(result).isEqualTo(new LandingResult.Failed(LandingFailure.TEMPORARILY_UNAVAILABLE));
        assertThat(LandingFailure.TEMPORARILY_UNAVAILABLE.retryable()).isTrue();
    }

    @Test
    void absurdlyLongToken_isRefused_withoutCallingAws() {
        LandingResult result = service.land("A".repeat(FulfillmentService.MAX_TOKEN_LENGTH + 1), null);

        assertThat(result).isEqualTo(new LandingResult.Failed(LandingFailure.INVALID_TOKEN));
        assertThat(resolveCalls).hasValue(0);
    }

    @Test
    void answerWithoutLicenseOrCustomerIdentifier_isASetupFailure() {
        answer = new ResolvedCustomer(null, "111122223333", "prod", null);

        assertThat(service.land("token", null)).isEqualTo(new LandingResult.Failed(LandingFailure.SETUP_FAILED));
    }

    @Test
    void answerBreakingAwsLimits_isASetupFailure_withoutRetry_andNothingIsStored() {
        // GIVEN a store that counts what reaches it
        AtomicInteger stored = new AtomicInteger();
        CustomerStore counting = new CustomerStore(null, null) {
            @Override
            public CustomerRecord recordLanding(Landing landing) {
                stored.incrementAndGet();
                throw new AssertionError("nothing may be stored from this answer");
            }
        };
        FulfillmentService strict = new FulfillmentService(marketplace, counting, null,
                new ReferenceSigner("0123456789abcdef0123456789abcdef", Duration.ofHours(1), Clock.systemUTC()),
                Clock.systemUTC(), new OnboardingMetrics(new SimpleMeterRegistry()));

        // WHEN ResolveCustomer answers a 3,000-character CustomerIdentifier, or a license ARN that is not one
        for (ResolvedCustomer odd : new ResolvedCustomer[] {
            new ResolvedCustomer("C".repeat(3_000), "111122223333", "prod", null),
            new ResolvedCustomer("Zx9", "111122223333", "prod", "garbage:l-0123456789abcdef"),
            new ResolvedCustomer(null, "111122223333", "prod", "garbage:l-0123456789abcdef"),
            new ResolvedCustomer(null, "111122223333", "P".repeat(300), ARN)}) {
            answer = odd;
            // THEN the buyer is told to contact the seller (no retry button), and nothing is stored as it came
            assertThat(strict.land("token", null)).isEqualTo(new LandingResult.Failed(LandingFailure.SETUP_FAILED));
        }
        assertThat(LandingFailure.SETUP_FAILED.retryable()).isFalse();
        assertThat(stored).hasValue(0);
    }

    @Test
    void aLandingDynamoDbRefusesForGood_isASetupFailure_notTheRetryPage() {
        CustomerStore refusing = new CustomerStore(null, null) {
            @Override
            public CustomerRecord recordLanding(Landing landing) {
                throw DynamoDbException.builder().statusCode(400).awsErrorDetails(
                        software.amazon.awssdk.awscore.exception.AwsErrorDetails.builder()
                                .errorCode("ValidationException").errorMessage("One or more parameter values were"
                                        + " invalid: Size of hashkey has exceeded the maximum size limit of 2048 bytes")
                                .build()).build();
            }
        };
        FulfillmentService refused = new FulfillmentService(marketplace, refusing, null,
                new ReferenceSigner("0123456789abcdef0123456789abcdef", Duration.ofHours(1), Clock.systemUTC()),
                Clock.systemUTC(), new OnboardingMetrics(new SimpleMeterRegistry()));

        assertThat(refused.land("token", null)).isEqualTo(new LandingResult.Failed(LandingFailure.SETUP_FAILED));
    }

    @Test
    void awsMessage_neverCarriesTheToken_intoTheLog() {
        assertThat(FulfillmentService.redact("token abc+/= was refused", "abc+/=")).isEqualTo(
                "token <registration token> was refused");
        assertThat(FulfillmentService.redact(null, "abc")).isEmpty();
    }
}
