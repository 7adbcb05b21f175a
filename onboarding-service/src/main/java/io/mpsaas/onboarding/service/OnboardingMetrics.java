package io.mpsaas.onboarding.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.mpsaas.onboarding.domain.LandingFailure;
import io.mpsaas.onboarding.domain.RegistrationOutcome;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Locale;

/**
 * onboarding-service's Prometheus metrics ({@code /q/metrics}; ResolveCustomer calls and errors by type are common's
 * {@code mpsaas_marketplace_calls_total{operation="ResolveCustomer"}}):
 * <ul>
 * <li>{@code mpsaas_onboarding_landings_total{outcome}}: fulfillment POSTs by outcome: {@code landed} or the
 * {@link LandingFailure} ({@code missing_token}, {@code invalid_token}, {@code expired_token},
 * {@code temporarily_unavailable}, {@code setup_failed});</li>
 * <li>{@code mpsaas_onboarding_registrations_total{outcome}}: submitted forms: {@code created}, {@code updated},
 * {@code unchanged} (stored), {@code invalid} (field errors), {@code not_saved} (storage failed), {@code refused}
 * (reference missing, forged or expired);</li>
 * <li>{@code mpsaas_onboarding_events_total{outcome}}: customer-registered events {@code sent} or {@code failed} (left
 * in the outbox for the relay job).</li>
 * </ul>
 */
@Startup
@ApplicationScoped
public class OnboardingMetrics {

    /** Registration outcomes besides the stored ones of {@link RegistrationOutcome}. */
    public enum Refusal {
        INVALID, NOT_SAVED, REFUSED
    }

    private final MeterRegistry registry;
    /** Counted on every landing: held rather than looked up in the registry each time. */
    private final Counter landed;

    public OnboardingMetrics(MeterRegistry registry) {
        this.registry = registry;
        landed = landings("landed");
        for (LandingFailure failure : LandingFailure.values()) {
            landings(tag(failure));
        }
        for (RegistrationOutcome outcome : RegistrationOutcome.values()) {
            registrations(tag(outcome));
        }
        for (Refusal refusal : Refusal.values()) {
            registrations(tag(refusal));
        }
        events("sent");
        events("failed");
    }

    public void landed() {
        landed.increment();
    }

    public void landingFailed(LandingFailure failure) {
        landings(tag(failure)).increment();
    }

    public void registered(RegistrationOutcome outcome) {
        registrations(tag(outcome)).increment();
    }

    public void registrationRefused(Refusal refusal) {
        registrations(tag(refusal)).increment();
    }

    public void event(boolean sent) {
        events(sent ? "sent" : "failed").increment();
    }

    private static String tag(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    private Counter landings(String outcome) {
        return Counter.builder("mpsaas.onboarding.landings").description("Fulfillment POSTs by outcome")
                .tag("outcome", outcome).register(registry);
    }

    private Counter registrations(String outcome) {
        return Counter.builder("mpsaas.onboarding.registrations").description("Registration forms by outcome")
                .tag("outcome", outcome).register(registry);
    }

    private Counter events(String outcome) {
        return Counter.builder("mpsaas.onboarding.events").description("customer-registered events by outcome")
                .tag("outcome", outcome).register(registry);
    }
}
