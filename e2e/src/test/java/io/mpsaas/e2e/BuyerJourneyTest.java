package io.mpsaas.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mpsaas.common.webhook.WebhookSignature;
import io.mpsaas.sandbox.LocalSuite;
import io.mpsaas.sandbox.LocalSuite.Service;
import io.mpsaas.sandbox.Sandbox;
import io.mpsaas.sandbox.marketplace.MarketplaceSimulator;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeRequest;
import io.mpsaas.sandbox.marketplace.buyer.SubscriptionState;
import io.mpsaas.sandbox.marketplace.buyer.SubscriptionView;
import io.mpsaas.sandbox.marketplace.ledger.MeteredRecord;
import io.mpsaas.sandbox.marketplace.webhook.WebhookReceiver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole life of customers on every pricing model, on one machine: the suite started exactly as
 * {@code run-local.sh} starts it (the sandbox in this JVM, the three packaged services as child processes on free
 * ports), and a real headless Chromium playing the buyer in the simulated AWS Marketplace and on the onboarding pages.
 * The seller's app is played over HTTP (access API, usage API) and on the customer-events queue; AWS's side is read
 * from the simulator's ledger and notification log.
 *
 * <p>Each journey owns its buyer account. The simulator only bills usage from the hour an agreement started, so each
 * customer subscribes with the simulator's clock set an hour back: usage of the previous hour is then billable, and
 * the hourly job (every 5 seconds here) meters it, while the current hour stays open until the final flush.
 * Screenshots of every step: {@code e2e/target/screenshots/<journey>/NN-<step>.png}.
 */
class BuyerJourneyTest {

    /** Longest wait for something asynchronous (SQS hops, the metering job, a browser page). */
    private static final Duration ASYNC = Duration.ofSeconds(60);

    /** A journey must not straddle the turn of the hour (its "current hour" would close under it). */
    private static final Duration JOURNEY_ROOM = Duration.ofMinutes(3);

    private static final String CONSUMPTION = "sbx-contract-consumption";

    private static LocalSuite suite;
    private static MarketplaceSimulator sim;
    private static SuiteApi api;
    private static SellerAppInbox sellerApp;

    @BeforeAll
    static void startTheSuite() {
        Path root = Path.of(System.getProperty("mpsaas.root", "..")).toAbsolutePath().normalize();
        String consumption = "suite.metering.products.\"" + CONSUMPTION + "\".";
        Map<Service, Map<String, String>> serviceConfig = Map.of(
                Service.METERING, Map.of(
                        // the hourly job every 5 s: it still meters closed hours only
                        "suite.metering.job.cron", "*/5 * * * * ?",
                        // only the overage beyond the contract's storage_tb is billed for overage_requests
                        consumption + "pricing-model", "CONTRACT_WITH_CONSUMPTION",
                        consumption + "entitlement-dimensions.overage_requests", "storage_tb"),
                // no scheduled re-read of entitlements in the middle of a journey: notifications drive everything
                Service.ENTITLEMENT, Map.of("suite.entitlement.reconciliation.enabled", "false"));
        suite = LocalSuite.start(new LocalSuite.Options(root, Sandbox.Ports.RANDOM, true,
                Path.of("target", "local-run").toAbsolutePath(), Map.of(), serviceConfig));
        sim = suite.sandbox().simulator();
        ObjectMapper json = new ObjectMapper();
        api = new SuiteApi(suite, json);
        sellerApp = new SellerAppInbox(suite.sandbox().aws(), json);
    }

    @AfterAll
    static void stopTheSuite() {
        if (suite != null) {
            suite.close();
        }
    }

