package io.mpsaas.onboarding;

import static io.mpsaas.onboarding.Buyers.keyOf;
import static io.mpsaas.onboarding.Buyers.validFields;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mpsaas.common.customer.CustomerRecord;
import io.mpsaas.common.messaging.CustomerEvent;
import io.mpsaas.onboarding.service.ReferenceSigner;
import io.mpsaas.sandbox.Sandbox;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeResult;
import io.mpsaas.sandbox.marketplace.fault.Operation;
import io.mpsaas.sandbox.testing.InjectSandbox;
import io.mpsaas.sandbox.testing.SandboxTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Purchases made through the Agreement API: the seller's registration-link call against the simulator (its
 * GetAgreementEntitlements token, ResolveCustomer, the 30-minute expiry on its movable clock), the buyer opening the
 * link and registering through the same form, and every refusal.
 */
@QuarkusTest
@QuarkusTestResource(value = SandboxTestResource.class, restrictToAnnotatedClass = false)
class ApiPurchaseTest {

    static final String ADMIN_KEY = "test-admin-key";
    static final String PROBLEM = "application/problem+json";

    @InjectSandbox
    Sandbox sandbox;

    @Inject
    DynamoDbClient dynamo;

    @Inject
    SqsClient sqs;

    @Inject
    ObjectMapper mapper;

    Buyers buyers;
    CustomerEvents events;

    @BeforeEach
    void setUp() {
        buyers = new Buyers(sandbox, dynamo);
        events = new CustomerEvents(sqs, mapper);
    }

    @AfterEach
    void tearDown() {
        sandbox.simulator().clock().reset();
        sandbox.simulator().faults().reset();
    }

    /** The seller's call. */
    static Response askForLink(String agreementId) {
        // no body (RestAssured would otherwise send a form content type, which the CSRF check takes for a browser form)
        return given().header("Authorization", "Bearer " + ADMIN_KEY).contentType("application/json")
                .post("/v1/admin/agreements/{id}/registration-link", agreementId).andReturn();
    }

    /** A subscription bought through the API, and its registration token as AWS holds it (for the assertions). */
    record ApiPurchase(SubscribeResult sub, String token) {
    }

    ApiPurchase purchaseThroughApi() {
        SubscribeResult sub = buyers.subscribe();
        return new ApiPurchase(sub, sandbox.simulator().purchaseThroughApi(sub.subscriptionId()));
    }

    /** What a browser asks for when the buyer opens the link: its path (RestAssured's base is the service). */
    static Response open(String link) {
        return given().redirects().follow(false).get(URI.create(link).getRawPath()).andReturn();
    }

    @Test
    void link_isIssued_opensTheRegistrationForm_andTheBuyerRegistersOnce() {
        // GIVEN a purchase made through the API
        ApiPurchase purchase = purchaseThroughApi();
        String key = keyOf(purchase.sub());

        // WHEN the seller asks for the registration link
        Response answer = askForLink(purchase.sub().agreementId());

        // THEN the token was resolved at once and the customer stored as a landing stores it
        assertThat(answer.statusCode()).isEqualTo(200);
        JsonPath json = answer.jsonPath();
        assertThat(json.getString("agreementId")).isEqualTo(purchase.sub().agreementId());
        assertThat(json.getString("customerKey")).isEqualTo(key);
        assertThat(json.getString("licenseArn")).isEqualTo(purchase.sub().licenseArn());
        assertThat(json.getString("productCode")).isEqualTo(purchase.sub().productCode());
        assertThat(json.getBoolean("tokenResolved")).isTrue();
        assertThat(json.getBoolean("registered")).isFalse();
        assertThat(Duration.between(Instant.now(), Instant.parse(json.getString("expiresAt"))))
                .isBetween(Duration.ofDays(7).minusMinutes(5), Duration.ofDays(7));
        CustomerRecord customer = buyers.customer(key).orElseThrow();
        assertThat(customer.landings()).isEqualTo(1);
        assertThat(customer.licenseArn()).isEqualTo(purchase.sub().licenseArn());
        // AND the link is absolute, under /register/link/, and carries no registration token (nor does the answer)
        String link = json.getString("link");
        assertThat(link).startsWith("http://localhost:").contains("/register/link/v1.link.");
        assertThat(answer.asString()).doesNotContain(purchase.token());

        // WHEN the buyer opens the link
        Response page = open(link);

        // THEN the same registration form a landing shows: its signed reference, a CSRF token and cookie
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.asString()).contains("Set up your account", "Create my account")
                .doesNotContain(purchase.token());
        assertThat(page.header("Cache-Control")).isEqualTo("no-store");
        assertThat(page.header("Referrer-Policy")).isEqualTo("no-referrer");
        Buyers.Form form = Buyers.Form.of(page);
        assertThat(form.reference()).startsWith("v1.").doesNotStartWith("v1.link.");
        assertThat(form.csrfCookie()).isNotBlank().doesNotContain(purchase.token());

        // WHEN the buyer registers (and, double click, again)
        Response confirmation = form.submit(validFields("API Buyers Ltd"));
        Response again = form.submit(validFields("API Buyers Ltd"));

