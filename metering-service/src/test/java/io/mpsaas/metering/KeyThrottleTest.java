package io.mpsaas.metering;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mpsaas.sandbox.testing.SandboxTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Wrong API keys are throttled per client ({@code suite.api.failed-attempts.*}, common's {@code ApiKeyFilter}): after
 * {@code max-failures} wrong keys in the window the client gets 429 problem+json with {@code Retry-After}, whatever
 * it presents, until the window ends.
 */
@QuarkusTest
@TestProfile(KeyThrottleTest.Throttled.class)
@QuarkusTestResource(value = SandboxTestResource.class, restrictToAnnotatedClass = false)
class KeyThrottleTest {

    /** Three failures in a window of four seconds (so the test sees the window end). */
    public static class Throttled implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("suite.api.failed-attempts.max-failures", "3",
                    "suite.api.failed-attempts.window", "4s");
        }
    }

    private static Response usage(String key) {
        return given().header("X-Api-Key", key).contentType(ContentType.JSON).body("{\"records\":[]}")
                .post("/v1/usage");
    }

    @Test
    void wrongKeys_areThrottledPerClient_with429RetryAfter_untilTheWindowEnds() {
        // GIVEN a client that presented three wrong keys
        for (int i = 0; i < 3; i++) {
            assertThat(usage("guess-" + i).statusCode()).isEqualTo(401);
        }
        // WHEN it tries again, even with the right key, or on an admin endpoint
        Response throttled = usage(UsageApiTest.APP_KEY);
        Response admin = given().header("X-Api-Key", "guess-admin").get("/v1/admin/metering/failures");

        // THEN 429 problem+json, and when to come back
        assertThat(throttled.statusCode()).isEqualTo(429);
        assertThat(throttled.contentType()).startsWith("application/problem+json");
        assertThat(throttled.jsonPath().getInt("status")).isEqualTo(429);
        assertThat(Long.parseLong(throttled.header("Retry-After"))).isBetween(1L, 4L);
        assertThat(admin.statusCode()).isEqualTo(429);

        // AND once the window has passed the right key works again (the malformed-body 400 proves it passed the key)
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(500)).untilAsserted(
                () -> assertThat(usage(UsageApiTest.APP_KEY).statusCode()).isEqualTo(400));
    }
}
