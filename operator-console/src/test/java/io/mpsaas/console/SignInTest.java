package io.mpsaas.console;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

/**
 * The console on its own, with no service behind it (its %test URLs lead nowhere): Quarkus's form authentication
 * signs an operator in with an operator key and refuses anything else; a page whose service does not answer is a
 * readable page that names the service, with the security headers every page carries.
 */
@QuarkusTest
class SignInTest {

    @Test
    void anonymousPages_goToTheLogin_whichIsAPage() {
        Response page = given().redirects().follow(false).get("/console/customers");
        assertThat(page.statusCode()).isEqualTo(302);
        assertThat(page.header("Location")).endsWith("/console/login");
        Response login = given().get("/console/login");
        assertThat(login.statusCode()).isEqualTo(200);
        assertThat(login.asString()).contains("name=\"operator\"", "name=\"key\"", "/console/j_security_check");
        assertThat(login.header("Content-Security-Policy")).contains("default-src 'none'", "frame-ancestors 'none'");
        assertThat(login.header("Cache-Control")).isEqualTo("no-store");
        // the stylesheet is public (the login page needs it)
        assertThat(given().redirects().follow(false).get("/console/assets/console.css").statusCode()).isEqualTo(200);
    }

    @Test
    void anOperatorKey_signsIn_andAPageWhoseServiceIsDown_namesIt() {
        Response refused = given().redirects().follow(false).formParam("operator", "ada")
                .formParam("key", "test-admin-key").post("/console/j_security_check");
        assertThat(refused.statusCode()).isEqualTo(302);
        assertThat(refused.header("Location")).contains("/console/login?error=1");
        assertThat(refused.getCookie("mpsaas_console")).isNull();

        Response signedIn = given().redirects().follow(false).formParam("operator", "ada")
                .formParam("key", "test-operator-key").post("/console/j_security_check");
        assertThat(signedIn.statusCode()).isEqualTo(302);
        String session = signedIn.getCookie("mpsaas_console");
        assertThat(session).isNotBlank().doesNotContain("test-operator-key");

        Response overview = given().redirects().follow(false).cookie("mpsaas_console", session).get("/console");
        assertThat(overview.statusCode()).isEqualTo(503);
        assertThat(overview.contentType()).startsWith("text/html");
        assertThat(overview.asString()).contains("entitlement-service is unavailable", "did not answer",
                "Signed in as", "ada (key ").doesNotContain("Exception");
        Response missing = given().redirects().follow(false).cookie("mpsaas_console", session)
                .get("/console/no-such-page");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.asString()).contains("Not found", "There is nothing at this address.");
    }
}
