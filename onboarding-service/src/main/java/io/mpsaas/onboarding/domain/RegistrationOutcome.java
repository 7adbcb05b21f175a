package io.mpsaas.onboarding.domain;

/** What storing a registration did; the conditional writes decide, never a read-then-write. */
public enum RegistrationOutcome {
    /** The first registration of this customer: the customer-registered event goes out. */
    CREATED,
    /** The buyer changed details already registered (the latest submission wins). */
    UPDATED,
    /** The same details again (refresh, back button, double click): nothing written. */
    UNCHANGED
}
