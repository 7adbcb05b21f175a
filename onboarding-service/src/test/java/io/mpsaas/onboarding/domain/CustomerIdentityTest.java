package io.mpsaas.onboarding.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.mpsaas.common.customer.IdentityModel;
import io.mpsaas.common.marketplace.MarketplaceError;
import io.mpsaas.common.marketplace.ResolvedCustomer;
import org.junit.jupiter.api.Test;

class CustomerIdentityTest {

    static final String ARN = "arn:aws:license-manager::111122223333:license:l-0123456789abcdef0123456789abcdef";

    @Test
    void concurrentAgreementsAnswer_isKeyedByLicense() {
        CustomerIdentity id = CustomerIdentity.of(new ResolvedCustomer(null, "111122223333", "prod", ARN))
                .orElseThrow();

        assertThat(id.customerKey()).isEqualTo("license#l-0123456789abcdef0123456789abcdef");
        assertThat(id.identityModel()).isEqualTo(IdentityModel.CONCURRENT_AGREEMENTS);
        assertThat(id.licenseArn()).isEqualTo(ARN);
    }

    @Test
    void legacyAnswer_isKeyedByProductAndCustomerIdentifier_evenWithALicense() {
        CustomerIdentity id = CustomerIdentity.of(new ResolvedCustomer("Zx9", "111122223333", "prod", ARN))
                .orElseThrow();

        assertThat(id.customerKey()).isEqualTo("customer#prod#Zx9");
        assertThat(id.identityModel()).isEqualTo(IdentityModel.LEGACY);
        assertThat(id.licenseArn()).isEqualTo(ARN);
    }

    @Test
    void unusableAnswers_identifyNobody() {
        assertThat(CustomerIdentity.of(new ResolvedCustomer("", "111122223333", "prod", null))).isEmpty();
        assertThat(CustomerIdentity.of(new ResolvedCustomer("Zx9", "111122223333", null, null))).isEmpty();
        assertThat(CustomerIdentity.of(new ResolvedCustomer(null, "111122223333", "prod", "arn:"))).isEmpty();
        // ids past AWS's own limits, and license ARNs that are not one, are never taken as they came
        assertThat(CustomerIdentity.of(new ResolvedCustomer("C".repeat(256), "111122223333", "prod", null))).isEmpty();
        assertThat(CustomerIdentity.of(new ResolvedCustomer("Zx9", "111122223333", "prod", "garbage:l-1"))).isEmpty();
        assertThat(CustomerIdentity.of(new ResolvedCustomer(null, "1111x", "prod", ARN))).isEmpty();
        assertThat(CustomerIdentity.of(new ResolvedCustomer("C".repeat(255), "111122223333", "prod", ARN)))
                .isPresent();
    }

    @Test
    void marketplaceErrors_mapToWhatTheBuyerCanDo() {
        assertThat(LandingFailure.of(MarketplaceError.EXPIRED_TOKEN)).isEqualTo(LandingFailure.EXPIRED_TOKEN);
        assertThat(LandingFailure.of(MarketplaceError.INVALID_TOKEN)).isEqualTo(LandingFailure.INVALID_TOKEN);
        assertThat(LandingFailure.of(MarketplaceError.THROTTLING).retryable()).isTrue();
        assertThat(LandingFailure.of(MarketplaceError.TRANSPORT).retryable()).isTrue();
        assertThat(LandingFailure.of(MarketplaceError.INTERNAL_SERVICE_ERROR).retryable()).isTrue();
        assertThat(LandingFailure.of(MarketplaceError.DISABLED_API)).isEqualTo(LandingFailure.SETUP_FAILED);
        assertThat(LandingFailure.of(MarketplaceError.ACCESS_DENIED)).isEqualTo(LandingFailure.SETUP_FAILED);
        assertThat(LandingFailure.of(MarketplaceError.UNKNOWN)).isEqualTo(LandingFailure.SETUP_FAILED);
    }

    @Test
    void offerType_isKeptOnlyWhenWellFormed() {
        CustomerIdentity id = CustomerIdentity.of(new ResolvedCustomer(null, "1", "p", ARN)).orElseThrow();

        assertThat(Landing.of(id, " free-trial ", java.time.Instant.EPOCH).offerTypeHint()).isEqualTo("free-trial");
        assertThat(Landing.claimsFreeTrial("free-trial")).isTrue();
        assertThat(Landing.of(id, "<b>", java.time.Instant.EPOCH).offerTypeHint()).isNull();
        assertThat(Landing.of(id, null, java.time.Instant.EPOCH).offerTypeHint()).isNull();
        assertThat(Landing.claimsFreeTrial(null)).isFalse();
    }
}
