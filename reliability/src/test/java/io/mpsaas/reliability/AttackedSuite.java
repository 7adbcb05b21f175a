package io.mpsaas.reliability;

import io.mpsaas.sandbox.LocalSuite.Service;
import java.util.Map;

/**
 * One suite shared by the hostile-input and security tests (same JVM, started once;
 * {@link io.mpsaas.sandbox.LocalSuite} stops it when the JVM exits). onboarding's fulfillment URL is rate limited
 * here as in production, per address from {@code X-Forwarded-For} (the tests' loopback plays the trusted proxy,
 * {@code suite.onboarding.trusted-proxies}), so the tests give each attack its own address.
 */
final class AttackedSuite {

    /** The header the (simulated) trusted proxy sets; requests without it share the peer's bucket. */
    static final String CLIENT_HEADER = "X-Forwarded-For";

    private static Suite suite;

    private AttackedSuite() {
    }

    static synchronized Suite get() {
        if (suite == null) {
            // the corpus sends thousands of wrong keys and sign-ins from the one loopback address, and then the right
            // ones: the throttle of failed keys stays out of its way here (its own tests: metering's KeyThrottleTest,
            // the console's SignInThrottleTest)
            Map<String, String> unthrottled = Map.of("suite.api.failed-attempts.max-failures", "1000000");
            suite = Suite.start("attacked", Map.of(), Map.of(Service.ONBOARDING, Map.of(
                    "suite.onboarding.rate-limit.enabled", "true",
                    "suite.onboarding.rate-limit.burst", "10",
                    "suite.onboarding.rate-limit.per-minute", "30",
                    "suite.onboarding.trusted-proxies", "127.0.0.1/32,::1/128"),
                    Service.ENTITLEMENT, unthrottled, Service.METERING, unthrottled,
                    Service.CONSOLE, Map.of("suite.console.sign-in-throttle.max-failures", "1000000")));
        }
        return suite;
    }
}
