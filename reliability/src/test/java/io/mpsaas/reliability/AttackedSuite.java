package io.mpsaas.reliability;

import io.mpsaas.sandbox.LocalSuite.Service;
import java.util.Map;

/**
 * One suite shared by the hostile-input and security tests (same JVM, started once;
 * {@link io.mpsaas.sandbox.LocalSuite} stops it when the JVM exits). onboarding's fulfillment URL is rate limited
 * here as in production, per address from {@code X-Forwarded-For}, so the tests give each attack its own address.
 */
final class AttackedSuite {

    /** The header the (simulated) trusted proxy sets; requests without it share the peer's bucket. */
    static final String CLIENT_HEADER = "X-Forwarded-For";

    private static Suite suite;

    private AttackedSuite() {
    }

    static synchronized Suite get() {
        if (suite == null) {
            suite = Suite.start("attacked", Map.of(), Map.of(Service.ONBOARDING, Map.of(
                    "suite.onboarding.rate-limit.enabled", "true",
                    "suite.onboarding.rate-limit.burst", "10",
                    "suite.onboarding.rate-limit.per-minute", "30",
                    "suite.onboarding.rate-limit.client-ip-header", CLIENT_HEADER)));
        }
        return suite;
    }
}