    @Test
    void legacySnsSubscription_registeredBeforePayment_meteredHourly_flushedOnCancel_thenRevoked() {
        Hours hours = Hours.withRoom(JOURNEY_ROOM);
        String account = newAccount();
        try (BuyerBrowser buyer = BuyerBrowser.start(sim.endpoint(), "1-legacy-sns-subscription")) {
            // GIVEN a buyer who subscribes to the pay-as-you-go product without paying at once
            Customer customer = subscribeAnHourAgo(buyer, "sbx-legacy-subscription", account, Map.of(), false,
                    false);

            // WHEN the buyer registers on the page the fulfillment POST landed on
            assertThat(buyer.register("Analytical Engines Ltd", "Ada Lovelace", "ada@example.com"))
                    .isEqualTo("You are registered");

            // THEN the subscription waits for AWS, and the app may not let the customer in nor bill yet
            assertThat(buyer.confirmedSubscriptionState())
                    .isEqualTo("Received, not active yet");
            assertAccess(api.access(customer, "requests"), false, "STATE", "PENDING");
            assertRejected(api.reportUsage(customer, "requests", 3, hours.previousHourAt(10)), "CUSTOMER_NOT_ACTIVE");

            // WHEN AWS completes the payment (subscribe-success over SNS)
            buyer.openBuyerPage(account);
            assertThat(buyer.press(customer.id(), "activate")).contains("subscribe-success sent");
            buyer.screenshot("buyer-activated");

            // THEN entitlement-service lets the customer in, with what the buyer registered
            awaitAccess(customer, "requests", true, "PAY_AS_YOU_GO", "ACTIVE");
            JsonNode stored = api.customer(customer);
            assertThat(stored.path("registration").path("company").asText()).isEqualTo("Analytical Engines Ltd");
            assertThat(stored.path("customerIdentifier").asText()).isEqualTo(customer.ledgerId());

            // WHEN the app reports usage of the previous (closed) hour, by API and with the usage generator, and
            // usage of the current hour
            assertAccepted(api.reportUsage(customer, "requests", 30, hours.previousHourAt(10)), hours.previous());
            assertAccepted(api.reportUsage(customer, "requests", 12, hours.previousHourAt(40)), hours.previous());
            assertThat(buyer.sendUsage(customer.id(), "active_users", 7, -1))
                    .contains("answered HTTP 200", "\"status\":\"accepted\"");
            buyer.screenshot("buyer-usage-sent");
            assertAccepted(api.reportUsage(customer, "requests", 5, hours.now()), hours.current());

            // THEN the metering job bills exactly the closed hour, and leaves the open hour for later
            awaitLedger(customer, tuple("requests", hours.previous(), 42), tuple("active_users", hours.previous(), 7));
            awaitAggregates(customer, Map.of("requests@" + hours.previous(), "SENT",
                    "active_users@" + hours.previous(), "SENT", "requests@" + hours.current(), "OPEN"));

            // WHEN the buyer cancels (unsubscribe-pending)
            cancelAndAwaitFinalFlush(buyer, customer, "requests", tuple("requests", hours.previous(), 42),
                    tuple("active_users", hours.previous(), 7), tuple("requests", hours.current(), 5));
            // AND the flushed hour takes no more usage
            assertRejected(api.reportUsage(customer, "requests", 1, hours.now()), "HOUR_ALREADY_METERED");

            // WHEN the cancellation completes (unsubscribe-success)
            completeCancellation(buyer, customer, "UNSUBSCRIBED", "requests");

            // THEN AWS billed exactly what the app reported, once
            assertLedger(customer, tuple("requests", hours.previous(), 42), tuple("active_users", hours.previous(), 7),
                    tuple("requests", hours.current(), 5));
            showLedger(buyer, customer, 3);
            // AND the seller's app heard of every step, in the order it happened
            awaitEvents(customer, "customer-registered", "customer-activated", "customer-unsubscribe-pending",
                    "customer-deactivated");
            assertThat(sellerApp.eventTypes(customer)).containsExactly("customer-registered", "customer-activated",
                    "customer-unsubscribe-pending", "customer-deactivated");
        }
    }

    @Test
    void concurrentAgreementsEventBridgeSubscription_paidAtOnce_meteredHourly_flushedOnCancel_thenDeprovisioned() {
        Hours hours = Hours.withRoom(JOURNEY_ROOM);
        String account = newAccount();
        try (BuyerBrowser buyer = BuyerBrowser.start(sim.endpoint(), "2-ca-eventbridge-subscription")
                .withReadmePictures()) {
            // GIVEN a buyer who subscribes and pays at once: EventBridge agreement and license events
            Customer customer = subscribeAnHourAgo(buyer, "sbx-ca-subscription", account, Map.of(), false, true);
            assertThat(customer.subscription().licenseArn()).startsWith("arn:aws:license-manager::" + account);

            // WHEN the license event has made the customer active, and the buyer registers
            awaitAccess(customer, "requests", true, "PAY_AS_YOU_GO", "ACTIVE");
            assertThat(buyer.register("Difference Engines LLC", "Charles Babbage", "charles@example.com"))
                    .isEqualTo("You are registered");

            // THEN the confirmation says the subscription is active, and the customer is known by its license
            assertThat(buyer.confirmedSubscriptionState()).isEqualTo("Active");
            JsonNode stored = api.customer(customer);
            assertThat(stored.path("licenseArn").asText()).isEqualTo(customer.subscription().licenseArn());
            assertThat(stored.path("customerAwsAccountId").asText()).isEqualTo(account);
            assertThat(stored.has("customerIdentifier")).isFalse();
            assertThat(stored.path("registration").path("company").asText()).isEqualTo("Difference Engines LLC");

            // WHEN the app reports usage of the previous hour, and the usage generator usage of the current hour
            assertAccepted(api.reportUsage(customer, "requests", 100, hours.previousHourAt(5)), hours.previous());
            assertAccepted(api.reportUsage(customer, "gb_stored", 3, hours.previousHourAt(55)), hours.previous());
            buyer.openBuyerPage(account);
            assertThat(buyer.sendUsage(customer.id(), "requests", 9, 0)).contains("answered HTTP 200",
                    "\"status\":\"accepted\"", "\"meteredHour\":\"" + hours.current() + "\"");

            // THEN the metering job bills the closed hour by license (no CustomerIdentifier)
            awaitLedger(customer, tuple("requests", hours.previous(), 100), tuple("gb_stored", hours.previous(), 3));
            assertThat(sim.ledger().records(customer.productCode(), customer.ledgerId()))
                    .allSatisfy(r -> assertThat(r.customerIdentifier()).isNull())
                    .allSatisfy(r -> assertThat(r.customerAWSAccountId()).isEqualTo(account));

            // WHEN the buyer cancels (Purchase Agreement Ended, CANCELLED)
            cancelAndAwaitFinalFlush(buyer, customer, "requests", tuple("requests", hours.previous(), 100),
                    tuple("gb_stored", hours.previous(), 3), tuple("requests", hours.current(), 9));

            // WHEN the cancellation completes (License Deprovisioned)
            completeCancellation(buyer, customer, "DEPROVISIONED", "requests");

            // THEN AWS billed exactly what the app reported
            assertLedger(customer, tuple("requests", hours.previous(), 100), tuple("gb_stored", hours.previous(), 3),
                    tuple("requests", hours.current(), 9));
            showLedger(buyer, customer, 3);
            assertThat(buyer.notificationKinds()).containsExactly("License Deprovisioned - Manufacturer",
                    "Purchase Agreement Ended - Proposer", "License Updated - Manufacturer",
                    "Purchase Agreement Created - Proposer");
            awaitEvents(customer, "customer-registered", "customer-activated", "customer-unsubscribe-pending",
                    "customer-deactivated");
        }
    }

