package io.mpsaas.entitlement.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mpsaas.common.customer.CustomerRecord;
import io.mpsaas.common.messaging.SqsConsumer;
import io.mpsaas.common.messaging.SuiteQueues;
import io.mpsaas.entitlement.TestSupport;
import io.mpsaas.sandbox.Sandbox;
import io.mpsaas.sandbox.testing.Browser;
import io.mpsaas.sandbox.testing.InjectSandbox;
import io.mpsaas.sandbox.testing.SandboxTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * An operator's browser (Debian's headless Chromium through ChromeDriver) signs in, searches a customer by company,
 * opens it, looks at its usage, re-drives a failed hour, and reviews the parked messages. Screenshots of each page land
 * in {@code target/screenshots/console-*.png}.
 */
@QuarkusTest
@QuarkusTestResource(value = SandboxTestResource.class, restrictToAnnotatedClass = false)
class ConsoleBrowserTest {

    static final Duration PAGE_TIMEOUT = Duration.ofSeconds(30);

    @InjectSandbox
    Sandbox sandbox;

    @TestHTTPResource("/console")
    URI console;

    Browser browser;
    WebDriver driver;

    @BeforeEach
    void startBrowser() {
        // fails with a clear message (never skips) when Chromium is missing: ./test.sh installs it
        browser = Browser.start();
        driver = browser.driver();
    }

    @AfterEach
    void stopBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    void operator_signsIn_searches_opensACustomer_viewsUsage_reDrives_andReviewsParkedMessages() {
        // GIVEN a registered Concurrent Agreements customer with metered hours, and a parked usage message
        ConsoleFixtures fx = new ConsoleFixtures(sandbox);
        ConsoleFixtures.Buyer buyer = fx.caContractBuyer();
        String unique = UUID.randomUUID().toString().substring(0, 6);
        String company = "Analytical Engines " + unique + " Ltd";
        fx.register(buyer.key(), company, "Ada Lovelace", "ada@example.com", "+44 20 7946 0000",
                Map.of("teamSize", "12"));
        CustomerRecord c = TestSupport.customer(sandbox, buyer.key()).orElseThrow();
        fx.aggregate(c, "requests", ConsoleFixtures.hoursAgo(0), "OPEN", 17, null, null);
        fx.aggregate(c, "requests", ConsoleFixtures.hoursAgo(1), "SENT", 240, null, null);
        String failed = fx.aggregate(c, "requests", ConsoleFixtures.hoursAgo(2), "CUSTOMER_NOT_SUBSCRIBED", 96,
                "CustomerNotSubscribed", "The customer is not subscribed to the product.");
        fx.aggregate(c, "requests", ConsoleFixtures.hoursAgo(3), "SENT", 180, null, null);
        String usageDlq = sandbox.aws().queueUrl(SuiteQueues.deadLetterQueue(SuiteQueues.USAGE));
        sandbox.aws().sqs().sendMessage(r -> r.queueUrl(usageDlq).messageBody("{\"records\":[{\"licenseArn\":\""
                + buyer.sub().licenseArn() + "\",\"dimension\":\"requests\",\"quantity\":-3,\"idempotencyKey\":\"evt-"
                + unique + "\"}]}").messageAttributes(Map.of(SqsConsumer.PARK_REASON_ATTRIBUTE,
                string("INVALID_QUANTITY: quantity must be a whole number >= 0"), SqsConsumer.PARK_AT_ATTRIBUTE,
                string(Instant.now().toString()))));

        // WHEN the operator opens the console: the login page
        driver.get(console.toString());
        waitFor(By.id("key"));
        screenshot("console-01-login");

        // a wrong key is refused
        driver.findElement(By.id("key")).sendKeys("not-the-key");
        driver.findElement(By.cssSelector("button[type=submit]")).click();
        waitFor(By.id("key-error"));
        assertThat(driver.findElement(By.id("key-error")).getText()).contains("not an operator key");

        // the admin key signs in, onto the overview
        driver.findElement(By.id("key")).sendKeys(ConsoleClient.ADMIN_KEY);
        driver.findElement(By.cssSelector("button[type=submit]")).click();
        waitFor(By.id("parked-total"));
        assertThat(driver.findElement(By.tagName("h1")).getText()).isEqualTo("Overview");
        screenshot("console-02-overview");

        // THEN a search by company finds the customer
        driver.findElement(By.id("q")).sendKeys("analytical engines " + unique);
        driver.findElement(By.cssSelector("#by option[value='company']")).click();
        driver.findElement(By.cssSelector("form[role=search] button[type=submit]")).click();
        waitFor(By.id("customers"));
        assertThat(driver.findElement(By.id("customers")).getText()).contains(company, "Active");
        screenshot("console-03-search");

        // AND the customer's page shows state, identity, registration, entitlements and history
        driver.findElement(By.linkText(company)).click();
        waitFor(By.id("identity"));
        assertThat(driver.findElement(By.id("state")).getText()).isEqualTo("Active");
        assertThat(driver.findElement(By.id("identity")).getText()).contains(buyer.sub().licenseArn(),
                buyer.sub().customerAWSAccountId());
        assertThat(driver.findElement(By.id("registration")).getText()).contains("ada@example.com", "teamSize");
        assertThat(driver.findElement(By.id("entitlements")).getText()).contains("seats", "25");
        screenshot("console-04-customer");

        // AND its usage, hour by hour, with the failed hour selectable for a re-drive
        driver.findElement(By.linkText("Usage and metering")).click();
        waitFor(By.id("aggregates"));
        assertThat(driver.findElement(By.id("aggregates")).getText()).contains("CUSTOMER_NOT_SUBSCRIBED", "SENT",
                "OPEN");
        screenshot("console-05-usage");
        driver.findElement(By.cssSelector("input[type=checkbox][value='" + failed + "']")).click();
        driver.findElement(By.xpath("//button[text()='Re-drive selected']")).click();
        waitFor(By.id("redrive-results"));
        assertThat(driver.findElement(By.id("redrive-results")).getText()).contains("Requested");
        screenshot("console-06-redrive");
        assertThat(TestSupport.meteringCommands(sandbox).forCustomer(buyer.key()))
                .singleElement().satisfies(cmd -> assertThat(cmd.path("type").asText()).isEqualTo("redrive"));

        // AND the metering failures across customers
        driver.findElement(By.linkText("Metering failures")).click();
        waitFor(By.id("aggregates"));
        screenshot("console-07-failures");

        // AND the parked messages, with their reasons
        driver.findElement(By.linkText("Parked messages")).click();
        waitFor(By.id("parked-total"));
        assertThat(driver.getPageSource()).contains("INVALID_QUANTITY: quantity must be a whole number &gt;= 0");
        screenshot("console-08-parked");

        // AND signing out ends it
        driver.findElement(By.xpath("//button[text()='Sign out']")).click();
        waitFor(By.id("key"));
        assertThat(driver.getPageSource()).contains("You are signed out.");
        driver.get(console + "/customers");
        waitFor(By.id("key"));
    }

    private void waitFor(By element) {
        try {
            await().atMost(PAGE_TIMEOUT).until(() -> !driver.findElements(element).isEmpty());
        } catch (RuntimeException e) {
            browser.screenshot("console-failed-" + System.currentTimeMillis());
            throw new AssertionError("no " + element + " on " + driver.getCurrentUrl() + ":\n"
                    + driver.getPageSource(), e);
        }
    }

    private void screenshot(String name) {
        browser.screenshot(name);
    }

    private static MessageAttributeValue string(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }
}
