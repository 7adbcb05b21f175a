package io.mpsaas.onboarding.domain;

import java.util.Map;

/**
 * The outcome of checking a submitted registration form.
 *
 * @param values  what the buyer entered, normalised, by input name (to show the form again)
 * @param errors  one message per invalid field, by input name, in form order; empty when valid
 * @param details the registration when valid, else null
 */
public record FormValidation(Map<String, String> values, Map<String, String> errors, RegistrationDetails details) {

    public boolean valid() {
        return errors.isEmpty();
    }

    @Override
    public String toString() {
        return "FormValidation[errors=" + errors.keySet() + "]";
    }
}
