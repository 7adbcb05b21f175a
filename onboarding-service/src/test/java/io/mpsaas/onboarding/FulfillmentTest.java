package io.mpsaas.onboarding;

import static io.mpsaas.onboarding.Buyers.keyOf;
import static io.mpsaas.onboarding.Buyers.land;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.mpsaas.common.customer.CustomerKeys;
import io.mpsaas.common.customer.CustomerRecord;
import io.mpsaas.common.customer.IdentityModel;
import io.mpsaas.common.customer.SubscriptionState;
import io.mpsaas.common.dynamo.SuiteTables;
import io.mpsaas.sandbox.Sandbox;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeRequest;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeResult;
import io.mpsaas.sandbox.marketplace.fault.Operation;
import io.mpsaas.sandbox.testing.InjectSandbox;
import io.mpsaas.sandbox.testing.SandboxTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.mpsaas.sandbox.testing.RawExchange;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The fulfillment URL: AWS's cross-site POST, every way it can go wrong, and what else reaches that path. */
@QuarkusTest
@QuarkusTestResource(value = SandboxTestResource.class, restrictToAnnotatedClass = false)
class FulfillmentTest {

    @InjectSandbox
    Sandbox sandbox;

    @Inject
    DynamoDbClient dynamo;

    @TestHTTPResource("/")
    URI fulfillmentUrl;

    Buyers buyers;

    @BeforeEach
    void setUp() {
        buyers = new Buyers(sandbox, dynamo);
    }

    @AfterEach
    void restoreSimulator() {
        sandbox.simulator().faults().reset();
        sandbox.simulator().clock().reset();
    }