        // THEN registered once: one registration, one customer-registered event
        assertThat(confirmation.statusCode()).isEqualTo(200);
        assertThat(confirmation.asString()).contains("You are registered", "API Buyers Ltd");
        assertThat(again.asString()).contains("You are all set");
        assertThat(buyers.registration(key).orElseThrow().company()).isEqualTo("API Buyers Ltd");
        assertThat(events.forCustomer(key)).singleElement().satisfies(event -> {
            assertThat(event.eventTypeAttribute()).isEqualTo(CustomerEvent.CUSTOMER_REGISTERED);
            assertThat(event.event().path("customer").path("licenseArn").asText())
                    .isEqualTo(purchase.sub().licenseArn());
        });
        // AND the link opened again shows the stored details to update
        assertThat(open(link).asString()).contains("Update your registration", "API Buyers Ltd");
    }

    @Test
    void repeatedCalls_areIdempotent_andKeepAnsweringAfterTheTokenExpired() {
        // GIVEN a purchase made through the API and the seller's first call
        ApiPurchase purchase = purchaseThroughApi();
        String key = keyOf(purchase.sub());
        assertThat(askForLink(purchase.sub().agreementId()).statusCode()).isEqualTo(200);

        // WHEN the seller asks again within the 30 minutes
        Response second = askForLink(purchase.sub().agreementId());

        // THEN the same customer, resolved again as a refresh of a landing is (one item, landings + 1)
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(second.jsonPath().getString("customerKey")).isEqualTo(key);
        assertThat(second.jsonPath().getBoolean("tokenResolved")).isTrue();
        assertThat(buyers.customer(key).orElseThrow().landings()).isEqualTo(2);

        // WHEN AWS's 30 minutes are over (AWS no longer hands the token out) and the seller asks once more
        sandbox.simulator().clock().advance(Duration.ofMinutes(31));
        Response late = askForLink(purchase.sub().agreementId());

        // THEN a fresh link to the customer the token made, nothing resolved or written
        assertThat(late.statusCode()).isEqualTo(200);
        assertThat(late.jsonPath().getString("customerKey")).isEqualTo(key);
        assertThat(late.jsonPath().getBoolean("tokenResolved")).isFalse();
        assertThat(buyers.customer(key).orElseThrow().landings()).isEqualTo(2);
        assertThat(open(late.jsonPath().getString("link")).statusCode()).isEqualTo(200);
    }

    @Test
    void tokenExpiredBeforeAnyoneAsked_isAConflictNamingWhy() {
        // GIVEN a purchase made through the API that nobody asked about for 31 simulated minutes
        ApiPurchase purchase = purchaseThroughApi();
        sandbox.simulator().clock().advance(Duration.ofMinutes(31));

        // WHEN the seller asks for the link
        Response answer = askForLink(purchase.sub().agreementId());

        // THEN 409 problem+json: no token, and why there can be none
        assertThat(answer.statusCode()).isEqualTo(409);
        assertThat(answer.contentType()).startsWith(PROBLEM);
        assertThat(answer.jsonPath().getString("type")).endsWith("/no-registration-token");
        assertThat(answer.jsonPath().getString("detail")).contains(purchase.sub().agreementId(),
                "not purchased through the API", "expired");
        assertThat(buyers.customer(keyOf(purchase.sub()))).isEmpty();
        // AND the token itself does resolve no more: ExpiredTokenException, as the fulfillment's expired tokens
        assertThat(Buyers.land(purchase.token()).asString()).contains("Your set-up link has expired");
    }

    @Test
    void expiredTokenAtResolveCustomer_isGone_likeTheFulfillmentsExpiredTokens() {
        // GIVEN a purchase whose token runs out between GetAgreementEntitlements and ResolveCustomer
        ApiPurchase purchase = purchaseThroughApi();
        sandbox.simulator().faults().failNext(Operation.RESOLVE_CUSTOMER, 1, "ExpiredTokenException");

        // WHEN the seller asks for the link
        Response answer = askForLink(purchase.sub().agreementId());

        // THEN 410 problem+json, and nothing stored
        assertThat(answer.statusCode()).isEqualTo(410);
        assertThat(answer.contentType()).startsWith(PROBLEM);
        assertThat(answer.jsonPath().getString("type")).endsWith("/registration-token-expired");
        assertThat(answer.asString()).doesNotContain(purchase.token());
        assertThat(buyers.customer(keyOf(purchase.sub()))).isEmpty();
    }

    @Test
    void throttling_isRetriedByTheClient() {
        // GIVEN AWS throttling both calls once
        ApiPurchase purchase = purchaseThroughApi();
        sandbox.simulator().faults().failNext(Operation.GET_AGREEMENT_ENTITLEMENTS, 1, "ThrottlingException");
        sandbox.simulator().faults().failNext(Operation.RESOLVE_CUSTOMER, 1, "ThrottlingException");

        // WHEN / THEN the link is issued all the same
        assertThat(askForLink(purchase.sub().agreementId()).statusCode()).isEqualTo(200);
    }

    @Test
    void throttlingBeyondTheRetries_isUnavailable_withRetryAfter() {
        // GIVEN AWS throttling GetAgreementEntitlements longer than the client retries
        ApiPurchase purchase = purchaseThroughApi();
        sandbox.simulator().faults().failNext(Operation.GET_AGREEMENT_ENTITLEMENTS, 10, "ThrottlingException");

        // WHEN the seller asks for the link
        Response answer = askForLink(purchase.sub().agreementId());

        // THEN 503 problem+json telling when to ask again, and nothing stored
        assertThat(answer.statusCode()).isEqualTo(503);
        assertThat(answer.contentType()).startsWith(PROBLEM);
        assertThat(answer.jsonPath().getString("type")).endsWith("/unavailable");
        assertThat(answer.header("Retry-After")).isEqualTo("30");
        assertThat(answer.asString()).doesNotContain(purchase.token());
        assertThat(buyers.customer(keyOf(purchase.sub()))).isEmpty();
    }

    @Test
    void agreementsNotBoughtThroughTheApi_unknownOrMalformed_areClearProblems() {
        // an agreement from the browser's subscribe flow: AWS hands out no token for it
        SubscribeResult browser = buyers.subscribe();
        Response notApi = askForLink(browser.agreementId());
        assertThat(notApi.statusCode()).isEqualTo(409);
        assertThat(notApi.jsonPath().getString("type")).endsWith("/no-registration-token");

        Response unknown = askForLink("agmt-" + "0".repeat(25));
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.contentType()).startsWith(PROBLEM);
        assertThat(unknown.jsonPath().getString("type")).endsWith("/agreement-not-found");

        Response malformed = askForLink("agmt-bad.id");
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(malformed.jsonPath().getString("type")).endsWith("/invalid-agreement-id");

        Response formBody = given().header("Authorization", "Bearer " + ADMIN_KEY)
                .contentType(Buyers.FORM).formParam("x", "y")
                .post("/v1/admin/agreements/{id}/registration-link", browser.agreementId()).andReturn();
        assertThat(formBody.statusCode()).isEqualTo(400);
        assertThat(formBody.contentType()).startsWith(PROBLEM);
        assertThat(formBody.jsonPath().getString("detail")).contains("JSON");

        Response wrongMethod = given().header("Authorization", "Bearer " + ADMIN_KEY)
                .get("/v1/admin/agreements/{id}/registration-link", browser.agreementId()).andReturn();
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
        assertThat(wrongMethod.contentType()).startsWith(PROBLEM);
    }

    @Test
    void theSellersCall_needsAnAdminKey() {
        ApiPurchase purchase = purchaseThroughApi();
        Response none = given().contentType("application/json").post("/v1/admin/agreements/{id}/registration-link", purchase.sub().agreementId());
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.contentType()).startsWith(PROBLEM);
        Response app = given().header("Authorization", "Bearer test-app-key").contentType("application/json")
                .post("/v1/admin/agreements/{id}/registration-link", purchase.sub().agreementId());
        assertThat(app.statusCode()).isEqualTo(403);
        // nothing was resolved for either
        assertThat(buyers.customer(keyOf(purchase.sub()))).isEmpty();
    }

    @Test
    void tamperedExpiredOrForeignLinks_showAReadablePage() {
        // GIVEN a real link
        ApiPurchase purchase = purchaseThroughApi();
        String link = askForLink(purchase.sub().agreementId()).jsonPath().getString("link");
        String path = URI.create(link).getRawPath();
        String key = keyOf(purchase.sub());

        // a changed character of the signature
        char last = path.charAt(path.length() - 1);
        Response tampered = given().get(path.substring(0, path.length() - 1) + (last == 'A' ? 'B' : 'A'));
        assertThat(tampered.statusCode()).isEqualTo(404);
        assertThat(tampered.contentType()).startsWith("text/html");
        assertThat(tampered.asString()).contains("We could not open this set-up link", "ask the seller");

        // a link of this service's signature, past its lifetime
        ReferenceSigner signer = new ReferenceSigner("dev-only-onboarding-signing-secret-not-for-production",
                Duration.ofHours(1), Clock.fixed(Instant.now(), ZoneOffset.UTC));
        Response expired = given().get("/register/link/" + signer.issueLink(key, Instant.now().minusSeconds(60)));
        assertThat(expired.statusCode()).isEqualTo(410);
        assertThat(expired.asString()).contains("Your set-up link has expired", "Ask the seller for a new set-up link");

        // a form's reference is no link, and a link for a customer we never stored is unknown
        Response formReference = given().get("/register/link/" + signer.issue(key));
        assertThat(formReference.statusCode()).isEqualTo(404);
        Response stranger = given().get("/register/link/"
                + signer.issueLink("license#l-00000000000000000000000000000000", Instant.now().plusSeconds(600)));
        assertThat(stranger.statusCode()).isEqualTo(404);
        Response garbage = given().get("/register/link/not-a-link");
        assertThat(garbage.statusCode()).isEqualTo(404);
        assertThat(garbage.asString()).contains("We could not open this set-up link");
    }
}
