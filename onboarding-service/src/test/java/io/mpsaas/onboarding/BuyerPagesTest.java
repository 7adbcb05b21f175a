package io.mpsaas.onboarding;

import static io.mpsaas.onboarding.Buyers.keyOf;
import static io.mpsaas.onboarding.Buyers.land;
import static io.mpsaas.onboarding.Buyers.validFields;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.mpsaas.common.customer.SubscriptionState;
import io.mpsaas.sandbox.Sandbox;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeRequest;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeResult;
import io.mpsaas.sandbox.marketplace.catalog.PricingModel;
import io.mpsaas.sandbox.marketplace.catalog.Product;
import io.mpsaas.sandbox.testing.InjectSandbox;
import io.mpsaas.sandbox.testing.SandboxTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * What the buyer pages say (issue 22): the product's own name in sentences that stay grammatical, a state that agrees
 * with the text around it, no form for a subscription that ended, links that stay where the seller points them.
 */
@QuarkusTest
@QuarkusTestResource(value = SandboxTestResource.class, restrictToAnnotatedClass = false)
class BuyerPagesTest {

    /** Named in %test: suite.onboarding.products."onb-named-product".name. */
    static final String NAMED_PRODUCT = "onb-named-product";

    @InjectSandbox
    Sandbox sandbox;

    @Inject
    DynamoDbClient dynamo;

    @ConfigProperty(name = "suite.onboarding.marketplace-url")
    String marketplaceUrl;

    Buyers buyers;

    @BeforeEach
    void setUp() {
        buyers = new Buyers(sandbox, dynamo);
        if (sandbox.simulator().products().stream().noneMatch(p -> p.code().equals(NAMED_PRODUCT))) {
            sandbox.simulator().addProduct(Product.builder(NAMED_PRODUCT, PricingModel.SUBSCRIPTION)
                    .name("Babbage Difference Engine").concurrentAgreements().metered("requests").build());
        }
    }

    @Test
    void landing_namesTheBuyersOwnProduct_andSaysWhatIsKnownOfTheState() {
        // GIVEN a buyer of a product with a name of its own
        SubscribeResult sub = buyers.subscribe(SubscribeRequest.of(NAMED_PRODUCT).withBuyer(Buyers.account()));

        // WHEN the buyer lands, before entitlement-service has read AWS's notification
        String page = land(sub.registrationToken()).asString();

        // THEN the page thanks the buyer for that product, in the header too, and does not claim AWS is still deciding
        assertThat(page).contains("Thank you for subscribing to Babbage Difference Engine in AWS Marketplace.",
                "<span class=\"brand\">Babbage Difference Engine</span>", "Received, not active yet")
                .doesNotContain("Acme Analytics", "Waiting for AWS Marketplace");
    }

    @Test
    void confirmation_ofAnActiveSubscription_doesNotSayAwsStillHasToConfirmIt() {
        // GIVEN a buyer whose subscription AWS confirmed before the registration
        SubscribeResult sub = buyers.subscribe();
        Buyers.Form form = Buyers.Form.of(land(sub.registrationToken()));
        EntitlementWrites.activate(dynamo, keyOf(sub), "2026-11-22T07:00:00Z");

        // WHEN the buyer registers
        String page = form.submit(validFields("Analytical Engines Ltd")).asString();

        // THEN the confirmation shows Active without the "AWS Marketplace confirms ... a few minutes" step
        assertThat(page).contains("You are registered", "Active")
                .doesNotContain("AWS Marketplace confirms your subscription");
    }

    @Test
    void confirmation_ofAPendingSubscription_saysAwsConfirmsIt() {
        SubscribeResult sub = buyers.subscribe();
        String page = Buyers.Form.of(land(sub.registrationToken())).submit(validFields("Pending Ltd")).asString();

        assertThat(page).contains("Received, not active yet", "AWS Marketplace confirms your subscription");
    }

    @Test
    void oldLink_ofASubscriptionThatEnded_offersNoForm_andSaysItEnded() {
        // GIVEN a buyer who registered, then cancelled (entitlement-service wrote UNSUBSCRIBED)
        SubscribeResult sub = buyers.subscribe();
        Buyers.Form.of(land(sub.registrationToken())).submit(validFields("Gone Ltd"));
        EntitlementWrites.state(dynamo, keyOf(sub), SubscriptionState.UNSUBSCRIBED, "2026-11-23T07:00:00Z");

        // WHEN the old link is followed again
        Response again = land(sub.registrationToken());

        // THEN the page says the subscription ended, with no form to update and the way to subscribe again
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.asString()).contains("This subscription has ended", "Cancelled", "subscribe again")
                .doesNotContain("Update your registration", "name=\"ref\"", "<form");
    }

    @Test
    void everyPage_linksToTheConfiguredMarketplace_andHasAnIcon() {
        // GIVEN the marketplace URL of this profile (a local run sets the simulator's Your Marketplace Software)
        assertThat(marketplaceUrl).doesNotContain("aws.amazon.com");

        // WHEN a page is shown
        String page = given().get("/").asString();

        // THEN its links back go there, never to the real AWS Marketplace, and its icon is served
        assertThat(page).contains("href=\"" + marketplaceUrl + "\"").doesNotContain("aws.amazon.com");
        assertThat(page).contains("<link rel=\"icon\" href=\"/assets/favicon.svg\"");
        Response icon = given().get("/assets/favicon.svg");
        assertThat(icon.statusCode()).isEqualTo(200);
        assertThat(icon.contentType()).startsWith("image/svg+xml");
    }
}
