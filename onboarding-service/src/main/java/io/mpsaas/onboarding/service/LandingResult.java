package io.mpsaas.onboarding.service;

import io.mpsaas.common.customer.CustomerRecord;
import io.mpsaas.common.customer.RegistrationRecord;
import io.mpsaas.onboarding.domain.LandingFailure;
import java.util.Optional;

/** What a fulfillment POST led to. */
public sealed interface LandingResult {

    /**
     * The buyer is resolved and stored.
     *
     * @param reference    the signed reference the registration form carries
     * @param registration what the buyer registered on an earlier visit, if anything
     */
    record Landed(CustomerRecord customer, String reference, Optional<RegistrationRecord> registration)
            implements LandingResult {
    }

    /** The buyer cannot go on from here; the page says what to do. */
    record Failed(LandingFailure failure) implements LandingResult {
    }
}
