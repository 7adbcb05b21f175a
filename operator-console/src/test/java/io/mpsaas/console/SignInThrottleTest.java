package io.mpsaas.console;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Failed sign-ins are throttled per client ({@code suite.console.sign-in-throttle.*}): after {@code max-failures}
 * failures in the window the sign-in form answers 429 with {@code Retry-After} (problem+json, or the sign-in page to a
 * browser), even to the right key, until the window ends.
 */
@QuarkusTest
@TestProfile(SignInThrottleTest.Throttled.class)
class SignInThrottleTest {

    /** Two failures in a window of four seconds (so the test sees the window end). */
    public static class Throttled implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("suite.console.sign-in-throttle.max-failures", "2",
                    "suite.console.sign-in-throttle.window", "4s");
        }
    }

    private static Response signIn(String key) {
        return given().redirects().follow(false).formParam("operator", "ada").formParam("key", key)
                .post("/console/j_security_check");
    }

    @Test
    void failedSignIns_areThrottledPerClient_with429RetryAfter_aPageForABrowser_untilTheWindowEnds() {
        // GIVEN a client whose two sign-ins failed
        for (String guess : new String[] {"guess-1", "guess-2"}) {
            Response refused = signIn(guess);
            assertThat(refused.statusCode()).isEqualTo(302);
            assertThat(refused.header("Location")).contains("/console/login?error=1");
        }
        // WHEN it signs in again, even with an operator's key
        Response throttled = signIn("test-operator-key");

        // THEN 429 problem+json, when to come back, and no session
        assertThat(throttled.statusCode()).isEqualTo(429);
        assertThat(throttled.contentType()).startsWith("application/problem+json");
        assertThat(throttled.jsonPath().getInt("status")).isEqualTo(429);
        assertThat(Long.parseLong(throttled.header("Retry-After"))).isBetween(1L, 4L);
        assertThat(throttled.getCookie("mpsaas_console")).isNull();

        // AND a browser is shown the sign-in page saying when to come back, with the console's security headers
        Response page = given().redirects().follow(false).accept("text/html,application/xhtml+xml")
                .formParam("operator", "ada").formParam("key", "test-operator-key").post("/console/j_security_check");
        assertThat(page.statusCode()).isEqualTo(429);
        assertThat(page.contentType()).startsWith("text/html");
        assertThat(Long.parseLong(page.header("Retry-After"))).isBetween(1L, 4L);
        assertThat(page.body().asString()).contains("<form", "Too many failed sign-ins from this client; try again in");
        assertThat(page.header("Content-Security-Policy")).contains("frame-ancestors 'none'");
        assertThat(page.header("Cache-Control")).isEqualTo("no-store");
        assertThat(page.getCookie("mpsaas_console")).isNull();

        // AND after the window the operator's key signs in
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            Response in = signIn("test-operator-key");
            assertThat(in.statusCode()).isEqualTo(302);
            assertThat(in.getCookie("mpsaas_console")).isNotBlank();
        });
    }
}