    @Test
    void concurrentAgreementsContract_registeredBeforePayment_upgradeRaisesTheEntitlement_neverMetered_cancelRevokes() {
        String account = newAccount();
        try (BuyerBrowser buyer = BuyerBrowser.start(sim.endpoint(), "3-ca-eventbridge-contract")) {
            // GIVEN a buyer who orders a contract for 10 seats with single sign-on, and registers before paying
            // (only Purchase Agreement Created has arrived: it names no license yet)
            Customer customer = subscribeAnHourAgo(buyer, "sbx-ca-contract", account,
                    Map.of("seats", "10", "sso", "true"), false, false);
            assertThat(buyer.register("Jacquard Looms SA", "Joseph Jacquard", "joseph@example.com"))
                    .isEqualTo("You are registered");
            assertThat(buyer.confirmedSubscriptionState())
                    .isEqualTo("Received, not active yet");
            assertAccess(api.access(customer, "seats"), false, "STATE", "PENDING");

            // WHEN AWS completes the payment (License Updated)
            buyer.openBuyerPage(account);
            assertThat(buyer.press(customer.id(), "activate")).contains("subscribe-success sent");

            // THEN the access API answers from the contract, and a pure contract is never metered
            awaitAccess(customer, "seats", true, "ENTITLED", "ACTIVE");
            assertEntitled(api.access(customer, "seats"), 10);
            assertThat(api.access(customer, "sso").path("value").asBoolean()).isTrue();
            assertAccess(api.access(customer, "requests"), false, "MISSING_DIMENSION", "ACTIVE");
            assertRejected(api.reportUsage(customer, "seats", 1, Instant.now()), "NOT_METERED");

            // WHEN the buyer upgrades to 25 seats (Purchase Agreement Amended, License Updated)
            buyer.openBuyerPage(account);
            assertThat(buyer.upgrade(customer.id(), Map.of("seats", "25"))).contains("Contract amended");
            buyer.screenshot("buyer-upgraded");

            // THEN the access API answers the new quantity
            await().atMost(ASYNC).untilAsserted(() -> assertEntitled(api.access(customer, "seats"), 25));

            // WHEN the buyer cancels: access continues until the cancellation completes
            assertThat(buyer.press(customer.id(), "cancel")).contains("unsubscribe-pending sent");
            await().atMost(ASYNC).untilAsserted(() ->
                    assertAccess(api.access(customer, "seats"), true, "ENTITLED", "UNSUBSCRIBE_PENDING"));
            completeCancellation(buyer, customer, "DEPROVISIONED", "seats");

            // THEN nothing was ever billed by usage, and AWS told the seller every step
            assertLedger(customer);
            showLedger(buyer, customer, 0);
            assertThat(buyer.notificationKinds()).containsExactly("License Deprovisioned - Manufacturer",
                    "Purchase Agreement Ended - Proposer", "License Updated - Manufacturer",
                    "Purchase Agreement Amended - Proposer", "License Updated - Manufacturer",
                    "Purchase Agreement Created - Proposer");
            // (entitlements changed at the activation and at the upgrade; License Deprovisioned reads none)
            awaitEvents(customer, "customer-registered", "customer-activated", "customer-entitlements-changed",
                    "customer-entitlements-changed", "customer-unsubscribe-pending", "customer-deactivated");
        }
    }

