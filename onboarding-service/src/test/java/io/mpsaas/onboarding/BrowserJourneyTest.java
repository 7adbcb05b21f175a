package io.mpsaas.onboarding;

import static io.mpsaas.onboarding.Buyers.keyOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mpsaas.common.customer.RegistrationRecord;
import io.mpsaas.sandbox.Sandbox;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeRequest;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeResult;
import io.mpsaas.sandbox.testing.Browser;
import io.mpsaas.sandbox.testing.InjectSandbox;
import io.mpsaas.sandbox.testing.SandboxTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * A real buyer's browser (Debian's headless Chromium, driven through ChromeDriver) follows the simulator's "Set up
 * your account" form POST to the fulfillment URL, fills in the form and reaches the confirmation page. Screenshots of
 * every page land in {@code target/screenshots/}.
 */
@QuarkusTest
@QuarkusTestResource(value = SandboxTestResource.class, restrictToAnnotatedClass = false)
class BrowserJourneyTest {

    static final Duration PAGE_TIMEOUT = Duration.ofSeconds(30);

    @InjectSandbox
    Sandbox sandbox;

    @Inject
    DynamoDbClient dynamo;

    @Inject
    SqsClient sqs;

    @Inject
    ObjectMapper mapper;

    @TestHTTPResource("/")
    URI fulfillmentUrl;

    Browser browser;
    WebDriver driver;

    @BeforeEach
    void startBrowser() {
        // fails with a clear message (never skips) when Chromium is missing: ./test.sh installs it
        browser = Browser.start();
        driver = browser.driver();
        // the simulated AWS Marketplace posts buyers to this test's service
        sandbox.simulator().fulfillmentUrl(fulfillmentUrl);
    }

    @AfterEach
    void stopBrowser() {
        sandbox.simulator().clock().reset();
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    void buyer_followsTheMarketplaceLaunch_fillsTheForm_andReachesTheConfirmation() {
        Buyers buyers = new Buyers(sandbox, dynamo);
        SubscribeResult sub = buyers.subscribe(SubscribeRequest.of(buyers.product(true)).withBuyer(Buyers.account())
                .withFreeTrial());

        // a curious visitor opening the fulfillment URL
        driver.get(fulfillmentUrl.toString());
        assertThat(driver.findElement(By.tagName("h1")).getText()).isEqualTo("Set up your account");
        screenshot("01-start-from-aws-marketplace");

        // GIVEN the buyer chose "Set up your account" in AWS Marketplace: the launch page POSTs the token cross-site
        driver.get(sandbox.simulator().launchUrl(sub.subscriptionId()).toString());

        // THEN the fulfillment POST itself renders the registration form
        await().atMost(PAGE_TIMEOUT).until(() -> !driver.findElements(By.id("field-company")).isEmpty());
        assertThat(driver.getCurrentUrl()).isEqualTo(fulfillmentUrl.toString());
        assertThat(driver.getPageSource()).doesNotContain(sub.registrationToken());
        assertThat(driver.findElement(By.tagName("h1")).getText()).isEqualTo("Set up your account");
        screenshot("02-registration-form");

        // WHEN the buyer submits without filling in anything
        driver.findElement(By.cssSelector("button[type=submit]")).click();

        // THEN the form comes back with messages linked to the fields
        await().atMost(PAGE_TIMEOUT).until(() -> !driver.findElements(By.cssSelector(".error-summary")).isEmpty());
        assertThat(driver.findElement(By.cssSelector(".error-summary")).getText()).contains("Enter a company name",
                "Enter an email address", "Enter a team size");
        assertThat(driver.findElement(By.id("field-company")).getAttribute("aria-invalid")).isEqualTo("true");
        screenshot("03-registration-form-with-errors");

        // WHEN the buyer fills it in and submits
        type("field-company", "Babbage & Lovelace <Analytics>");
        type("field-contactName", "Ada Lovelace");
        type("field-email", "ada@example.com");
        type("field-phone", "+44 20 7946 0000");
        type("field-extra-teamSize", "12");
        type("field-extra-referral", "AWS Marketplace search");
        driver.findElement(By.cssSelector("button[type=submit]")).click();

        // THEN the confirmation page says what happens next and links into the product
        await().atMost(PAGE_TIMEOUT).until(() -> !driver.findElements(By.cssSelector(".success-mark")).isEmpty());
        assertThat(driver.findElement(By.tagName("h1")).getText()).isEqualTo("You are registered");
        assertThat(driver.findElement(By.cssSelector(".summary")).getText())
                .contains("Babbage & Lovelace <Analytics>");
        assertThat(driver.findElement(By.linkText("Open Acme Analytics")).getAttribute("href"))
                .isEqualTo("https://app.example.com/welcome");
        screenshot("04-confirmation");
        // AND the registration is stored, and announced once
        RegistrationRecord stored = buyers.registration(keyOf(sub)).orElseThrow();
        assertThat(stored.company()).isEqualTo("Babbage & Lovelace <Analytics>");
        assertThat(stored.extraFields()).containsEntry("teamSize", "12");
        assertThat(buyers.customer(keyOf(sub)).orElseThrow().offerTypeHint()).isEqualTo("free-trial");
        assertThat(new CustomerEvents(sqs, mapper).forCustomer(keyOf(sub))).hasSize(1);

        // WHEN the buyer comes back later with a link that has expired
        sandbox.simulator().clock().advance(Duration.ofHours(5));
        driver.get(sandbox.simulator().launchUrl(sub.subscriptionId()).toString());

        // THEN the page says how to get a fresh one
        await().atMost(PAGE_TIMEOUT).until(() -> driver.getPageSource().contains("Your set-up link has expired"));
        screenshot("05-expired-link");
    }

    private void type(String id, String text) {
        WebElement input = driver.findElement(By.id(id));
        input.clear();
        input.sendKeys(text);
    }

    private void screenshot(String name) {
        browser.screenshot(name);
    }

}
