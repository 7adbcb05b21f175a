package io.mpsaas.onboarding.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mpsaas.common.customer.CustomerRecord;
import io.mpsaas.common.dynamo.Attr;
import io.mpsaas.onboarding.domain.ReferenceCheck;
import io.mpsaas.onboarding.domain.RegistrationDetails;
import io.mpsaas.onboarding.domain.RegistrationFormSpec;
import io.mpsaas.onboarding.domain.RegistrationOutcome;
import io.mpsaas.onboarding.persistence.CustomerStore;
import io.mpsaas.onboarding.persistence.RegistrationStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;

/** The submit use case where the sandbox cannot fail on demand: the store refusing writes. */
class RegistrationServiceTest {

    static final String KEY = "license#l-0123456789abcdef0123456789abcdef";

    final ReferenceSigner signer = new ReferenceSigner("0123456789abcdef0123456789abcdef", Duration.ofHours(1),
            Clock.systemUTC());

    final CustomerStore customers = new CustomerStore(null, null) {
        @Override
        public Optional<CustomerRecord> find(String customerKey) {
            return KEY.equals(customerKey) ? Optional.of(CustomerRecord.fromItem(Map.of("pk", Attr.s(KEY))))
                    : Optional.empty();
        }
    };

    final RegistrationStore throttled = new RegistrationStore(null, null) {
        @Override
        public RegistrationOutcome save(String customerKey, RegistrationDetails details, Instant now) {
            throw ProvisionedThroughputExceededException.builder().message("slow down").build();
        }
    };

    final RegistrationService service = new RegistrationService(signer, RegistrationFormSpec.of(false, List.of()),
            customers, throttled, null, Clock.systemUTC(), new OnboardingMetrics(new SimpleMeterRegistry()));

    @Test
    void submit_showsTheFormAgain_whenTheStoreRefusesTheWrite() {
        String reference = signer.issue(KEY);

        RegistrationResult result = service.submit(reference, Map.of("company", "A", "contactName", "B",
                "email", "b@example.com"));

        assertThat(result).isInstanceOfSatisfying(RegistrationResult.NotSaved.class, notSaved -> {
            assertThat(notSaved.reference()).isEqualTo(reference);
            assertThat(notSaved.validation().values()).containsEntry("company", "A");
        });
    }

    @Test
    void submit_refusesAValidlySignedReference_toACustomerThatDoesNotExist() {
        RegistrationResult result = service.submit(signer.issue("license#l-unknown"), Map.of());

        assertThat(result).isEqualTo(new RegistrationResult.Refused(new ReferenceCheck.Invalid("unknown customer")));
    }
}
