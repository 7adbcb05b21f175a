package io.mpsaas.entitlement.console;

import static io.mpsaas.entitlement.console.ConsoleClient.ADMIN_KEY;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.mpsaas.common.customer.CustomerRecord;
import io.mpsaas.entitlement.TestSupport;
import io.mpsaas.sandbox.Sandbox;
import io.mpsaas.sandbox.testing.InjectSandbox;
import io.mpsaas.sandbox.testing.SandboxTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.Cookie;
import io.restassured.response.Response;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Only operators get in: anonymous visitors, wrong keys, app keys and forged or stale sessions see the login page and
 * no data; a session lives in a hardened cookie that never holds the key; every form needs its CSRF token; every
 * answer carries the security headers.
 */
@QuarkusTest
@QuarkusTestResource(value = SandboxTestResource.class, restrictToAnnotatedClass = false)
class ConsoleAccessTest {

    @InjectSandbox
    Sandbox sandbox;

    ConsoleFixtures fx;

    @BeforeEach
    void setUp() {
        fx = new ConsoleFixtures(sandbox);
    }

    @Test
    void anonymousRequests_toEveryPage_areRedirectedToTheLogin_andShowNoData() {
        // GIVEN a registered customer with failed usage
        ConsoleFixtures.Buyer buyer = fx.caContractBuyer();
        fx.register(buyer.key(), "Secretive Systems", "Grace Hopper", "grace@example.com", "+1 555 0100", Map.of());
        CustomerRecord c = TestSupport.customer(sandbox, buyer.key()).orElseThrow();
        String failed = fx.aggregate(c, "requests", ConsoleFixtures.hoursAgo(2), "FAILED", 5, "InvalidTag", "bad");
        String key = URLEncoder.encode(buyer.key(), StandardCharsets.UTF_8);

        for (String page : List.of("/console", "/console/customers", "/console/customer?key=" + key,
                "/console/usage?key=" + key, "/console/failures", "/console/parked")) {
            // WHEN an anonymous browser asks for it
            Response response = given().redirects().follow(false).urlEncodingEnabled(false).get(page);

            // THEN it is sent to the login page, which will bring it back, and sees no data
            assertThat(response.statusCode()).as(page).isEqualTo(303);
            assertThat(response.header("Location")).as(page)
                    .contains("/console/login?next=" + URLEncoder.encode(page, StandardCharsets.UTF_8));
            assertThat(response.asString()).doesNotContain(buyer.key(), "Secretive", "grace@example.com");
        }

        // AND an anonymous re-drive, even with a valid CSRF token, does nothing but redirect
        ConsoleClient anonymous = ConsoleClient.anonymous();
        Response redrive = anonymous.post("/console/metering/redrive", Map.of("id", failed));
        assertThat(redrive.statusCode()).isEqualTo(303);
        assertThat(redrive.header("Location")).contains("/console/login");
        assertThat(TestSupport.meteringCommands(sandbox).forCustomer(buyer.key())).isEmpty();
    }

    @Test
    void aWrongKey_orAnAppKey_isRefused_withoutASession() {
        for (String key : List.of("not-a-key", ConsoleClient.APP_KEY, ADMIN_KEY + " extra")) {
            // GIVEN the login page, WHEN someone signs in with a key that is not an admin key
            ConsoleClient client = ConsoleClient.anonymous();
            Response response = client.signIn(key, null);

            // THEN the login page says so, and no session cookie is set
            assertThat(response.statusCode()).as(key).isEqualTo(401);
            assertThat(response.asString()).contains("That key is not an operator key").doesNotContain(key);
            assertThat(response.detailedCookies().get(ConsoleAuth.COOKIE)).isNull();
            assertThat(client.get("/console/customers").statusCode()).isEqualTo(303);
        }
    }

