package io.mpsaas.sandbox.marketplace.ui;

import static io.mpsaas.sandbox.marketplace.ui.WebUiClient.AUTH;
import static io.mpsaas.sandbox.marketplace.ui.WebUiClient.unique;
import static io.mpsaas.sandbox.marketplace.ui.WebUiClient.uniqueAccount;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mpsaas.sandbox.marketplace.MarketplaceSimulator;
import io.mpsaas.sandbox.marketplace.api.AwsResponse;
import io.mpsaas.sandbox.marketplace.buyer.EntitlementValue;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeRequest;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeResult;
import io.mpsaas.sandbox.marketplace.buyer.SubscriptionState;
import io.mpsaas.sandbox.marketplace.buyer.SubscriptionView;
import io.mpsaas.sandbox.marketplace.catalog.Dimension;
import io.mpsaas.sandbox.marketplace.catalog.NotificationFormat;
import io.mpsaas.sandbox.marketplace.catalog.PricingModel;
import io.mpsaas.sandbox.marketplace.catalog.Product;
import io.mpsaas.sandbox.marketplace.catalog.ValueType;
import io.mpsaas.sandbox.marketplace.fault.Operation;
import io.mpsaas.sandbox.marketplace.notify.SentNotification;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The web UI over HTTP, without a browser: every page renders (escaped), and every button changes the simulator's
 * state the way its label says, through the simulator's Java API.
 */
class WebUiTest {