    @Test
    void post_answersRegistrationForm_andStoresConcurrentAgreementsCustomer_whenTokenValid() {
        // GIVEN a buyer who subscribed to a Concurrent Agreements product
        SubscribeResult sub = buyers.subscribe();

        // WHEN AWS's form POST arrives
        Response response = land(sub.registrationToken());

        // THEN that very POST answers 200 with the form, carrying a signed reference and never the token
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.asString()).contains("Set up your account", "name=\"company\"", "name=\"ref\"")
                .doesNotContain(sub.registrationToken());
        assertThat(response.header("Location")).isNull();
        assertThat(Buyers.Form.of(response).reference()).startsWith("v1.");
        // AND the customer is keyed by license, with every identifier AWS returned
        CustomerRecord customer = buyers.customer(CustomerKeys.forLicense(sub.licenseArn())).orElseThrow();
        assertThat(customer.identityModel()).isEqualTo(IdentityModel.CONCURRENT_AGREEMENTS);
        assertThat(customer.licenseArn()).isEqualTo(sub.licenseArn());
        assertThat(customer.customerAwsAccountId()).isEqualTo(sub.customerAWSAccountId());
        assertThat(customer.productCode()).isEqualTo(sub.productCode());
        assertThat(customer.customerIdentifier()).isNull();
        assertThat(customer.subscriptionState()).isEqualTo(SubscriptionState.PENDING);
        assertThat(customer.landings()).isEqualTo(1);
        assertThat(customer.firstLandedAt()).isNotNull().isEqualTo(customer.lastLandedAt());
        assertThat(customer.offerTypeHint()).isNull();
        assertThat(customer.freeTrial()).isFalse();
        assertThat(customer.registered()).isFalse();
        assertThat(customer.version()).isEqualTo(1);
        // AND the customer is findable by account and by product
        var item = buyers.item(customer.key(), CustomerKeys.CUSTOMER_SK);
        assertThat(item.get(SuiteTables.GSI1_PK).s()).isEqualTo("account#" + sub.customerAWSAccountId());
        assertThat(item.get(SuiteTables.GSI1_SK).s()).isEqualTo(customer.key());
        assertThat(item.get(SuiteTables.GSI2_PK).s()).isEqualTo("product#" + sub.productCode());
        assertThat(item.get(SuiteTables.GSI2_SK).s()).isEqualTo(customer.key());
        // AND the security headers are on the page
        assertThat(response.header("Content-Security-Policy")).contains("frame-ancestors 'none'",
                "default-src 'none'");
        assertThat(response.header("Cache-Control")).isEqualTo("no-store");
        assertThat(response.header("Referrer-Policy")).isEqualTo("no-referrer");
        assertThat(response.header("X-Content-Type-Options")).isEqualTo("nosniff");
    }

    @Test
    void post_storesLegacyCustomer_byProductCodeAndCustomerIdentifier() {
        // GIVEN a buyer of a legacy product
        SubscribeResult sub = buyers.subscribe(SubscribeRequest.of(buyers.product(false)).withBuyer(Buyers.account()));
        assertThat(sub.customerIdentifier()).isNotBlank();

        // WHEN the buyer lands
        Response response = land(sub.registrationToken());

        // THEN the customer is keyed the legacy way and keeps the license ARN AWS also returned
        assertThat(response.statusCode()).isEqualTo(200);
        CustomerRecord customer = buyers.customer(CustomerKeys.forLegacy(sub.productCode(), sub.customerIdentifier()))
                .orElseThrow();
        assertThat(customer.identityModel()).isEqualTo(IdentityModel.LEGACY);
        assertThat(customer.customerIdentifier()).isEqualTo(sub.customerIdentifier());
        assertThat(customer.productCode()).isEqualTo(sub.productCode());
        assertThat(customer.customerAwsAccountId()).isEqualTo(sub.customerAWSAccountId());
        assertThat(customer.licenseArn()).isEqualTo(sub.licenseArn());
    }

    @Test
    void post_keepsTheOfferTypeAsAHint_andKeepsIt_onALaterLandingWithoutOfferType() {
        // GIVEN a buyer who took the free trial
        SubscribeResult sub = buyers.subscribe(SubscribeRequest.of(buyers.product(true)).withBuyer(Buyers.account())
                .withFreeTrial());

        // WHEN AWS posts the token with the free-trial offer type, and later without it
        assertThat(land(sub.registrationToken(), "free-trial").statusCode()).isEqualTo(200);
        String key = keyOf(sub);
        assertThat(buyers.item(key, CustomerKeys.CUSTOMER_SK).get("offerTypeHint").s()).isEqualTo("free-trial");
        assertThat(land(sub.registrationToken()).statusCode()).isEqualTo(200);

        // THEN the offer type is still recorded, as a hint: only AWS's notification makes a free trial
        CustomerRecord customer = buyers.customer(key).orElseThrow();
        assertThat(customer.offerTypeHint()).isEqualTo("free-trial");
        assertThat(customer.freeTrial()).isFalse();
        assertThat(customer.landings()).isEqualTo(2);
    }

    @Test
    void repeatedLanding_resolvesToTheSameCustomer_andCountsLandings() {
        // GIVEN a buyer who landed once
        SubscribeResult sub = buyers.subscribe();
        land(sub.registrationToken());
        CustomerRecord first = buyers.customer(keyOf(sub)).orElseThrow();

        // WHEN the page is refreshed (the same token re-posted) and the buyer comes back with a fresh token
        Response refresh = land(sub.registrationToken());
        Response again = land(sandbox.simulator().issueToken(sub.subscriptionId()));

        // THEN every landing answers the form and updates the one customer item
        assertThat(refresh.statusCode()).isEqualTo(200);
        assertThat(again.statusCode()).isEqualTo(200);
        CustomerRecord after = buyers.customer(keyOf(sub)).orElseThrow();
        assertThat(after.landings()).isEqualTo(3);
        assertThat(after.firstLandedAt()).isEqualTo(first.firstLandedAt());
        assertThat(after.lastLandedAt()).isAfterOrEqualTo(first.lastLandedAt());
        assertThat(after.createdAt()).isEqualTo(first.createdAt());
        assertThat(after.version()).isEqualTo(3);
    }

    @Test
    void landing_keepsWhatEntitlementServiceWrote_whenTheNotificationArrivedFirst() {
        // GIVEN entitlement-service already created the customer from subscribe-success
        SubscribeResult sub = buyers.subscribe();
        String key = keyOf(sub);
        EntitlementWrites.activate(dynamo, key, "2026-11-22T06:00:00Z");

        // WHEN the buyer lands
        assertThat(land(sub.registrationToken()).statusCode()).isEqualTo(200);

        // THEN the state and its event time survive, and the landing attributes are added
        CustomerRecord customer = buyers.customer(key).orElseThrow();
        assertThat(customer.subscriptionState()).isEqualTo(SubscriptionState.ACTIVE);
        assertThat(customer.stateEventAt()).isEqualTo("2026-11-22T06:00:00Z");
        assertThat(customer.licenseArn()).isEqualTo(sub.licenseArn());
        assertThat(customer.landings()).isEqualTo(1);
        assertThat(customer.version()).isEqualTo(2);
    }

    @Test
    void post_showsExpiredPage_whenTokenExpired() {
        // GIVEN a token issued more than 4 hours ago (simulator time)
        SubscribeResult sub = buyers.subscribe();
        sandbox.simulator().clock().advance(Duration.ofHours(4).plusMinutes(1));

        // WHEN it is posted
        Response response = land(sub.registrationToken());

        // THEN the page tells the buyer how to get a fresh one, and nothing is stored
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.asString()).contains("Your set-up link has expired",
                "Go back to AWS Marketplace, Your Marketplace Software, and click Set up your account again.")
                .doesNotContain(sub.registrationToken());
        assertThat(buyers.customer(keyOf(sub))).isEmpty();
    }

    @Test
    void post_showsInvalidTokenPage_whenAwsDoesNotKnowTheToken() {
        Response response = land("bm90LWEtcmVhbC10b2tlbg+/=");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.asString()).contains("We could not confirm your subscription",
                "Your Marketplace Software").doesNotContain("bm90LWEtcmVhbC10b2tlbg");
    }

    @Test
    void post_showsMissingTokenPage_whenTheFormHasNoToken() {
        Response noField = given().contentType(Buyers.FORM).formParam("something", "else").post("/").andReturn();
        Response empty = given().contentType(Buyers.FORM).formParam("x-amzn-marketplace-token", "  ").post("/")
                .andReturn();
        Response noBody = given().post("/").andReturn();

        for (Response response : new Response[] {noField, empty, noBody}) {
            assertThat(response.statusCode()).isEqualTo(400);
            assertThat(response.contentType()).startsWith("text/html");
            assertThat(response.asString()).contains("Start from AWS Marketplace", "did not receive a registration"
                    + " token");
        }
    }

    @Test
    void post_readsMultipartForms_andIgnoresATokenInTheQueryString() {
        // GIVEN a buyer
        SubscribeResult sub = buyers.subscribe();

        // WHEN the token arrives in a multipart form
        Response multipart = given().multiPart("x-amzn-marketplace-token", sub.registrationToken())
                .post("/").andReturn();
        // AND a token only in the URL
        Response inUrl = given().contentType(Buyers.FORM).queryParam("x-amzn-marketplace-token",
                sub.registrationToken()).formParam("other", "x").post("/").andReturn();

        // THEN the multipart one lands, the URL one is not used
        assertThat(multipart.statusCode()).isEqualTo(200);
        assertThat(multipart.asString()).contains("name=\"company\"");
        assertThat(inUrl.statusCode()).isEqualTo(400);
        assertThat(buyers.customer(keyOf(sub)).orElseThrow().landings()).isEqualTo(1);
    }

    @Test
    void post_retriesThrottling_andLands_whenMarketplaceRecovers() {
        // GIVEN AWS Marketplace throttles the next two ResolveCustomer calls
        SubscribeResult sub = buyers.subscribe();
        sandbox.simulator().faults().failNext(Operation.RESOLVE_CUSTOMER, 2, "ThrottlingException");

        // WHEN the buyer lands
        Response response = land(sub.registrationToken());

        // THEN the service retried behind the scenes and the buyer gets the form
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.asString()).contains("name=\"company\"");
        assertThat(sandbox.simulator().faults().settings().failNext()).isEmpty();
        assertThat(buyers.customer(keyOf(sub))).isPresent();
    }

    @Test
    void post_showsRetryPage_whenMarketplaceIsDown_andTheRetryButtonLandsLater() {
        // GIVEN AWS Marketplace fails every attempt of this landing
        SubscribeResult sub = buyers.subscribe();
        sandbox.simulator().faults().failNext(Operation.RESOLVE_CUSTOMER, 4, "InternalServiceErrorException");

        // WHEN the buyer lands
        Response down = land(sub.registrationToken(), "free-trial");

        // THEN a 503 page explains and offers a retry button re-posting the same token and offer type
        assertThat(down.statusCode()).isEqualTo(503);
        assertThat(down.header("Retry-After")).isNotBlank();
        assertThat(down.header("Cache-Control")).isEqualTo("no-store");
        assertThat(down.asString()).contains("We could not confirm your subscription just now", "Try again");
        var hidden = Buyers.hiddenFields(down.asString());
        assertThat(hidden).containsEntry("x-amzn-marketplace-token", sub.registrationToken())
                .containsEntry("x-amzn-marketplace-offer-type", "free-trial");
        assertThat(buyers.customer(keyOf(sub))).isEmpty();

        // WHEN AWS Marketplace is back and the buyer presses the button
        Response retried = land(hidden.get("x-amzn-marketplace-token"), hidden.get("x-amzn-marketplace-offer-type"));

        // THEN the buyer lands
        assertThat(retried.statusCode()).isEqualTo(200);
        assertThat(buyers.customer(keyOf(sub)).orElseThrow().offerTypeHint()).isEqualTo("free-trial");
    }

    @Test
    void post_showsContactTheSellerPage_whenTheSellerMustFixSomething() {
        SubscribeResult sub = buyers.subscribe();
        for (String error : new String[] {"DisabledApiException", "AccessDeniedException", "SomethingNewException"}) {
            sandbox.simulator().faults().failNext(Operation.RESOLVE_CUSTOMER, 1, error);

            Response response = land(sub.registrationToken());

            assertThat(response.statusCode()).as(error).isEqualTo(502);
            assertThat(response.asString()).as(error).contains("We could not set up your account",
                    "Contact the seller", "support@example.com").doesNotContain("Try again");
        }
        assertThat(buyers.customer(keyOf(sub))).isEmpty();
    }

    @Test
    void getAndHead_answer200_withTheStartFromAwsMarketplacePage() {
        Response get = given().get("/").andReturn();
        Response head = given().head("/").andReturn();

        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(get.contentType()).startsWith("text/html");
        assertThat(get.asString()).contains("<html lang=\"en\">", "Set up your account", "start",
                "Go to Your Marketplace Software");
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.asString()).isEmpty();
    }

    @Test
    void otherMethods_getA405Page() {
        Response put = given().contentType(Buyers.FORM).body("a=b").put("/").andReturn();
        Response delete = given().delete("/").andReturn();

        assertThat(put.statusCode()).isEqualTo(405);
        assertThat(put.header("Allow")).isEqualTo("GET, HEAD, POST");
        assertThat(put.asString()).contains("This page cannot do that");
        assertThat(delete.statusCode()).isEqualTo(405);
    }

    @Test
    void aMalformedChunkedBody_isAnswered400_notDropped() throws Exception {
        // GIVEN raw requests whose chunk size is not hexadecimal, on the fulfillment URL and the registration form
        for (String path : List.of("/", "/register")) {
            String request = RawExchange.brokenChunks(path, "Content-Type: " + Buyers.FORM + "\r\n");
            // WHEN sent, THEN a 400 answer comes back before the connection closes
            assertThat(RawExchange.exchange(fulfillmentUrl.toURL(), request)).as(path).startsWith("HTTP/1.1 400");
        }
    }

    @Test
    void post_neverAnswers500_toMalformedOversizedOrForeignBodies() {
        byte[] oversized = ("x-amzn-marketplace-token=" + "A".repeat(200_000)).getBytes(StandardCharsets.US_ASCII);

        var badEscape = RawHttp.post(fulfillmentUrl, Buyers.FORM, ascii("x-amzn-marketplace-token=%E0%A4%A&%%%"));
        var badMultipart = RawHttp.post(fulfillmentUrl, "multipart/form-data; boundary=nope",
                ascii("--other\r\nContent-Disposition: form-data\r\n\r\nbroken"));
        var tooLarge = RawHttp.post(fulfillmentUrl, Buyers.FORM, oversized);
        var longToken = RawHttp.post(fulfillmentUrl, Buyers.FORM, ascii("x-amzn-marketplace-token=" + "A".repeat(5000)));
        var json = RawHttp.post(fulfillmentUrl, "application/json", ascii("{\"x-amzn-marketplace-token\":\"x\"}"));
        var binary = RawHttp.post(fulfillmentUrl, "application/octet-stream", new byte[] {0, 1, 2, (byte) 0xff});
        var noType = RawHttp.post(fulfillmentUrl, null, ascii("x-amzn-marketplace-token=abc"));

        assertThat(badEscape.statusCode()).isEqualTo(400);
        assertThat(badMultipart.statusCode()).isEqualTo(400);
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        assertThat(tooLarge.body()).contains("That request was too large");
        assertThat(longToken.statusCode()).isEqualTo(400);
        assertThat(json.statusCode()).isEqualTo(415);
        assertThat(json.body()).contains("Start from AWS Marketplace");
        assertThat(binary.statusCode()).isEqualTo(415);
        assertThat(noType.statusCode()).isEqualTo(415);
        for (var response : List.of(badEscape, badMultipart, tooLarge, longToken, json, binary, noType)) {
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("text/html"));
            assertThat(response.body()).contains("<h1>");
        }
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