    @Test
    void legacyContractWithConsumption_billsOnlyTheOverage_beforeAndAfterAnUpgrade() {
        Hours hours = Hours.withRoom(JOURNEY_ROOM);
        String account = newAccount();
        try (BuyerBrowser buyer = BuyerBrowser.start(sim.endpoint(), "4-legacy-sns-contract-consumption")) {
            // GIVEN a contract of 10 seats and 2.5 TB of storage; overage_requests beyond storage_tb are billed
            Customer customer = subscribeAnHourAgo(buyer, CONSUMPTION, account,
                    Map.of("seats", "10", "storage_tb", "2.5"), false, true);
            awaitAccess(customer, "storage_tb", true, "ENTITLED", "ACTIVE");
            assertThat(buyer.register("Hollerith Tabulating Co", "Herman Hollerith", "herman@example.com"))
                    .isEqualTo("You are registered");
            assertThat(api.access(customer, "storage_tb").path("quantity").asDouble()).isEqualTo(2.5);
            // (the metered dimension has no entitlement of its own: the contract lets it be used and billed)
            assertAccess(api.access(customer, "overage_requests"), true, "METERED", "ACTIVE");
            assertAccess(api.access(customer, "sso"), false, "MISSING_DIMENSION", "ACTIVE");

            // WHEN the app reports 6 + 4 overage requests in the previous hour
            assertAccepted(api.reportUsage(customer, "overage_requests", 6, hours.previousHourAt(15)),
                    hours.previous());
            assertAccepted(api.reportUsage(customer, "overage_requests", 4, hours.previousHourAt(45)),
                    hours.previous());

            // THEN the job bills only what exceeds the 2.5 entitled: ceil(10 - 2.5) = 8
            awaitLedger(customer, tuple("overage_requests", hours.previous(), 8));
            JsonNode previous = aggregate(customer, "overage_requests", hours.previous());
            assertThat(previous.path("frozenQuantity").asLong()).isEqualTo(10);
            assertThat(previous.path("entitledQuantity").asDouble()).isEqualTo(2.5);
            assertThat(previous.path("billedQuantity").asLong()).isEqualTo(8);

            // WHEN the buyer upgrades to 5.5 TB (entitlement-updated over SNS) and the app reports 7 more this hour
            buyer.openBuyerPage(account);
            assertThat(buyer.upgrade(customer.id(), Map.of("storage_tb", "5.5"))).contains("Contract amended");
            await().atMost(ASYNC).untilAsserted(() ->
                    assertThat(api.access(customer, "storage_tb").path("quantity").asDouble()).isEqualTo(5.5));
            assertEntitled(api.access(customer, "seats"), 10);
            assertAccepted(api.reportUsage(customer, "overage_requests", 7, hours.now()), hours.current());

            // WHEN the buyer cancels, THEN the final flush bills the open hour's overage: ceil(7 - 5.5) = 2
            cancelAndAwaitFinalFlush(buyer, customer, "storage_tb", tuple("overage_requests", hours.previous(), 8),
                    tuple("overage_requests", hours.current(), 2));
            assertThat(aggregate(customer, "overage_requests", hours.current()).path("entitledQuantity").asDouble())
                    .isEqualTo(5.5);

            // WHEN the cancellation completes (unsubscribe-success), THEN access and usage end
            completeCancellation(buyer, customer, "UNSUBSCRIBED", "overage_requests");
            assertAccess(api.access(customer, "seats"), false, "STATE", "UNSUBSCRIBED");
            assertLedger(customer, tuple("overage_requests", hours.previous(), 8),
                    tuple("overage_requests", hours.current(), 2));
            showLedger(buyer, customer, 2);
            assertThat(buyer.notificationKinds()).containsExactly("entitlement-updated", "unsubscribe-success",
                    "unsubscribe-pending", "entitlement-updated", "entitlement-updated", "subscribe-success");
            // (entitlements changed at the activation, at the upgrade, and when the ended contract lost them)
            awaitEvents(customer, "customer-registered", "customer-activated", "customer-entitlements-changed",
                    "customer-entitlements-changed", "customer-unsubscribe-pending", "customer-deactivated",
                    "customer-entitlements-changed");
        }
    }

