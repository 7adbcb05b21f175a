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
 * The fulfillment URL's rate limit per client address (behind a trusted proxy that appends the client to
 * {@code X-Forwarded-For}; an IPv6 client by its /64), and HSTS on pages that reached the service over TLS through
 * that proxy.
 */
@QuarkusTest
@TestProfile(RateLimitAndTlsHeadersTest.Limited.class)
@QuarkusTestResource(value = SandboxTestResource.class, restrictToAnnotatedClass = false)
class RateLimitAndTlsHeadersTest {

    public static class Limited implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("suite.onboarding.rate-limit.enabled", "true",
                    "suite.onboarding.rate-limit.burst", "3",
                    "suite.onboarding.rate-limit.per-minute", "1",
                    // the test client (the loopback) plays the ALB: its X-Forwarded-For is believed
                    "suite.onboarding.trusted-proxies", "127.0.0.1/32,::1/128");
        }
    }

    private static Response land(String forwardedFor) {
        return given().redirects().follow(false)
                .header("X-Forwarded-For", forwardedFor)
                .contentType("application/x-www-form-urlencoded")
                .formParam("x-amzn-marketplace-token", "not-a-real-token")
                .post("/");
    }

    @Test
    void fulfillmentUrl_answers429WithReadablePageAndRetryAfter_whenOneClientExceedsTheBurst() {
        // GIVEN a client (the proxy appended 198.51.100.7) that used its burst of 3
        for (int i = 0; i < 3; i++) {
            assertThat(land("198.51.100.7").statusCode()).isEqualTo(400); // an unknown token: not limited
        }
        // WHEN it posts again, claiming other addresses in the part of the header it controls
        Response limited = land("203.0.113.1, 198.51.100.7");

        // THEN it is refused with 429, a page that says what to do, and when to come back
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.header("Retry-After")).isNotNull();
        assertThat(Long.parseLong(limited.header("Retry-After"))).isBetween(1L, 60L);
        assertThat(limited.contentType()).startsWith("text/html");
        assertThat(limited.body().asString()).contains("Too many requests", "Wait a minute");
        assertThat(limited.header("Content-Security-Policy")).contains("frame-ancestors 'none'");
        // AND GET is limited too (the same bucket)
        assertThat(given().header("X-Forwarded-For", "198.51.100.7").get("/").statusCode()).isEqualTo(429);

        // AND another client is not affected
        assertThat(land("198.51.100.8").statusCode()).isEqualTo(400);
    }

    @Test
    void anIpv6Client_isLimitedByIts64_rotatingAddressesInsideItGainsNothing() {
        // GIVEN an IPv6 client that used its burst of 3 from three addresses of one /64
        for (int i = 1; i <= 3; i++) {
            assertThat(land("2001:db8:aa:bb::" + i).statusCode()).isEqualTo(400);
        }
        // WHEN it rotates to a fourth address of the same /64 THEN it is limited
        assertThat(land("2001:db8:aa:bb:ffff:1234:5678:9abc").statusCode()).isEqualTo(429);
        // AND the next /64 is another client
        assertThat(land("2001:db8:aa:bc::1").statusCode()).isEqualTo(400);
    }

    @Test
    void pages_carryHsts_onlyWhenTheRequestArrivedOverTls() {
        // GIVEN the TLS-terminating proxy says the buyer used https
        Response overTls = given().header("X-Forwarded-Proto", "https").header("X-Forwarded-For", "192.0.2.10")
                .get("/");
        // THEN the page asks the browser to stay on https
        assertThat(overTls.statusCode()).isEqualTo(200);
        assertThat(overTls.header("Strict-Transport-Security")).isEqualTo("max-age=31536000");
        assertThat(overTls.header("Cache-Control")).isEqualTo("no-store");

        // AND over plain http (no proxy header) there is no HSTS
        Response plain = given().header("X-Forwarded-For", "192.0.2.11").get("/");
        assertThat(plain.statusCode()).isEqualTo(200);
        assertThat(plain.header("Strict-Transport-Security")).isNull();
    }
}
