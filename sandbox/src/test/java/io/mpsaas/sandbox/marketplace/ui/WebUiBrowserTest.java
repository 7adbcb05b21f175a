package io.mpsaas.sandbox.marketplace.ui;

import static io.mpsaas.sandbox.marketplace.ui.WebUiClient.AUTH;
import static io.mpsaas.sandbox.marketplace.ui.WebUiClient.unique;
import static io.mpsaas.sandbox.marketplace.ui.WebUiClient.uniqueAccount;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.mpsaas.sandbox.marketplace.MarketplaceSimulator;
import io.mpsaas.sandbox.marketplace.api.AwsResponse;
import io.mpsaas.sandbox.marketplace.buyer.EntitlementValue;
import io.mpsaas.sandbox.marketplace.buyer.SubscriptionState;
import io.mpsaas.sandbox.marketplace.buyer.SubscriptionView;
import io.mpsaas.sandbox.marketplace.catalog.NotificationFormat;
import io.mpsaas.sandbox.marketplace.catalog.PricingModel;
import io.mpsaas.sandbox.marketplace.catalog.Product;
import io.mpsaas.sandbox.marketplace.catalog.ValueType;
import io.mpsaas.sandbox.testing.Browser;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/**
 * A real headless Chromium walks the buyer's journey through the web UI: catalog, product, Subscribe (the real
 * cross-site form POST to a stand-in seller), the buyer's subscriptions, cancel, and the seller's notifications.
 * Screenshots of each page land in {@code target/screenshots/}.
 */
class WebUiBrowserTest {

    private static final List<Map<String, String>> landings = new CopyOnWriteArrayList<>();
    private static HttpServer seller;
    private static URI fulfillment;
    private static MarketplaceSimulator sim;
    private static Browser browser;
    private final ObjectMapper json = new ObjectMapper();

