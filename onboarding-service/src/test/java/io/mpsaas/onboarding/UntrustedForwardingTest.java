package io.mpsaas.onboarding;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.mpsaas.sandbox.testing.SandboxTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Forwarded headers from a peer that is not a trusted proxy are ignored ({@code suite.onboarding.trusted-proxies}
 * names only the VPC here, not the test's loopback client): a client cannot escape the rate limit by naming other
 * addresses in {@code X-Forwarded-For}, nor claim https ({@code X-Forwarded-Proto}, {@code Forwarded}) for HSTS.
 */
@QuarkusTest
@TestProfile(UntrustedForwardingTest.ProxyElsewhere.class)
@QuarkusTestResource(value = SandboxTestResource.class, restrictToAnnotatedClass = false)
class UntrustedForwardingTest {

    public static class ProxyElsewhere implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("suite.onboarding.rate-limit.enabled", "true",
                    "suite.onboarding.rate-limit.burst", "3",
                    "suite.onboarding.rate-limit.per-minute", "1",
                    "suite.onboarding.trusted-proxies", "10.0.0.0/16");
        }
    }

    @Test
    void forwardedHeaders_fromAnUntrustedPeer_areIgnored() {
        // GIVEN a client that claims a new address in X-Forwarded-For and Forwarded on every request
        int limited = 0;
        for (int i = 0; i < 6; i++) {
            Response r = given().redirects().follow(false).header("X-Forwarded-For", "198.51.100." + i)
                    .header("Forwarded", "for=198.51.101." + i + ";proto=https")
                    .header("X-Forwarded-Proto", "https")
                    .contentType("application/x-www-form-urlencoded")
                    .formParam("x-amzn-marketplace-token", "not-a-real-token").post("/");
            if (r.statusCode() == 429) {
                limited++;
            } else {
                assertThat(r.statusCode()).isEqualTo(400);
                // THEN its https claim is not believed either
                assertThat(r.header("Strict-Transport-Security")).isNull();
            }
        }
        // THEN it is one client, its TCP address: limited after its burst of 3
        assertThat(limited).isEqualTo(3);
    }
}
