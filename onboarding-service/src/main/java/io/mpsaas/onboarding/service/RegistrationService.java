package io.mpsaas.onboarding.service;

import io.mpsaas.common.customer.CustomerRecord;
import io.mpsaas.common.logging.CustomerMdc;
import io.mpsaas.common.messaging.CustomerIds;
import io.mpsaas.onboarding.domain.FormValidation;
import io.mpsaas.onboarding.domain.ReferenceCheck;
import io.mpsaas.onboarding.domain.RegistrationFormSpec;
import io.mpsaas.onboarding.domain.RegistrationOutcome;
import io.mpsaas.onboarding.persistence.CustomerStore;
import io.mpsaas.onboarding.persistence.RegistrationStore;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The registration submit: checks the signed reference, validates the form, stores the registration with conditional
 * writes and announces a first registration with one {@code customer-registered} event.
 */
@ApplicationScoped
public class RegistrationService {

    private final ReferenceSigner signer;
    private final RegistrationFormSpec form;
    private final CustomerStore customers;
    private final RegistrationStore registrations;
    private final RegistrationEventRelay events;
    private final Clock clock;
    private final OnboardingMetrics metrics;

    public RegistrationService(ReferenceSigner signer, RegistrationFormSpec form, CustomerStore customers,
            RegistrationStore registrations, RegistrationEventRelay events, Clock clock, OnboardingMetrics metrics) {
        this.signer = signer;
        this.form = form;
        this.customers = customers;
        this.registrations = registrations;
        this.events = events;
        this.clock = clock;
        this.metrics = metrics;
    }

    /** The form's fields and rules. */
    public RegistrationFormSpec form() {
        return form;
    }

    /** The customer a posted reference names, when the reference is valid and the customer exists. */
    public Optional<CustomerRecord> customerOf(String reference) {
        return signer.check(reference) instanceof ReferenceCheck.Valid valid ? customers.find(valid.customerKey())
                : Optional.empty();
    }

    /**
     * Handles a submitted form.
     *
     * @param submitted the posted fields by input name (the reference and CSRF fields may be in it; they are ignored)
     */
    public RegistrationResult submit(String reference, Map<String, String> submitted) {
        RegistrationResult result = check(reference, submitted);
        if (result instanceof RegistrationResult.Registered registered) {
            metrics.registered(registered.outcome());
        } else {
            metrics.registrationRefused(result instanceof RegistrationResult.Invalid ? OnboardingMetrics.Refusal.INVALID
                    : result instanceof RegistrationResult.NotSaved ? OnboardingMetrics.Refusal.NOT_SAVED
                    : OnboardingMetrics.Refusal.REFUSED);
        }
        return result;
    }

    private RegistrationResult check(String reference, Map<String, String> submitted) {
        ReferenceCheck check = signer.check(reference);
        if (!(check instanceof ReferenceCheck.Valid valid)) {
            if (check instanceof ReferenceCheck.Expired expired) {
                Log.infof("Registration form of customer %s posted after its reference expired at %s",
                        expired.customerKey(), expired.expiredAt());
            } else {
                Log.infof("Registration form refused: reference %s", ((ReferenceCheck.Invalid) check).reason());
            }
            return new RegistrationResult.Refused(check);
        }
        Optional<CustomerRecord> found = customers.find(valid.customerKey());
        if (found.isEmpty()) {
            Log.warnf("Registration form for customer %s, which has no customer item, refused", valid.customerKey());
            return new RegistrationResult.Refused(new ReferenceCheck.Invalid("unknown customer"));
        }
        CustomerRecord customer = found.get();
        try (CustomerMdc ignored = CustomerMdc.of(CustomerIds.of(customer))) {
            return save(customer, reference, submitted);
        }
    }

    private RegistrationResult save(CustomerRecord customer, String reference, Map<String, String> submitted) {
        FormValidation validation = form.validate(submitted);
        if (!validation.valid()) {
            Log.infof("Registration form of customer %s has invalid fields %s", customer.key(),
                    validation.errors().keySet());
            return new RegistrationResult.Invalid(customer, reference, validation);
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        RegistrationOutcome outcome;
        try {
            outcome = registrations.save(customer.key(), validation.details(), now);
        } catch (RegistrationStore.UnknownCustomerException e) {
            Log.warnf("Customer %s disappeared before its registration was stored", customer.key());
            return new RegistrationResult.Refused(new ReferenceCheck.Invalid("unknown customer"));
        } catch (SdkException e) {
            Log.warnf("Could not store the registration of customer %s (%s); the form was shown again",
                    customer.key(), e.getClass().getSimpleName());
            return new RegistrationResult.NotSaved(customer, reference, validation);
        }
        Log.infof("Registration %s for customer %s (%s, product %s, account %s, license %s, customerIdentifier %s)",
                outcome, customer.key(), customer.identityModel(), customer.productCode(),
                customer.customerAwsAccountId(), customer.licenseArn(), customer.customerIdentifier());
        if (outcome == RegistrationOutcome.CREATED) {
            // only the submission that created the registration announces it; a failed send stays in the outbox
            events.send(customer.key(), now);
        }
        return new RegistrationResult.Registered(customer, validation.details(), outcome);
    }
}