    @Test
    void legacyFreeTrial_usageFromTheGenerator_meteredAndFlushed_thenRejectedAfterTheEnd() {
        Hours hours = Hours.withRoom(JOURNEY_ROOM);
        String account = newAccount();
        try (BuyerBrowser buyer = BuyerBrowser.start(sim.endpoint(), "5-legacy-sns-free-trial")) {
            // GIVEN a buyer who starts the free trial (the fulfillment POST carries offer-type free-trial)
            Customer customer = subscribeAnHourAgo(buyer, "sbx-free-trial", account, Map.of(), true, true);
            assertThat(customer.subscription().freeTrial()).isTrue();

            // WHEN subscribe-success (isFreeTrialTermPresent "true") has arrived and the buyer registers
            awaitAccess(customer, "requests", true, "PAY_AS_YOU_GO", "FREE_TRIAL");
            assertThat(buyer.register("Colossus Codebreaking", "Tommy Flowers", "tommy@example.com"))
                    .isEqualTo("You are registered");

            // THEN the confirmation says it is a free trial, and the app sees the trial
            assertThat(buyer.confirmedSubscriptionState()).isEqualTo("Free trial");
            assertThat(api.customer(customer).path("freeTrial").asBoolean()).isTrue();

            // WHEN the seller's app (here: the usage generator on the buyer page) reports usage
            buyer.openBuyerPage(account);
            assertThat(buyer.sendUsage(customer.id(), "requests", 11, -1)).contains("\"status\":\"accepted\"");
            assertThat(buyer.sendUsage(customer.id(), "requests", 4, 0)).contains("\"status\":\"accepted\"");
            buyer.screenshot("buyer-usage-sent");

            // THEN the job bills the previous hour, the flush after the cancellation the current one
            awaitLedger(customer, tuple("requests", hours.previous(), 11));
            cancelAndAwaitFinalFlush(buyer, customer, "requests", tuple("requests", hours.previous(), 11),
                    tuple("requests", hours.current(), 4));

            // WHEN the trial's cancellation completes, THEN the generator's usage is refused with the reason
            completeCancellation(buyer, customer, "UNSUBSCRIBED", "requests");
            buyer.openBuyerPage(account);
            assertThat(buyer.sendUsage(customer.id(), "requests", 2, 0))
                    .contains("\"status\":\"rejected\"", "\"reason\":\"CUSTOMER_NOT_ACTIVE\"");
            buyer.screenshot("buyer-usage-rejected");
            assertLedger(customer, tuple("requests", hours.previous(), 11), tuple("requests", hours.current(), 4));
            showLedger(buyer, customer, 2);
            awaitEvents(customer, "customer-registered", "customer-activated", "customer-unsubscribe-pending",
                    "customer-deactivated");
        }
    }

    @Test
    void concurrentAgreementsApiPurchase_sellerSendsTheRegistrationLink_buyerRegistersInTheBrowser_thenActive() {
        String account = newAccount();
        try (BuyerBrowser buyer = BuyerBrowser.start(sim.endpoint(), "6-ca-api-purchase")) {
            // GIVEN an agreement bought through the Agreement API: no browser goes to the seller's fulfillment URL
            String id = sim.subscribe(SubscribeRequest.of("sbx-ca-subscription").withBuyer(account)).subscriptionId();
            buyer.openBuyerPage(account);
            assertThat(buyer.press(id, "api-purchase")).contains("Bought through the API: agreement");
            buyer.screenshot("buyer-bought-through-the-api");
            Customer customer = new Customer(sim.subscription(id));
            String token = customer.subscription().latestRegistrationToken();

            // WHEN the seller asks onboarding-service for the buyer's registration link (and, idempotent, again)
            JsonNode link = registrationLink(customer.subscription().agreementId());
            JsonNode again = registrationLink(customer.subscription().agreementId());

            // THEN the token was resolved at once into the customer, and the link carries no token
            assertThat(link.path("customerKey").asText()).isEqualTo(customer.key());
            assertThat(link.path("tokenResolved").asBoolean()).isTrue();
            assertThat(again.path("customerKey").asText()).isEqualTo(customer.key());
            assertThat(link.path("link").asText()).startsWith(suite.url(Service.ONBOARDING) + "/register/link/")
                    .doesNotContain(token);

            // WHEN the buyer opens the link the seller sent, in a real browser, and registers
            buyer.driver().get(link.path("link").asText());
            buyer.awaitRegistrationForm(URI.create(link.path("link").asText()));
            assertThat(buyer.driver().getPageSource()).doesNotContain(token);
            assertThat(buyer.driver().manage().getCookies()).allSatisfy(c -> assertThat(c.getValue())
                    .doesNotContain(token));
            assertThat(buyer.register("Zuse Computing GmbH", "Konrad Zuse", "konrad@example.com"))
                    .isEqualTo("You are registered");
            assertThat(buyer.confirmedSubscriptionState()).isEqualTo("Received, not active yet");

            // WHEN AWS completes the payment (License Updated)
            buyer.openBuyerPage(account);
            assertThat(buyer.press(id, "activate")).contains("subscribe-success sent");

            // THEN the customer gets access, with what the buyer registered, and the seller's app heard both steps
            awaitAccess(customer, "requests", true, "PAY_AS_YOU_GO", "ACTIVE");
            assertThat(api.customer(customer).path("registration").path("company").asText())
                    .isEqualTo("Zuse Computing GmbH");
            awaitEvents(customer, "customer-registered", "customer-activated");
        }
    }