    private static final URI FULFILLMENT = URI.create("http://127.0.0.1:9/marketplace/landing?source=aws");
    private static final Pattern HIDDEN = Pattern.compile(
            "<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">");

    private static MarketplaceSimulator sim;
    private static WebUiClient ui;

    @BeforeAll
    static void start() {
        sim = MarketplaceSimulator.builder().fulfillmentUrl(FULFILLMENT).build().start();
        ui = new WebUiClient(sim);
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    // ---------------------------------------------------------------- catalog and product pages

    @Test
    void browserGetOfTheRoot_goesToTheCatalog_whileAwsCallsStillAnswerAtPostRoot() throws Exception {
        // WHEN a browser opens the simulator's address
        HttpResponse<String> root = ui.get("/");
        // THEN it is sent to the catalog
        assertThat(root.statusCode()).isEqualTo(303);
        assertThat(root.headers().firstValue("Location")).hasValue("/marketplace");

        // AND an AWS call at POST / is still the AWS API (here: refused for its missing signature)
        HttpResponse<String> aws = ui.post("/", Map.of());
        assertThat(aws.statusCode()).isEqualTo(400);
        assertThat(aws.headers().firstValue("x-amzn-ErrorType")).hasValue("MissingAuthenticationTokenException");
    }

    @Test
    void catalog_showsACardPerProductWithPricingIdentityAndNotificationFormat() throws Exception {
        // WHEN
        HttpResponse<String> response = ui.get("/marketplace");
        String page = response.body();

        // THEN the page is the simulator's, clearly labelled, and scripts are not allowed on it
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(page).contains("AWS Marketplace simulator — not AWS");
        assertThat(response.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp ->
                assertThat(csp).contains("default-src 'none'").doesNotContain("script-src"));
        // AND every product of the default catalog has a card linking to its page
        for (Product p : sim.products()) {
            assertThat(page).contains("data-product-code=\"" + p.code() + "\"",
                    "href=\"/marketplace/products/" + p.code() + "\"");
        }
        // AND the pricing models, identity models and notification formats are spelled out
        assertThat(page).contains("Subscription · free trial", "Contract with consumption", "Contract</dd>",
                "Concurrent Agreements (license ARN)", "Legacy (CustomerIdentifier)", "SNS and EventBridge",
                "EventBridge</dd>");
    }

    @Test
    void stylesheetAndIcon_areServedByTheSimulator() throws Exception {
        HttpResponse<String> css = ui.get("/marketplace/assets/simulator.css");
        assertThat(css.statusCode()).isEqualTo(200);
        assertThat(css.headers().firstValue("Content-Type")).hasValue("text/css; charset=utf-8");
        assertThat(css.body()).contains(".topbar");
        assertThat(ui.get("/marketplace/assets/favicon.svg").body()).startsWith("<svg");
        assertThat(ui.page("/marketplace")).doesNotContain("http://", "https://fonts", "<script");
    }

    @Test
    void pages_escapeTextThatComesFromTheCatalog() throws Exception {
        // GIVEN a product whose name and dimension description carry markup
        String code = unique("xss");
        sim.addProduct(Product.builder(code, PricingModel.SUBSCRIPTION)
                .name("<script>alert('owned')</script> & Co")
                .dimension(new Dimension("requests", "<img src=x onerror=alert(1)>", ValueType.INTEGER, false,
                        true))
                .build());

        // WHEN the catalog and the product page render
        String catalog = ui.page("/marketplace");
        String product = ui.page("/marketplace/products/" + code);

        // THEN the markup is shown as text
        String escapedName = "&lt;script&gt;alert(&#39;owned&#39;)&lt;/script&gt; &amp; Co";
        assertThat(catalog).contains(escapedName).doesNotContain("<script>alert");
        assertThat(product).contains(escapedName, "&lt;img src=x onerror=alert(1)&gt;")
                .doesNotContain("<script>alert", "<img src=x");
    }

    @Test
    void productPage_describesTheProductAndOffersASubscribeFormThatFitsIt() throws Exception {
        // GIVEN a contract with consumption with one contracted dimension of each value type, and a free trial product
        String code = unique("cwc");
        sim.addProduct(Product.builder(code, PricingModel.CONTRACT_WITH_CONSUMPTION)
                .name("Widgets Pro").notificationFormat(NotificationFormat.BOTH).contractMonths(24)
                .contracted("seats", ValueType.INTEGER).contracted("sso", ValueType.BOOLEAN)
                .contracted("tier", ValueType.STRING).contracted("storage_tb", ValueType.DOUBLE)
                .metered("overage").build());
        String trial = unique("trial");
        sim.addProduct(Product.builder(trial, PricingModel.SUBSCRIPTION).freeTrial(true).metered("requests").build());

        // WHEN
        String page = ui.page("/marketplace/products/" + code);

        // THEN the overview and dimensions are there, with their type and value type
        assertThat(page).contains("<h1>Widgets Pro</h1>", "Contract with consumption", "24 months",
                "SNS and EventBridge", "<code>overage</code></td><td>overage</td><td>Metered</td><td>INTEGER",
                "<code>sso</code></td><td>sso</td><td>Contracted</td><td>BOOLEAN");
        // AND the Subscribe form posts to the product, prefilled with the default buyer, a quantity per contracted
        // dimension, "activate at once" on, and no free trial box for a product without one
        assertThat(page).contains("<form method=\"post\" action=\"/marketplace/products/" + code + "/subscribe\"",
                "name=\"buyerAccountId\" value=\"111122223333\" required pattern=\"[0-9]{12}\"",
                "name=\"q.seats\" value=\"1\"", "<select name=\"q.sso\">", "name=\"q.tier\" value=\"standard\"",
                "name=\"q.storage_tb\" value=\"1.0\"", "name=\"activate\" value=\"on\" checked",
                FULFILLMENT.toString().replace("&", "&amp;"))
                .doesNotContain("name=\"freeTrial\"", "name=\"q.overage\"");
        assertThat(ui.page("/marketplace/products/" + trial)).contains("name=\"freeTrial\"");
    }

    @Test
    void unknownPages_areReadable404Pages() throws Exception {
        HttpResponse<String> product = ui.get("/marketplace/products/no-such-product");
        assertThat(product.statusCode()).isEqualTo(404);
        assertThat(product.body()).contains("AWS Marketplace simulator — not AWS", "No product no-such-product");
        assertThat(ui.get("/marketplace/nowhere").statusCode()).isEqualTo(404);
        HttpResponse<String> sub = ui.post("/marketplace/subscriptions/sub-nope/cancel", Map.of());
        assertThat(sub.statusCode()).isEqualTo(404);
        assertThat(sub.body()).contains("sub-nope");
    }

    // ---------------------------------------------------------------- subscribe

    @Test
    void subscribe_createsTheAgreementAndAnswersTheLaunchPage_thatPostsTheTokenToTheSeller() throws Exception {
        // GIVEN a legacy contract and a buyer
        String code = unique("contract");
        sim.addProduct(Product.builder(code, PricingModel.CONTRACT).contracted("seats", ValueType.INTEGER)
                .contracted("tier", ValueType.STRING).build());
        String account = uniqueAccount();

        // WHEN the buyer subscribes with quantities, activating at once
        HttpResponse<String> launch = ui.post("/marketplace/products/" + code + "/subscribe", Map.of(
                "buyerAccountId", account, "q.seats", "25", "q.tier", "gold", "activate", "on"));

        // THEN the agreement exists, active, with the chosen quantities
        List<SubscriptionView> subs = sim.subscriptions(code, account);
        assertThat(subs).singleElement().satisfies(s -> {
            assertThat(s.state()).isEqualTo(SubscriptionState.ACTIVE);
            assertThat(s.quantities()).containsEntry("seats", new EntitlementValue.IntegerValue(25))
                    .containsEntry("tier", new EntitlementValue.StringValue("gold"));
        });
        assertThat(sim.notifications(code, subs.get(0).subscriptionId(), null))
                .extracting(SentNotification::kind).containsExactly("subscribe-success", "entitlement-updated");
        // AND the answer is the simulator's launch page, posting the latest token to the fulfillment URL
        assertThat(launch.statusCode()).isEqualTo(200);
        assertThat(launch.body()).isEqualTo(sim.launchPage(subs.get(0).subscriptionId()))
                .contains("action=\"" + FULFILLMENT.toString().replace("&", "&amp;") + "\"");
        Map<String, String> fields = hiddenFields(launch.body());
        assertThat(fields).containsOnlyKeys("x-amzn-marketplace-token")
                .containsEntry("x-amzn-marketplace-token", subs.get(0).latestRegistrationToken());
        // AND the token resolves to this customer
        JsonNode resolved = ui.resolve(fields.get("x-amzn-marketplace-token"));
        assertThat(resolved.get("CustomerAWSAccountId").asText()).isEqualTo(account);
        assertThat(resolved.get("CustomerIdentifier").asText()).isEqualTo(subs.get(0).customerIdentifier());
        // AND the token is in no header (never in a URL)
        assertThat(launch.headers().map().toString()).doesNotContain(fields.get("x-amzn-marketplace-token"));
    }

    @Test
    void subscribe_withoutActivateAtOnce_leavesTheAgreementPending_andCarriesTheFreeTrial() throws Exception {
        // GIVEN
        String code = unique("trial");
        sim.addProduct(Product.builder(code, PricingModel.SUBSCRIPTION).freeTrial(true).metered("requests").build());
        String account = uniqueAccount();

        // WHEN "activate at once" is unticked and the free trial ticked
        HttpResponse<String> launch = ui.post("/marketplace/products/" + code + "/subscribe", Map.of(
                "buyerAccountId", account, "freeTrial", "on"));

        // THEN the agreement waits for its payment, no subscribe-success went out, and the seller learns of the trial
        SubscriptionView s = sim.subscriptions(code, account).get(0);
        assertThat(s.state()).isEqualTo(SubscriptionState.PENDING);
        assertThat(s.freeTrial()).isTrue();
        assertThat(sim.notifications(code, s.subscriptionId(), null)).isEmpty();
        assertThat(hiddenFields(launch.body())).containsEntry("x-amzn-marketplace-offer-type", "free-trial");
    }

    @Test
    void subscribe_withABadAccountOrAConflict_goesBackToTheProductWithTheReason() throws Exception {
        // GIVEN a legacy product the buyer already holds
        String code = unique("legacy");
        sim.addProduct(Product.builder(code, PricingModel.SUBSCRIPTION).metered("requests").build());
        String account = uniqueAccount();
        sim.subscribe(SubscribeRequest.of(code).withBuyer(account).activated());

        // WHEN the account id is not 12 digits
        String bad = ui.postAndFollow("/marketplace/products/" + code + "/subscribe",
                Map.of("buyerAccountId", "12ab<b>", "activate", "on"));
        // THEN the product page says why, and nothing was created
        assertThat(bad).contains("class=\"flash flash-error\"", "must be 12 digits", "Subscribe</button>");
        assertThat(sim.subscriptions(code, null)).hasSize(1);

        // WHEN the buyer subscribes again while the first agreement is active
        String conflict = ui.postAndFollow("/marketplace/products/" + code + "/subscribe",
                Map.of("buyerAccountId", account, "activate", "on"));
        // THEN the simulator's conflict is shown
        assertThat(conflict).contains("Subscribing failed:", "already");
        assertThat(sim.subscriptions(code, account)).hasSize(1);
    }

    @Test
    void subscribe_withoutAFulfillmentUrl_sendsTheBuyerToTheirSubscriptionsInstead() throws Exception {
        try (MarketplaceSimulator bare = MarketplaceSimulator.builder().build().start()) {
            WebUiClient bareUi = new WebUiClient(bare);
            String account = uniqueAccount();
            HttpResponse<String> r = bareUi.post("/marketplace/products/sbx-legacy-subscription/subscribe",
                    Map.of("buyerAccountId", account, "activate", "on"));
            assertThat(r.statusCode()).isEqualTo(303);
            assertThat(r.headers().firstValue("Location").orElseThrow()).startsWith("/marketplace/buyers/" + account);
            assertThat(bare.subscriptions("sbx-legacy-subscription", account)).hasSize(1);
        }
    }

    // ---------------------------------------------------------------- buyer page

    @Test
    void buyerPicker_listsKnownAccounts_andGoesToTheChosenOne() throws Exception {
        String account = uniqueAccount();
        sim.subscribe(SubscribeRequest.of("sbx-ca-subscription").withBuyer(account));

        assertThat(ui.page("/marketplace/buyers")).contains("href=\"/marketplace/buyers/" + account + "\"",
                "<form method=\"get\" action=\"/marketplace/buyers\"");
        HttpResponse<String> chosen = ui.get("/marketplace/buyers?account=" + account);
        assertThat(chosen.statusCode()).isEqualTo(303);
        assertThat(chosen.headers().firstValue("Location")).hasValue("/marketplace/buyers/" + account);
        assertThat(ui.get("/marketplace/buyers?account=12").statusCode()).isEqualTo(400);
        assertThat(ui.get("/marketplace/buyers/not-an-account").statusCode()).isEqualTo(400);
        assertThat(ui.page("/marketplace/buyers/" + uniqueAccount())).contains("no subscriptions yet");
    }

    @Test
    void buyerPage_showsEachSubscriptionWithItsIdsQuantitiesAndOnlyTheActionsItsStateAllows() throws Exception {
        // GIVEN one buyer with a pending legacy contract and an active Concurrent Agreements subscription
        String contract = unique("contract");
        sim.addProduct(Product.builder(contract, PricingModel.CONTRACT).name("Seats & more")
                .contracted("seats", ValueType.INTEGER).build());
        String account = uniqueAccount();
        SubscribeResult pending = sim.subscribe(SubscribeRequest.of(contract).withBuyer(account)
                .withQuantity("seats", 7));
        SubscribeResult active = sim.subscribe(SubscribeRequest.of("sbx-ca-subscription").withBuyer(account)
                .activated());

        // WHEN
        String page = ui.page("/marketplace/buyers/" + account);

        // THEN both are listed, newest first, with their identities
        assertThat(page.indexOf(active.subscriptionId())).isLessThan(page.indexOf(pending.subscriptionId()));
        assertThat(page).contains("Seats &amp; more", pending.customerIdentifier(), pending.licenseArn(),
                pending.agreementId(), active.licenseArn(), active.agreementId(),
                "<code>seats</code></td><td>7</td>");
        String pendingCard = card(page, pending.subscriptionId());
        String activeCard = card(page, active.subscriptionId());
        assertThat(pendingCard).contains("Pending payment", "/setup\"", "/activate\"", "/fail\"", "/cancel\"")
                .doesNotContain("/complete-cancellation\"", "/upgrade\"", "/usage\"");
        assertThat(activeCard).contains("state-active", "/setup\"", "/cancel\"", "/usage\"",
                "<option value=\"requests\">", "<option value=\"gb_stored\">")
                .doesNotContain("/activate\"", "/fail\"", "Customer identifier");
        // AND every action is a POST form
        assertThat(page).doesNotContainPattern("<a [^>]*href=\"[^\"]*/(activate|fail|cancel|setup|upgrade|usage)\"");
        assertThat(page).doesNotContain(pending.registrationToken(), active.registrationToken());
    }

    @Test
    void buyThroughTheApiButton_makesThePurchaseAnApiOne_andSaysHowTheSellerGetsTheLink() throws Exception {
        // GIVEN a pending subscription on the buyer's page
        String code = unique("api-buy");
        sim.addProduct(Product.builder(code, PricingModel.SUBSCRIPTION).concurrentAgreements().metered("requests")
                .build());
        String account = uniqueAccount();
        var sub = sim.subscribe(SubscribeRequest.of(code).withBuyer(account));
        String card = card(ui.page("/marketplace/buyers/" + account), sub.subscriptionId());
        assertThat(card).contains("/api-purchase\"", "Buy through the API");

        // WHEN the buyer presses it
        String page = ui.postAndFollow("/marketplace/subscriptions/" + sub.subscriptionId() + "/api-purchase",
                Map.of());

        // THEN the page names the agreement and the seller's call, and the seller's GetAgreementEntitlements carries a
        // token that resolves (the page never shows it)
        assertThat(page).contains("Bought through the API: agreement " + sub.agreementId(),
                "/v1/admin/agreements/" + sub.agreementId() + "/registration-link");
        AwsResponse entitlements = sim.handleAws("AWSMPCommerceService_v20200301.GetAgreementEntitlements",
                WebUiClient.AUTH, ("{\"agreementId\":\"" + sub.agreementId() + "\"}").getBytes(
                        java.nio.charset.StandardCharsets.UTF_8));
        assertThat(entitlements.status()).isEqualTo(200);
        String token = new com.fasterxml.jackson.databind.ObjectMapper().readTree(entitlements.body())
                .at("/agreementEntitlements/0/registrationToken").asText();
        assertThat(token).isNotBlank();
        assertThat(page).doesNotContain(token);
        assertThat(ui.resolve(token).get("LicenseArn").asText()).isEqualTo(sub.licenseArn());
    }

    @Test
    void buyerButtons_driveTheAgreementThroughItsLifeAndSayWhatHappened() throws Exception {
        // GIVEN a pending contract with consumption sending SNS and EventBridge
        String code = unique("cwc");
        sim.addProduct(Product.builder(code, PricingModel.CONTRACT_WITH_CONSUMPTION)
                .notificationFormat(NotificationFormat.BOTH).contracted("seats", ValueType.INTEGER)
                .metered("overage").build());
        String account = uniqueAccount();
        String id = sim.subscribe(SubscribeRequest.of(code).withBuyer(account)).subscriptionId();
        String actions = "/marketplace/subscriptions/" + id + "/";

        // WHEN payment completes THEN it is active and the flash says so
        assertThat(ui.postAndFollow(actions + "activate", Map.of()))
                .contains("Payment completed: subscribe-success sent.", "is now Active");
        assertThat(sim.subscription(id).state()).isEqualTo(SubscriptionState.ACTIVE);

        // WHEN the contract is upgraded THEN the new quantity holds
        assertThat(ui.postAndFollow(actions + "upgrade", Map.of("q.seats", "40"))).contains("Contract amended.");
        assertThat(sim.subscription(id).quantities()).containsEntry("seats", new EntitlementValue.IntegerValue(40));

        // WHEN an upgrade does not fit the dimension THEN the reason is shown and nothing changes
        assertThat(ui.postAndFollow(actions + "upgrade", Map.of("q.seats", "lots")))
                .contains("flash-error", "does not fit dimension");
        assertThat(sim.subscription(id).quantities()).containsEntry("seats", new EntitlementValue.IntegerValue(40));

        // WHEN activating again (not allowed any more) THEN the simulator's conflict is shown
        assertThat(ui.postAndFollow(actions + "activate", Map.of())).contains("flash-error", "cannot activate");

        // WHEN cancelled, then the cancellation completes
        assertThat(ui.postAndFollow(actions + "cancel", Map.of())).contains("unsubscribe-pending sent");
        assertThat(sim.subscription(id).state()).isEqualTo(SubscriptionState.CANCEL_PENDING);
        assertThat(ui.postAndFollow(actions + "complete-cancellation", Map.of())).contains("is now Cancelled");

        // THEN the seller was told every step, on both channels
        assertThat(sim.subscription(id).state()).isEqualTo(SubscriptionState.CANCELLED);
        assertThat(sim.notifications(code, id, null)).extracting(SentNotification::kind).containsExactly(
                "Purchase Agreement Created - Proposer",
                "subscribe-success", "entitlement-updated", "License Updated - Manufacturer",
                "entitlement-updated", "Purchase Agreement Amended - Proposer", "License Updated - Manufacturer",
                "unsubscribe-pending", "Purchase Agreement Ended - Proposer",
                "unsubscribe-success", "entitlement-updated", "License Deprovisioned - Manufacturer");
    }

    @Test
    void buyerPage_showsEachAgreement_andTheBuyerTurnsAutoRenewOff() throws Exception {
        // GIVEN one buyer with a contract bought through a channel partner and a pay-as-you-go subscription
        String account = uniqueAccount();
        SubscribeResult cppo = sim.subscribe(SubscribeRequest.of("sbx-cppo-contract").withBuyer(account)
                .withQuantity("seats", 3).activated());
        SubscribeResult payg = sim.subscribe(SubscribeRequest.of("sbx-ca-subscription").withBuyer(account)
                .activated());

        // WHEN
        String page = ui.page("/marketplace/buyers/" + account);

        // THEN each card shows its agreement: id, status, who offered it, dates, auto-renewal and the terms
        SubscriptionView contract = sim.subscription(cppo.subscriptionId());
        String cppoCard = card(page, cppo.subscriptionId());
        assertThat(cppoCard).contains("<h3>Agreement</h3>", cppo.agreementId(),
                "<dd class=\"agreement-status\">ACTIVE</dd>",
                "<dd class=\"offer-type\">Channel partner 444455556666 (CPPO)</dd>",
                "<dd class=\"agreement-end\">" + Html.time(contract.agreementEnd()) + "</dd>",
                "<dd class=\"auto-renew\">on</dd>",
                "<dd class=\"terms-summary\">contract P12M (seats=3) at 100.00 USD per unit; auto-renews</dd>",
                "/auto-renew-off\"");
        assertThat(card(page, payg.subscriptionId())).contains(payg.agreementId(),
                "<dd class=\"offer-type\">Public offer</dd>",
                "<dd class=\"agreement-end\">none (pay as you go)</dd>",
                "<dd class=\"auto-renew\">no renewal term</dd>", "usage requests at 0.10 USD, gb_stored at 0.10 USD")
                .doesNotContain("/auto-renew-off\"");
        // AND a private offer says so (the Catalog API's DescribeEntity answers the same)
        sim.privateOffer(payg.subscriptionId());
        assertThat(card(ui.page("/marketplace/buyers/" + account), payg.subscriptionId()))
                .contains("<dd class=\"offer-type\">Private offer</dd>");

        // WHEN the buyer turns auto-renew off
        String after = ui.postAndFollow("/marketplace/subscriptions/" + cppo.subscriptionId() + "/auto-renew-off",
                Map.of());

        // THEN the agreement no longer renews, the page says so, and the button is gone
        assertThat(sim.subscription(cppo.subscriptionId()).autoRenew()).isFalse();
        assertThat(after).contains("Auto-renewal turned off");
        assertThat(card(after, cppo.subscriptionId())).contains("<dd class=\"auto-renew\">off</dd>",
                "does not auto-renew").doesNotContain("/auto-renew-off\"");
    }

    @Test
    void sellerPage_listsTheAgreements_withTheirOfferTypeAndTerms_filteredByProduct() throws Exception {
        // GIVEN a CPPO contract and a subscription to another product
        SubscribeResult cppo = sim.subscribe(SubscribeRequest.of("sbx-cppo-contract").withBuyer(uniqueAccount())
                .withQuantity("seats", 2));
        SubscribeResult other = sim.subscribe(SubscribeRequest.of("sbx-ca-subscription").withBuyer(uniqueAccount())
                .activated());

        // WHEN the seller looks at the CPPO product
        String page = ui.page("/marketplace/seller?product=sbx-cppo-contract");

        // THEN the agreement is listed with what the Agreement API says of it
        assertThat(page).contains("<section id=\"agreements\">", "<tr data-agreement-id=\"" + cppo.agreementId(),
                "<td class=\"offer-type\">Channel partner 444455556666 (CPPO)</td>",
                "<td class=\"agreement-status\">ACTIVE</td>", "<td class=\"auto-renew\">on</td>",
                "contract P12M (seats=2) at 100.00 USD per unit; auto-renews")
                .doesNotContain("data-agreement-id=\"" + other.agreementId());
    }

    @Test
    void failPayment_endsThePendingAgreement() throws Exception {
        String account = uniqueAccount();
        String id = sim.subscribe(SubscribeRequest.of("sbx-ca-contract").withBuyer(account)).subscriptionId();

        assertThat(ui.postAndFollow("/marketplace/subscriptions/" + id + "/fail", Map.of()))
                .contains("subscribe-fail sent", "Payment failed");
        assertThat(sim.subscription(id).state()).isEqualTo(SubscriptionState.FAILED);
    }

    @Test
    void setUpYourAccount_mintsAFreshTokenAndPostsItToTheSellerAgain() throws Exception {
        // GIVEN an active subscription and its first token
        String account = uniqueAccount();
        SubscribeResult sub = sim.subscribe(SubscribeRequest.of("sbx-ca-subscription").withBuyer(account)
                .activated());

        // WHEN the buyer clicks "Set up your account"
        HttpResponse<String> launch = ui.post("/marketplace/subscriptions/" + sub.subscriptionId() + "/setup",
                Map.of());

        // THEN the launch page carries a new token that resolves to the same license
        assertThat(launch.statusCode()).isEqualTo(200);
        String token = hiddenFields(launch.body()).get("x-amzn-marketplace-token");
        assertThat(token).isNotEqualTo(sub.registrationToken())
                .isEqualTo(sim.subscription(sub.subscriptionId()).latestRegistrationToken());
        assertThat(ui.resolve(token).get("LicenseArn").asText()).isEqualTo(sub.licenseArn());
    }

    @Test
    void stateChangingActions_refuseGet() throws Exception {
        String id = sim.subscribe(SubscribeRequest.of("sbx-ca-subscription").withBuyer(uniqueAccount())
                .activated()).subscriptionId();

        HttpResponse<String> r = ui.get("/marketplace/subscriptions/" + id + "/cancel");

        assertThat(r.statusCode()).isEqualTo(405);
        assertThat(r.body()).contains("answers POST only");
        assertThat(sim.subscription(id).state()).isEqualTo(SubscriptionState.ACTIVE);
        assertThat(ui.get("/marketplace/seller/reset").statusCode()).isEqualTo(405);
    }

    @Test
    void flashMessages_travelAsAnOpaqueKey_andAnUnknownKeyShowsNothing() throws Exception {
        String id = sim.subscribe(SubscribeRequest.of("sbx-ca-subscription").withBuyer(uniqueAccount()))
                .subscriptionId();

        HttpResponse<String> r = ui.post("/marketplace/subscriptions/" + id + "/activate", Map.of());

        String location = r.headers().firstValue("Location").orElseThrow();
        assertThat(location).matches("/marketplace/buyers/[0-9]{12}\\?flash=[A-Za-z0-9_-]{16}#sub-" + id)
                .doesNotContain("Payment");
        assertThat(ui.page(location.substring(0, location.indexOf('#')))).contains("Payment completed");
        assertThat(ui.page("/marketplace/buyers/111122223333?flash=unknown")).doesNotContain("class=\"flash");
    }

    // ---------------------------------------------------------------- seller page

    @Test
    void sellerPage_showsNotificationsLedgerAndAttempts_filteredByProductAndCustomer() throws Exception {
        // GIVEN two products, each with an active customer, and metering calls: a billed record, an identical retry,
        // a conflicting quantity, and a customer who is not subscribed
        String a = unique("seller-a");
        String b = unique("seller-b");
        sim.addProduct(Product.builder(a, PricingModel.SUBSCRIPTION).metered("requests").build());
        sim.addProduct(Product.builder(b, PricingModel.SUBSCRIPTION).metered("requests").build());
        SubscribeResult ca = sim.subscribe(SubscribeRequest.of(a).withBuyer(uniqueAccount()).activated());
        SubscribeResult cb = sim.subscribe(SubscribeRequest.of(b).withBuyer(uniqueAccount()).activated());
        long hour = sim.clock().instant().truncatedTo(ChronoUnit.HOURS).getEpochSecond();
        meter(a, ca.customerIdentifier(), 42, hour);
        meter(a, ca.customerIdentifier(), 42, hour);
        meter(a, ca.customerIdentifier(), 43, hour);
        meter(a, "NoSuchCust1", 5, hour);
        meter(b, cb.customerIdentifier(), 7, hour);
        String recordId = sim.ledger().records(a, ca.customerIdentifier()).get(0).meteringRecordId();

        // WHEN filtered by product A
        String page = ui.page("/marketplace/seller?product=" + a);

        // THEN A's notification, billed record (with its MeteringRecordId) and every attempt outcome are shown
        assertThat(page).contains("Simulator controls", "subscribe-success", "<details><summary>Raw message",
                "&quot;action&quot;: &quot;subscribe-success&quot;", recordId, "<td class=\"num\">42</td>",
                ">Success<", ">DuplicateRecord<", ">CustomerNotSubscribed<", "NoSuchCust1",
                "<option value=\"" + a + "\" selected>");
        // AND nothing of B
        assertThat(page).doesNotContain(cb.customerIdentifier(), "<td class=\"num\">7</td>");

        // WHEN filtered by B's customer THEN only B's rows remain
        String byCustomer = ui.page("/marketplace/seller?customer=" + cb.customerIdentifier());
        assertThat(byCustomer).contains(cb.customerIdentifier(), "<td class=\"num\">7</td>")
                .doesNotContain(ca.customerIdentifier(), recordId);

        // WHEN a call fails as a whole THEN the attempt shows the batch error
        meter(a, ca.customerIdentifier(), -1, hour);
        assertThat(ui.page("/marketplace/seller?product=" + a)).contains("Batch error: ValidationException");
    }

    @Test
    void simulatorControls_setFaultsAndClock_andReset() throws Exception {
        // a simulator of its own: this test resets everything
        try (MarketplaceSimulator own = MarketplaceSimulator.builder().build().start()) {
            WebUiClient ownUi = new WebUiClient(own);
            own.subscribe(SubscribeRequest.of("sbx-legacy-subscription").activated());

            // WHEN faults are set for BatchMeterUsage
            assertThat(ownUi.postAndFollow("/marketplace/seller/faults", Map.of("operation", "BATCH_METER_USAGE",
                    "throttlingRate", "0.5", "internalErrorRate", "0.1", "unprocessedRate", "0.25",
                    "latencyMs", "20"))).contains("Faults set for BatchMeterUsage");
            // THEN the simulator applies them to that operation only
            assertThat(own.faults().settings().of(Operation.BATCH_METER_USAGE)).satisfies(f -> {
                assertThat(f.throttlingRate()).isEqualTo(0.5);
                assertThat(f.internalErrorRate()).isEqualTo(0.1);
                assertThat(f.unprocessedRate()).isEqualTo(0.25);
                assertThat(f.latencyMs()).isEqualTo(20);
            });
            assertThat(own.faults().settings().of(Operation.RESOLVE_CUSTOMER).throttlingRate()).isZero();

            // WHEN a rate is out of range THEN the reason is shown and nothing changes
            assertThat(ownUi.postAndFollow("/marketplace/seller/faults", Map.of("throttlingRate", "2")))
                    .contains("flash-error", "throttlingRate must be between 0 and 1");
            assertThat(own.faults().settings().of(Operation.GET_ENTITLEMENTS).throttlingRate()).isZero();

            // WHEN the clock is moved 90 minutes ahead
            Instant before = own.clock().instant();
            assertThat(ownUi.postAndFollow("/marketplace/seller/clock", Map.of("offsetMinutes", "90")))
                    .contains("Simulator time is now", "+1 h 30 min");
            assertThat(own.clock().offset()).isEqualTo(Duration.ofMinutes(90));
            assertThat(own.clock().instant()).isAfter(before.plus(Duration.ofMinutes(89)));

            // WHEN faults are reset, then the whole simulator
            ownUi.postAndFollow("/marketplace/seller/faults-reset", Map.of());
            assertThat(own.faults().settings().of(Operation.BATCH_METER_USAGE).throttlingRate()).isZero();
            assertThat(ownUi.postAndFollow("/marketplace/seller/reset", Map.of())).contains("Simulator reset.");
            assertThat(own.subscriptions()).isEmpty();
            assertThat(own.clock().offset()).isZero();
        }
    }

    // ---------------------------------------------------------------- helpers

    private static Map<String, String> hiddenFields(String html) {
        Matcher m = HIDDEN.matcher(html);
        Map<String, String> fields = new java.util.LinkedHashMap<>();
        while (m.find()) {
            fields.put(m.group(1), m.group(2));
        }
        return fields;
    }

    /** The HTML of one subscription's card on the buyer page. */
    private static String card(String page, String subscriptionId) {
        int start = page.indexOf("<article class=\"subscription\" id=\"sub-" + subscriptionId + "\"");
        assertThat(start).as("card of %s", subscriptionId).isNotNegative();
        return page.substring(start, page.indexOf("</article>", start));
    }

    private void meter(String productCode, String customerIdentifier, int quantity, long epochSecond)
            throws Exception {
        String body = "{\"ProductCode\":\"" + productCode + "\",\"UsageRecords\":[{\"Timestamp\":" + epochSecond
                + ",\"CustomerIdentifier\":\"" + customerIdentifier + "\",\"Dimension\":\"requests\",\"Quantity\":"
                + quantity + "}]}";
        sim.handleAws("AWSMPMeteringService.BatchMeterUsage", AUTH, body.getBytes(StandardCharsets.UTF_8));
    }
}
