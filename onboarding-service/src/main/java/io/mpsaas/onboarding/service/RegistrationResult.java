package io.mpsaas.onboarding.service;

import io.mpsaas.common.customer.CustomerRecord;
import io.mpsaas.onboarding.domain.FormValidation;
import io.mpsaas.onboarding.domain.ReferenceCheck;
import io.mpsaas.onboarding.domain.RegistrationDetails;
import io.mpsaas.onboarding.domain.RegistrationOutcome;

/** What a submitted registration form led to. */
public sealed interface RegistrationResult {

    /** Stored (or already stored with the same details). */
    record Registered(CustomerRecord customer, RegistrationDetails details, RegistrationOutcome outcome)
            implements RegistrationResult {
    }

    /** Field errors: the form is shown again with the buyer's values and the same reference. */
    record Invalid(CustomerRecord customer, String reference, FormValidation validation)
            implements RegistrationResult {
    }

    /** Valid, but the store failed (throttled, unreachable): the form is shown again to submit once more. */
    record NotSaved(CustomerRecord customer, String reference, FormValidation validation)
            implements RegistrationResult {
    }

    /** The signed reference is missing, forged, tampered with, expired, or names no customer. */
    record Refused(ReferenceCheck check) implements RegistrationResult {
    }
}