    // ---------------------------------------------------------------- steps shared by the journeys

    /**
     * Opens the product, fills in the Subscribe form and presses Subscribe with the simulator's clock an hour back
     * (so the agreement started in the previous hour and that hour's usage is billable), then waits for the
     * registration form the fulfillment POST lands on.
     */
    private static Customer subscribeAnHourAgo(BuyerBrowser buyer, String productCode, String account,
            Map<String, String> quantities, boolean freeTrial, boolean activateAtOnce) {
        buyer.openProduct(productCode);
        sim.clock().setOffset(Duration.ofHours(-1));
        try {
            buyer.subscribe(account, quantities, freeTrial, activateAtOnce);
            buyer.awaitRegistrationForm(URI.create(suite.url(Service.ONBOARDING) + "/"));
        } finally {
            sim.clock().setOffset(Duration.ZERO);
        }
        List<SubscriptionView> subscriptions = sim.subscriptions(productCode, account);
        assertThat(subscriptions).hasSize(1);
        SubscriptionView subscription = subscriptions.get(0);
        assertThat(subscription.state()).isEqualTo(activateAtOnce ? SubscriptionState.ACTIVE
                : SubscriptionState.PENDING);
        assertThat(subscription.freeTrial()).isEqualTo(freeTrial);
        // the registration token travelled in the POST body only: never in the page the buyer sees
        assertThat(buyer.driver().getPageSource()).doesNotContain(subscription.latestRegistrationToken());
        return new Customer(subscription);
    }

    /**
     * Cancel on the buyer page: the customer keeps access to {@code dimension} until the cancellation completes, and
     * the final flush bills the open hour at once, so the ledger ends as {@code ledger}.
     */
    private static void cancelAndAwaitFinalFlush(BuyerBrowser buyer, Customer customer, String dimension,
            Tuple... ledger) {
        buyer.openBuyerPage(customer.account());
        assertThat(buyer.press(customer.id(), "cancel")).contains("unsubscribe-pending sent");
        Instant cancelledAt = sim.subscription(customer.id()).cancelRequestedAt();
        assertThat(buyer.stateBadge(customer.id())).isEqualTo("Cancellation pending");
        buyer.screenshot("buyer-cancel-pending");
        awaitLedger(customer, ledger);
        // inside AWS's one-hour window after the cancellation
        assertThat(sim.ledger().records(customer.productCode(), customer.ledgerId()))
                .allSatisfy(r -> assertThat(r.firstReceivedAt()).isBefore(cancelledAt.plus(Duration.ofHours(1))));
        JsonNode access = api.access(customer, dimension);
        assertThat(access.path("state").asText()).isEqualTo("UNSUBSCRIBE_PENDING");
        assertThat(access.path("allowed").asBoolean()).isTrue();
    }

    /** Complete the cancellation on the buyer page: access ends, and new usage is refused with the reason. */
    private static void completeCancellation(BuyerBrowser buyer, Customer customer, String endState,
            String dimension) {
        buyer.openBuyerPage(customer.account());
        assertThat(buyer.press(customer.id(), "complete-cancellation")).contains("Cancellation completed");
        assertThat(buyer.stateBadge(customer.id())).isEqualTo("Cancelled");
        buyer.screenshot("buyer-cancelled");
        awaitAccess(customer, dimension, false, "STATE", endState);
        assertRejected(api.reportUsage(customer, dimension, 1, Instant.now()), "CUSTOMER_NOT_ACTIVE");
    }

    /** The seller's page of the simulator for this customer: the ledger table shows exactly {@code rows} rows. */
    private static void showLedger(BuyerBrowser buyer, Customer customer, int rows) {
        buyer.openSellerPage(customer.productCode(), customer.ledgerId());
        List<String> shown = buyer.ledgerRows();
        assertThat(shown).hasSize(rows);
        for (MeteredRecord r : sim.ledger().records(customer.productCode(), customer.ledgerId())) {
            assertThat(shown).anySatisfy(row -> assertThat(row).contains(r.dimension(),
                    Integer.toString(r.quantity()), r.meteringRecordId()));
        }
        buyer.screenshot("seller-ledger");
    }

    // ---------------------------------------------------------------- assertions

    private static void awaitAccess(Customer customer, String dimension, boolean allowed, String reason,
            String state) {
        await().atMost(ASYNC).untilAsserted(() -> assertAccess(api.access(customer, dimension), allowed, reason,
                state));
    }

    private static void assertAccess(JsonNode access, boolean allowed, String reason, String state) {
        assertThat(access.path("state").asText()).as("state in %s", access).isEqualTo(state);
        assertThat(access.path("allowed").asBoolean()).as("allowed in %s", access).isEqualTo(allowed);
        assertThat(access.path("reason").asText()).as("reason in %s", access).isEqualTo(reason);
    }

