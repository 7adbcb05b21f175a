package io.mpsaas.console;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.mpsaas.console.security.LocalOidcProvider;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.Cookie;
import io.restassured.http.Cookies;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Sign-in with the company's identity provider (OpenID Connect, {@code suite.console.oidc.*}), against
 * {@link LocalOidcProvider}: an anonymous visitor goes to the provider and comes back signed in; a member of the
 * operator group is an operator named {@code <sub> (sso)}, anyone else sees "Not allowed"; the operator keys of the
 * login page still sign in; signing out ends the console's session.
 */
@QuarkusTest
@TestProfile(SsoSignInTest.WithOidc.class)
class SsoSignInTest {

    /** The console with OpenID Connect on, its provider on a local port. */
    public static class WithOidc implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("suite.console.oidc.enabled", "true");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(LocalOidcProvider.class));
        }
    }

    @Test
    void anOperatorOfTheProvider_signsIn_andOut() {
        Cookies session = signInAtTheProvider("ada-4711", "staff,mpsaas-operators");

        Response overview = given().redirects().follow(false).cookies(session).get("/console/customers");
        // signed in: the page is the console's (the services are down in %test), naming the operator
        assertThat(overview.statusCode()).isEqualTo(503);
        assertThat(overview.asString()).contains("Signed in as", "ada-4711 (sso)", "entitlement-service is unavailable")
                .contains("Sign out");

        String page = overview.asString();
        String token = page.replaceAll("(?s).*name=\"csrf-token\" value=\"([^\"]+)\".*", "$1");
        Cookies withCsrf = new Cookies(merge(session, overview.getDetailedCookies()));
        Response out = given().redirects().follow(false).cookies(withCsrf).contentType("application/x-www-form-urlencoded")
                .formParam("csrf-token", token).post("/console/logout");
        assertThat(out.statusCode()).isEqualTo(303);
        assertThat(out.header("Location")).contains("/console/login?signedOut=1");
        Cookies after = new Cookies(merge(withCsrf, out.getDetailedCookies()));
        Response again = given().redirects().follow(false).cookies(after).get("/console/customers");
        assertThat(again.statusCode()).as("signed out: the provider is asked again").isEqualTo(302);
        assertThat(again.header("Location")).contains("/realms/sellers/authorize");
    }

    @Test
    void someoneOutsideTheOperatorGroup_isNotAllowed() {
        Cookies session = signInAtTheProvider("eve-0001", "staff");

        Response page = given().redirects().follow(false).cookies(session).get("/console/customers");
        assertThat(page.statusCode()).isEqualTo(403);
        assertThat(page.asString()).contains("Not allowed").doesNotContain("Customers</h1>");
    }

    @Test
    void anOperatorKey_stillSignsIn_besideTheProvider() {
        Response signedIn = given().redirects().follow(false).formParam("operator", "ada")
                .formParam("key", "test-operator-key").post("/console/j_security_check");
        assertThat(signedIn.statusCode()).isEqualTo(302);
        String cookie = signedIn.getCookie("mpsaas_console");
        assertThat(cookie).isNotBlank();

        Response overview = given().redirects().follow(false).cookie("mpsaas_console", cookie).get("/console");
        assertThat(overview.statusCode()).isEqualTo(503);
        assertThat(overview.asString()).contains("ada (key ", ", since ");
    }

    /** The authorization code flow as a browser runs it: console, provider, console; the console's cookies after. */
    private static Cookies signInAtTheProvider(String user, String groups) {
        Response challenge = given().redirects().follow(false).get("/console/customers");
        assertThat(challenge.statusCode()).isEqualTo(302);
        String authorize = challenge.header("Location");
        assertThat(authorize).contains("/realms/sellers/authorize", "client_id=operator-console", "state=");

        Response provider = given().redirects().follow(false).urlEncodingEnabled(false)
                .get(authorize + "&test_user=" + user + "&test_groups=" + groups);
        assertThat(provider.statusCode()).isEqualTo(302);
        String callback = provider.header("Location");
        assertThat(callback).contains("/console/sso", "code=");

        Response back = given().redirects().follow(false).urlEncodingEnabled(false)
                .cookies(challenge.getDetailedCookies()).get(callback);
        assertThat(back.statusCode()).as("the code is exchanged and the visitor sent back where they were going")
                .isEqualTo(302);
        assertThat(back.header("Location")).endsWith("/console/customers");
        assertThat(back.getDetailedCookies().asList()).anySatisfy(c -> assertThat(c.getName()).startsWith("q_session"));
        return new Cookies(merge(challenge.getDetailedCookies(), back.getDetailedCookies()));
    }

    private static List<Cookie> merge(Cookies first, Cookies then) {
        List<Cookie> all = new ArrayList<>();
        for (Cookie c : first.asList()) {
            if (!then.hasCookieWithName(c.getName())) {
                all.add(c);
            }
        }
        for (Cookie c : then.asList()) {
            if (c.getValue() != null && !c.getValue().isEmpty() && (c.getMaxAge() != 0)) {
                all.add(c);
            }
        }
        return all;
    }
}