    @BeforeAll
    static void start() throws Exception {
        // The seller's fulfillment URL: decodes the form like a real landing page and thanks the buyer.
        seller = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        seller.createContext("/marketplace/landing", exchange -> {
            Map<String, String> form = new LinkedHashMap<>();
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            for (String pair : body.split("&")) {
                String[] kv = pair.split("=", 2);
                form.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                        kv.length < 2 ? "" : URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
            }
            form.put("method", exchange.getRequestMethod());
            form.put("content-type", exchange.getRequestHeaders().getFirst("Content-Type"));
            landings.add(form);
            byte[] page = ("<!DOCTYPE html><html><head><title>Seller sign-up</title></head><body style=\"font-family:"
                    + "sans-serif;margin:40px\"><h1>Stand-in seller: welcome!</h1><p>Registration token received ("
                    + form.getOrDefault("x-amzn-marketplace-token", "").length() + " characters).</p></body></html>")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, page.length);
            exchange.getResponseBody().write(page);
            exchange.close();
        });
        seller.start();
        fulfillment = URI.create("http://127.0.0.1:" + seller.getAddress().getPort() + "/marketplace/landing");
        sim = MarketplaceSimulator.builder().fulfillmentUrl(fulfillment).build().start();
        browser = Browser.start(); // fails (does not skip) when Chromium is missing
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        if (sim != null) {
            sim.close();
        }
        if (seller != null) {
            seller.stop(0);
        }
    }

    @Test
    void buyerSubscribesLandsAtTheSellerWithATokenCancels_andTheSellerSeesTheNotifications() throws Exception {
        // GIVEN a contract with consumption that notifies on both channels
        String code = unique("browser");
        sim.addProduct(Product.builder(code, PricingModel.CONTRACT_WITH_CONSUMPTION)
                .name("Acme Analytics (contract with consumption)").notificationFormat(NotificationFormat.BOTH)
                .contracted("seats", ValueType.INTEGER).contracted("sso", ValueType.BOOLEAN)
                .metered("overage_requests").build());
        String account = uniqueAccount();
        WebDriver driver = browser.driver();

        // WHEN the buyer opens the marketplace and picks the product
        driver.get(sim.endpoint() + "/");
        assertThat(driver.getCurrentUrl()).isEqualTo(sim.endpoint() + "/marketplace");
        assertThat(driver.findElement(By.cssSelector(".brand")).getText())
                .isEqualTo("AWS Marketplace simulator — not AWS");
        browser.screenshot("01-catalog");
        driver.findElement(By.cssSelector("article[data-product-code='" + code + "'] h2 a")).click();
        await().atMost(Duration.ofSeconds(10)).until(() -> driver.getCurrentUrl().endsWith("/products/" + code));
        assertThat(driver.findElement(By.tagName("h1")).getText()).isEqualTo("Acme Analytics (contract with "
                + "consumption)");

        // AND subscribes with its own account and 5 seats
        WebElement accountField = driver.findElement(By.name("buyerAccountId"));
        accountField.clear();
        accountField.sendKeys(account);
        WebElement seats = driver.findElement(By.name("q.seats"));
        seats.clear();
        seats.sendKeys("5");
        browser.screenshot("02-product");
        driver.findElement(By.cssSelector("form[action$='/subscribe'] button[type=submit]")).click();

        // THEN the browser performs the form POST to the seller's fulfillment URL with the registration token
        await().atMost(Duration.ofSeconds(20)).until(() -> !landings.isEmpty()
                && driver.getCurrentUrl().equals(fulfillment.toString()));
        assertThat(driver.findElement(By.tagName("h1")).getText()).isEqualTo("Stand-in seller: welcome!");
        browser.screenshot("03-seller-landing");
        Map<String, String> landing = landings.get(0);
        assertThat(landing).containsEntry("method", "POST")
                .containsEntry("content-type", "application/x-www-form-urlencoded")
                .doesNotContainKey("x-amzn-marketplace-offer-type");
        SubscriptionView subscription = sim.subscriptions(code, account).get(0);
        assertThat(subscription.state()).isEqualTo(SubscriptionState.ACTIVE);
        assertThat(subscription.quantities()).containsEntry("seats", new EntitlementValue.IntegerValue(5));
        String token = landing.get("x-amzn-marketplace-token");
        assertThat(token).isEqualTo(subscription.latestRegistrationToken());
        // AND the token the seller received resolves to this buyer
        JsonNode customer = new WebUiClient(sim).resolve(token);
        assertThat(customer.get("CustomerAWSAccountId").asText()).isEqualTo(account);
        assertThat(customer.get("CustomerIdentifier").asText()).isEqualTo(subscription.customerIdentifier());

        // AND the seller meters some overage for the customer (what the metering service would do)
        long hour = sim.clock().instant().truncatedTo(ChronoUnit.HOURS).getEpochSecond();
        AwsResponse metered = sim.handleAws("AWSMPMeteringService.BatchMeterUsage", AUTH, json.writeValueAsBytes(
                Map.of("ProductCode", code, "UsageRecords", List.of(Map.of("Timestamp", hour, "CustomerIdentifier",
                        subscription.customerIdentifier(), "Dimension", "overage_requests", "Quantity", 1234)))));
        assertThat(metered.status()).isEqualTo(200);

        // WHEN the buyer opens "Your Marketplace Software" and cancels
        driver.get(sim.endpoint() + "/marketplace/buyers");
        WebElement picker = driver.findElement(By.name("account"));
        picker.clear();
        picker.sendKeys(account);
        picker.submit();
        await().atMost(Duration.ofSeconds(10)).until(() -> driver.getCurrentUrl().endsWith("/buyers/" + account));
        String card = "article[data-subscription-id='" + subscription.subscriptionId() + "']";
        assertThat(driver.findElement(By.cssSelector(card + " .badge")).getText()).isEqualTo("Active");
        browser.screenshot("04-buyer");
        driver.findElement(By.cssSelector(card + " form[action$='/cancel'] button")).click();

        // THEN the page confirms, and the agreement is cancel-pending
        await().atMost(Duration.ofSeconds(10)).until(() -> driver.findElements(By.cssSelector(".flash-ok"))
                .stream().anyMatch(e -> e.getText().contains("unsubscribe-pending sent")));
        assertThat(sim.subscription(subscription.subscriptionId()).state())
                .isEqualTo(SubscriptionState.CANCEL_PENDING);
        assertThat(driver.findElement(By.cssSelector(card + " .badge")).getText()).isEqualTo("Cancellation pending");
        browser.screenshot("05-buyer-cancel-pending");

        // WHEN the seller looks at the notifications of this product
        driver.get(sim.endpoint() + "/marketplace/seller?product=" + code);
        List<String> kinds = driver.findElements(By.cssSelector("#notifications tbody tr")).stream()
                .map(row -> row.getAttribute("data-kind")).toList();
        // THEN every notification of the journey is there, newest first, on both channels
        assertThat(kinds).containsExactly("Purchase Agreement Ended - Proposer", "unsubscribe-pending",
                "License Updated - Manufacturer", "entitlement-updated", "subscribe-success",
                "Purchase Agreement Created - Proposer");
        WebElement raw = driver.findElement(By.cssSelector("#notifications tbody tr[data-kind='unsubscribe-pending'] "
                + "details"));
        raw.findElement(By.tagName("summary")).click();
        assertThat(raw.findElement(By.tagName("pre")).getText()).contains("\"action\": \"unsubscribe-pending\"",
                subscription.customerIdentifier());
        // AND the ledger shows what AWS would bill
        assertThat(driver.findElement(By.cssSelector("#ledger tbody tr")).getText())
                .contains(subscription.customerIdentifier(), "overage_requests", "1234",
                        sim.ledger().records(code, null).get(0).meteringRecordId());
        browser.screenshot("06-seller");

        assertThat(Files.size(Browser.DEFAULT_SCREENSHOTS.resolve("06-seller.png"))).isPositive();
    }

    @Test
    void buyerSeesTheChannelPartnersAgreement_turnsAutoRenewOff_andTheSellerSeesIt() {
        // GIVEN a buyer of the catalog's contract sold through a channel partner
        String account = uniqueAccount();
        SubscriptionView subscription = sim.subscription(sim.subscribe(
                io.mpsaas.sandbox.marketplace.buyer.SubscribeRequest.of("sbx-cppo-contract").withBuyer(account)
                        .withQuantity("seats", 4).activated()).subscriptionId());
        WebDriver driver = browser.driver();

        // WHEN the buyer opens "Your Marketplace Software"
        driver.get(sim.endpoint() + "/marketplace/buyers/" + account);
        String card = "article[data-subscription-id='" + subscription.subscriptionId() + "']";

        // THEN the card shows the agreement: the partner's offer, active, renewing, with its terms
        assertThat(driver.findElement(By.cssSelector(card + " .agreement")).getText())
                .contains(subscription.agreementId());
        assertThat(driver.findElement(By.cssSelector(card + " .offer-type")).getText())
                .isEqualTo("Channel partner 444455556666 (CPPO)");
        assertThat(driver.findElement(By.cssSelector(card + " .agreement-status")).getText()).isEqualTo("ACTIVE");
        assertThat(driver.findElement(By.cssSelector(card + " .auto-renew")).getText()).isEqualTo("on");
        assertThat(driver.findElement(By.cssSelector(card + " .terms-summary")).getText())
                .isEqualTo("contract P12M (seats=4) at 100.00 USD per unit; auto-renews");
        browser.screenshot("07-buyer-cppo-agreement");

        // WHEN the buyer turns auto-renew off
        driver.findElement(By.cssSelector(card + " form[action$='/auto-renew-off'] button")).click();

        // THEN the page confirms it, and the agreement no longer renews
        await().atMost(Duration.ofSeconds(10)).until(() -> driver.findElements(By.cssSelector(".flash-ok"))
                .stream().anyMatch(e -> e.getText().contains("Auto-renewal turned off")));
        assertThat(driver.findElement(By.cssSelector(card + " .auto-renew")).getText()).isEqualTo("off");
        assertThat(driver.findElements(By.cssSelector(card + " form[action$='/auto-renew-off']"))).isEmpty();
        assertThat(sim.subscription(subscription.subscriptionId()).autoRenew()).isFalse();
        browser.screenshot("08-buyer-auto-renew-off");

        // AND the seller's page lists the agreement the same way
        driver.get(sim.endpoint() + "/marketplace/seller?product=sbx-cppo-contract");
        String row = "#agreements tr[data-agreement-id='" + subscription.agreementId() + "']";
        assertThat(driver.findElement(By.cssSelector(row + " .offer-type")).getText())
                .isEqualTo("Channel partner 444455556666 (CPPO)");
        assertThat(driver.findElement(By.cssSelector(row + " .auto-renew")).getText()).isEqualTo("off");
        browser.screenshot("09-seller-agreements");
    }
}