    private static void assertEntitled(JsonNode access, long quantity) {
        assertThat(access.path("allowed").asBoolean()).as("%s", access).isTrue();
        assertThat(access.path("reason").asText()).as("%s", access).isEqualTo("ENTITLED");
        assertThat(access.path("value").asLong()).as("%s", access).isEqualTo(quantity);
    }

    private static void assertAccepted(JsonNode result, Instant hour) {
        assertThat(result.path("status").asText()).as("%s", result).isEqualTo("accepted");
        assertThat(Instant.parse(result.path("usageHour").asText())).isEqualTo(hour);
        assertThat(Instant.parse(result.path("meteredHour").asText())).isEqualTo(hour);
    }

    private static void assertRejected(JsonNode result, String reason) {
        assertThat(result.path("status").asText()).as("%s", result).isEqualTo("rejected");
        assertThat(result.path("reason").asText()).as("%s", result).isEqualTo(reason);
        assertThat(result.path("message").asText()).isNotBlank();
    }

    /** Waits until the simulator's ledger holds exactly these (dimension, hour, quantity) records for the customer. */
    private static void awaitLedger(Customer customer, Tuple... expected) {
        await().atMost(ASYNC).untilAsserted(() -> assertLedger(customer, expected));
    }

    private static void assertLedger(Customer customer, Tuple... expected) {
        assertThat(sim.ledger().records(customer.productCode(), customer.ledgerId()))
                .extracting(MeteredRecord::dimension, MeteredRecord::hour, MeteredRecord::quantity)
                .containsExactlyInAnyOrder(expected);
    }

    /**
     * Waits until metering-service's aggregates of the customer, as the operator API lists them, have these statuses
     * by dimension@hour (the outcome is recorded just after AWS answered).
     */
    private static void awaitAggregates(Customer customer, Map<String, String> statusByDimensionAndHour) {
        await().atMost(ASYNC).untilAsserted(() -> {
            Map<String, String> actual = new LinkedHashMap<>();
            for (JsonNode a : api.meteringUsage(customer)) {
                actual.put(a.path("dimension").asText() + "@" + Instant.parse(a.path("hour").asText()),
                        a.path("status").asText());
            }
            assertThat(actual).containsExactlyInAnyOrderEntriesOf(statusByDimensionAndHour);
        });
    }

    /**
     * Waits until the seller's app has received exactly these lifecycle events of the customer (in any order), on the
     * queue and as webhooks: the sandbox's receiver got each event once, by the queue's eventId, signed with its
     * secret over {@code <timestamp>.<body>}, and refused none of the customer's.
     */
    private static void awaitEvents(Customer customer, String... types) {
        await().atMost(ASYNC).untilAsserted(() -> assertThat(sellerApp.eventTypes(customer))
                .containsExactlyInAnyOrder(types));
        List<String> ids = sellerApp.eventIds(customer);
        await().atMost(ASYNC).untilAsserted(() -> assertThat(webhooks(customer))
                .extracting(WebhookReceiver.Received::id).containsExactlyInAnyOrderElementsOf(ids));
        for (WebhookReceiver.Received delivery : webhooks(customer)) {
            assertThat(delivery.type()).isIn((Object[]) types);
            assertThat(WebhookSignature.verify(delivery.timestamp(), delivery.signature(), delivery.body(),
                    List.of(WebhookReceiver.SECRET), Duration.ofDays(1), Instant.now()))
                    .isEqualTo(WebhookSignature.Verdict.VALID);
        }
        assertThat(sim.webhooks().rejected()).extracting(WebhookReceiver.Received::customerKey)
                .doesNotContain(customer.key());
    }

    private static List<WebhookReceiver.Received> webhooks(Customer customer) {
        return sim.webhooks().deliveries().stream().filter(d -> customer.key().equals(d.customerKey())).toList();
    }

    private static JsonNode aggregate(Customer customer, String dimension, Instant hour) {
        List<JsonNode> matching = new ArrayList<>();
        for (JsonNode a : api.meteringUsage(customer)) {
            if (a.path("dimension").asText().equals(dimension) && Instant.parse(a.path("hour").asText()).equals(hour)) {
                matching.add(a);
            }
        }
        assertThat(matching).hasSize(1);
        return matching.get(0);
    }

    /** A buyer account of its own for each journey (12 digits, as AWS account ids are). */
    private static String newAccount() {
        return Long.toString(ThreadLocalRandom.current().nextLong(100_000_000_000L, 1_000_000_000_000L));
    }

    /**
     * The hours a journey reports usage for, fixed at its start. A journey starting within {@code room} of the turn
     * of the hour first waits for the new hour, so its "current hour" stays open until its final flush.
     */
    private record Hours(Instant current) {