    @Test
    void theAdminKey_opensASession_inAnHttpOnlyStrictCookie_thatNeverHoldsTheKey_andGoesBackWhereItWasAsked() {
        // GIVEN an operator sent to the login page from a customer list
        ConsoleClient client = ConsoleClient.anonymous();

        // WHEN the right key is entered
        Response response = client.signIn(ADMIN_KEY, "/console/customers?state=ACTIVE");

        // THEN the session cookie is hardened and carries a signed token, not the key
        assertThat(response.statusCode()).isEqualTo(303);
        assertThat(response.header("Location")).endsWith("/console/customers?state=ACTIVE");
        Cookie session = response.detailedCookies().get(ConsoleAuth.COOKIE);
        assertThat(session).isNotNull();
        assertThat(session.isHttpOnly()).isTrue();
        assertThat(session.getSameSite()).isEqualToIgnoringCase("Strict");
        assertThat(session.getPath()).isEqualTo("/console");
        assertThat(session.isSecured()).as("plain http here: Secure only over TLS").isFalse();
        assertThat(session.getMaxAge()).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(30).toSeconds());
        assertThat(session.getValue()).startsWith("v1.").doesNotContain(ADMIN_KEY);
        // AND the pages open
        assertThat(client.get("/console/customers").statusCode()).isEqualTo(200);
        // AND a next page elsewhere is never followed
        ConsoleClient other = ConsoleClient.anonymous();
        assertThat(other.signIn(ADMIN_KEY, "https://evil.example/console/x").header("Location"))
                .endsWith("/console/customers");
        assertThat(ConsoleClient.anonymous().signIn(ADMIN_KEY, "//evil.example/console/").header("Location"))
                .endsWith("/console/customers");
    }

    @Test
    void aTamperedOrForeignSession_isRefused_andSentToTheLoginAsEnded() {
        ConsoleClient client = ConsoleClient.signedIn();
        String token = client.cookie(ConsoleAuth.COOKIE);

        // a token whose expiry was pushed out, keeping the signature
        String[] parts = token.split("\\.");
        String longer = String.join(".", parts[0], parts[1], parts[2], Long.toString(Long.parseLong(parts[3]) + 86400),
                parts[4]);
        // a token signed with another secret for the same key
        SessionTokens foreign = new SessionTokens("another-secret-another-secret-another-secret",
                Duration.ofMinutes(30), Duration.ofHours(8), Clock.systemUTC());
        String forged = foreign.token(foreign.login(ADMIN_KEY, List.of(ADMIN_KEY)).orElseThrow());

        for (String bad : List.of(longer, forged, "v1.x.1.2.sig", ADMIN_KEY)) {
            client.cookie(ConsoleAuth.COOKIE, bad);
            Response response = client.get("/console/customers");
            assertThat(response.statusCode()).as(bad).isEqualTo(303);
            assertThat(response.header("Location")).as(bad).contains("/console/login").contains("expired=1");
        }
    }

    @Test
    void signingOut_endsTheSession() {
        ConsoleClient client = ConsoleClient.signedIn();
        client.get("/console/customers");

        Response out = client.post("/console/logout", Map.of());

        assertThat(out.statusCode()).isEqualTo(303);
        assertThat(out.header("Location")).endsWith("/console/login?signedOut=1");
        Cookie cleared = out.detailedCookies().get(ConsoleAuth.COOKIE);
        assertThat(cleared.getMaxAge()).isZero();
        assertThat(client.cookie(ConsoleAuth.COOKIE)).isNull();
        assertThat(client.get("/console/customers").statusCode()).isEqualTo(303);
        assertThat(client.get("/console/login?signedOut=1").asString()).contains("You are signed out.");
    }

    @Test
    void formsWithoutTheirCsrfToken_areRefused_andDoNothing() {
        // GIVEN a signed-in operator and a re-drivable aggregate
        ConsoleFixtures.Buyer buyer = fx.legacyContractBuyer();
        CustomerRecord c = TestSupport.customer(sandbox, buyer.key()).orElseThrow();
        String id = fx.aggregate(c, "requests", ConsoleFixtures.hoursAgo(3), "CUSTOMER_NOT_SUBSCRIBED", 4,
                "CustomerNotSubscribed", null);
        ConsoleClient client = ConsoleClient.signedIn();
        client.get("/console/failures");

        // WHEN the re-drive is posted without a token, or with a wrong one (a forged cross-site form)
        Response missing = client.postRaw("/console/metering/redrive", Map.of("id", id));
        Response wrong = client.postRaw("/console/metering/redrive", Map.of("id", id, ConsoleClient.CSRF_FIELD,
                "AAAAAAAAAAAAAAAAAAAAAA"));
        // and a login without one
        Response login = new ConsoleClient().postRaw("/console/login", Map.of("key", ADMIN_KEY));

        // THEN each is refused with a page, and no command was sent
        for (Response r : List.of(missing, wrong, login)) {
            assertThat(r.statusCode()).isEqualTo(403);
            assertThat(r.contentType()).startsWith("text/html");
            assertThat(r.asString()).contains("This form has expired");
            assertThat(r.detailedCookies().get(ConsoleAuth.COOKIE)).isNull();
        }
        assertThat(TestSupport.meteringCommands(sandbox).forCustomer(buyer.key())).isEmpty();
        // AND with the token the same form goes through
        assertThat(client.post("/console/metering/redrive", Map.of("id", id)).statusCode()).isEqualTo(200);
        assertThat(TestSupport.meteringCommands(sandbox).forCustomer(buyer.key())).hasSize(1);
    }

    @Test
    void everyConsoleAnswer_carriesTheSecurityHeaders() {
        ConsoleClient client = ConsoleClient.signedIn();
        for (Response r : List.of(client.get("/console/login"), client.get("/console/customers"),
                given().redirects().follow(false).get("/console/parked"), client.get("/console/assets/console.css"),
                client.get("/console/nowhere"))) {
            assertThat(r.header("Content-Security-Policy")).contains("default-src 'none'")
                    .contains("frame-ancestors 'none'").contains("form-action 'self'").doesNotContain("script-src");
            assertThat(r.header("X-Frame-Options")).isEqualTo("DENY");
            assertThat(r.header("X-Content-Type-Options")).isEqualTo("nosniff");
            assertThat(r.header("Cache-Control")).isEqualTo("no-store");
            assertThat(r.header("Referrer-Policy")).isEqualTo("no-referrer");
        }
        Response unknown = client.get("/console/nowhere");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.contentType()).startsWith("text/html");
        assertThat(unknown.asString()).contains("Page not found");
    }

    @Test
    void theJsonApi_isUntouchedByTheConsole_noCsrfCheckNoCookie() {
        given().header("X-Api-Key", ADMIN_KEY).when().post("/api/v1/admin/parked-messages/replay?queue=nope")
                .then().statusCode(404).contentType("application/problem+json");
        given().header("X-Api-Key", ADMIN_KEY).contentType("application/x-www-form-urlencoded")
                .when().post("/api/v1/admin/parked-messages/replay?queue=nope")
                .then().statusCode(404).contentType("application/problem+json");
        given().header("X-Api-Key", ADMIN_KEY).contentType("application/json").body("{}")
                .when().post("/api/v1/admin/parked-messages/replay?queue=nope")
                .then().statusCode(404).contentType("application/problem+json");
        given().when().get("/api/v1/customers/license%23l-nope").then().statusCode(401)
                .header("Set-Cookie", org.hamcrest.Matchers.nullValue());
    }
}