        static Hours withRoom(Duration room) {
            Instant start = Instant.now();
            Instant hour = start.truncatedTo(ChronoUnit.HOURS);
            if (start.plus(room).isAfter(hour.plus(Duration.ofHours(1)))) {
                Instant next = hour.plus(Duration.ofHours(1));
                await().atMost(room.plus(Duration.ofMinutes(1))).pollInterval(Duration.ofSeconds(1))
                        .until(() -> Instant.now().isAfter(next));
                hour = next;
            }
            return new Hours(hour);
        }

        Instant previous() {
            return current.minus(Duration.ofHours(1));
        }

        /** A time inside the previous hour. */
        Instant previousHourAt(int minute) {
            return previous().plus(Duration.ofMinutes(minute));
        }

        /** Now, checked to be in this journey's current hour. */
        Instant now() {
            Instant now = Instant.now();
            assertThat(now.truncatedTo(ChronoUnit.HOURS)).as("the journey outlasted its hour").isEqualTo(current);
            return now;
        }
    }

    /**
     * The seller's call for the registration link of a purchase made through the API (onboarding-service, admin key),
     * as the README documents it; answers the link.
     */
    private static JsonNode registrationLink(String agreementId) {
        try {
            HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    suite.url(Service.ONBOARDING) + "/v1/admin/agreements/" + agreementId + "/registration-link"))
                    .timeout(ASYNC).header("Authorization", "Bearer " + LocalSuite.ADMIN_API_KEY)
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            return new ObjectMapper().readTree(answer.body());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    // ---------------------------------------------------------------- a contract sold through a channel partner

    /** The channel partner the catalog's {@code sbx-cppo-contract} is sold through (default-catalog.json). */
    private static final String CPPO_PARTNER = "444455556666";

    @Test
    void channelPartnerContract_storesCppoTermsNamingThePartner_grantsAccess_thenCancellationEndsIt() {
        String account = newAccount();
        try (BuyerBrowser buyer = BuyerBrowser.start(sim.endpoint(), "7-cppo-contract")) {
            // GIVEN a buyer who accepts a channel partner's private offer for 8 seats, pays at once, and registers
            Customer customer = subscribeAnHourAgo(buyer, "sbx-cppo-contract", account, Map.of("seats", "8"), false,
                    true);
            assertThat(customer.subscription().channelPartnerAccountId()).isEqualTo(CPPO_PARTNER);
            assertThat(buyer.register("Babbage Engines Ltd", "Charles Babbage", "charles@example.com"))
                    .isEqualTo("You are registered");

            // THEN access is granted from the contract
            awaitAccess(customer, "seats", true, "ENTITLED", "ACTIVE");
            assertEntitled(api.access(customer, "seats"), 8);
            // AND the customer's terms say the agreement is a CPPO, naming the partner (the seller is the manufacturer)
            await().atMost(ASYNC).untilAsserted(() -> {
                JsonNode terms = api.customer(customer).path("agreementTerms");
                assertThat(terms.path("agreementId").asText()).as("%s", terms)
                        .isEqualTo(customer.subscription().agreementId());
                assertThat(terms.path("offerType").asText()).as("%s", terms).isEqualTo("CPPO");
                assertThat(terms.path("channelPartnerAccountId").asText()).as("%s", terms).isEqualTo(CPPO_PARTNER);
                assertThat(terms.path("status").asText()).as("%s", terms).isEqualTo("ACTIVE");
            });
            // AND the buyer's page shows the agreement as the partner's
            buyer.openBuyerPage(account);
            assertThat(buyer.driver().findElement(org.openqa.selenium.By.cssSelector(
                    "#sub-" + customer.id() + " .offer-type")).getText())
                    .isEqualTo("Channel partner " + CPPO_PARTNER + " (CPPO)");
            buyer.screenshot("buyer-cppo-agreement");

            // WHEN the buyer cancels: access continues until the cancellation completes, then ends
            assertThat(buyer.press(customer.id(), "cancel")).contains("unsubscribe-pending sent");
            await().atMost(ASYNC).untilAsserted(() ->
                    assertAccess(api.access(customer, "seats"), true, "ENTITLED", "UNSUBSCRIBE_PENDING"));
            completeCancellation(buyer, customer, "DEPROVISIONED", "seats");

            // THEN the seller, the manufacturer, heard the partner's agreement through the Manufacturer events
            buyer.openSellerPage(customer.productCode(), customer.ledgerId());
            buyer.screenshot("seller-cppo-agreement");
            assertThat(buyer.notificationKinds()).containsExactly("License Deprovisioned - Manufacturer",
                    "Purchase Agreement Ended - Manufacturer", "License Updated - Manufacturer",
                    "Purchase Agreement Created - Manufacturer");
            awaitEvents(customer, "customer-registered", "customer-activated", "customer-entitlements-changed",
                    "customer-unsubscribe-pending", "customer-deactivated");
        }
    }
}
