package io.mpsaas.onboarding;

import static io.mpsaas.onboarding.Buyers.keyOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mpsaas.common.customer.RegistrationRecord;
import io.mpsaas.sandbox.Sandbox;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeRequest;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeResult;
import io.mpsaas.sandbox.testing.InjectSandbox;
import io.mpsaas.sandbox.testing.SandboxTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
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

    static final File CHROMIUM = new File("/usr/bin/chromium");
    static final File CHROMEDRIVER = new File("/usr/bin/chromedriver");
    static final Path SCREENSHOTS = Path.of("target", "screenshots");
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

    ChromeDriverService service;
    ChromeDriver browser;
    Path profile;

    @BeforeEach
    void startBrowser() throws IOException {
        // a missing browser is a failure, never a skip: ./test.sh installs it
        assertThat(CHROMIUM.canExecute()).as("Chromium is missing at %s: install it with"
                + " scripts/install-test-tools.sh (./test.sh does it for you)", CHROMIUM).isTrue();
        assertThat(CHROMEDRIVER.canExecute()).as("ChromeDriver is missing at %s: install it with"
                + " scripts/install-test-tools.sh (./test.sh does it for you)", CHROMEDRIVER).isTrue();
        Files.createDirectories(SCREENSHOTS);
        profile = Files.createTempDirectory("onboarding-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox",
                "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
                "--user-data-dir=" + profile, "--window-size=1100,1300");
        ChromeDriverService.Builder builder = new ChromeDriverService.Builder();
        builder.usingDriverExecutable(CHROMEDRIVER);
        builder.usingAnyFreePort();
        service = builder.build();
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().pageLoadTimeout(PAGE_TIMEOUT);
        // the simulated AWS Marketplace posts buyers to this test's service
        sandbox.simulator().fulfillmentUrl(fulfillmentUrl);
    }

    @AfterEach
    void stopBrowser() throws IOException {
        sandbox.simulator().clock().reset();
        if (browser != null) {
            browser.quit();
        }
        if (service != null) {
            service.stop();
        }
        try (Stream<Path> files = Files.walk(profile)) {
            files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        }
    }

    @Test
    void buyer_followsTheMarketplaceLaunch_fillsTheForm_andReachesTheConfirmation() throws IOException {
        Buyers buyers = new Buyers(sandbox, dynamo);
        SubscribeResult sub = buyers.subscribe(SubscribeRequest.of(buyers.product(true)).withBuyer(Buyers.account())
                .withFreeTrial());

        // a curious visitor opening the fulfillment URL
        browser.get(fulfillmentUrl.toString());
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Set up your account");
        screenshot("01-start-from-aws-marketplace");

        // GIVEN the buyer chose "Set up your account" in AWS Marketplace: the launch page POSTs the token cross-site
        browser.get(sandbox.simulator().launchUrl(sub.subscriptionId()).toString());

        // THEN the fulfillment POST itself renders the registration form
        await().atMost(PAGE_TIMEOUT).until(() -> !browser.findElements(By.id("field-company")).isEmpty());
        assertThat(browser.getCurrentUrl()).isEqualTo(fulfillmentUrl.toString());
        assertThat(browser.getPageSource()).doesNotContain(sub.registrationToken());
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Set up your account");
        screenshot("02-registration-form");

        // WHEN the buyer submits without filling in anything
        browser.findElement(By.cssSelector("button[type=submit]")).click();

        // THEN the form comes back with messages linked to the fields
        await().atMost(PAGE_TIMEOUT).until(() -> !browser.findElements(By.cssSelector(".error-summary")).isEmpty());
        assertThat(browser.findElement(By.cssSelector(".error-summary")).getText()).contains("Enter a company name",
                "Enter an email address", "Enter a team size");
        assertThat(browser.findElement(By.id("field-company")).getAttribute("aria-invalid")).isEqualTo("true");
        screenshot("03-registration-form-with-errors");

        // WHEN the buyer fills it in and submits
        type("field-company", "Babbage & Lovelace <Analytics>");
        type("field-contactName", "Ada Lovelace");
        type("field-email", "ada@example.com");
        type("field-phone", "+44 20 7946 0000");
        type("field-extra-teamSize", "12");
        type("field-extra-referral", "AWS Marketplace search");
        browser.findElement(By.cssSelector("button[type=submit]")).click();

        // THEN the confirmation page says what happens next and links into the product
        await().atMost(PAGE_TIMEOUT).until(() -> !browser.findElements(By.cssSelector(".success-mark")).isEmpty());
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("You are registered");
        assertThat(browser.findElement(By.cssSelector(".summary")).getText())
                .contains("Babbage & Lovelace <Analytics>");
        assertThat(browser.findElement(By.linkText("Open Acme Analytics")).getAttribute("href"))
                .isEqualTo("https://app.example.com/welcome");
        screenshot("04-confirmation");
        // AND the registration is stored, and announced once
        RegistrationRecord stored = buyers.registration(keyOf(sub)).orElseThrow();
        assertThat(stored.company()).isEqualTo("Babbage & Lovelace <Analytics>");
        assertThat(stored.extraFields()).containsEntry("teamSize", "12");
        assertThat(buyers.customer(keyOf(sub)).orElseThrow().freeTrialOffer()).isTrue();
        assertThat(new CustomerEvents(sqs, mapper).forCustomer(keyOf(sub))).hasSize(1);

        // WHEN the buyer comes back later with a link that has expired
        sandbox.simulator().clock().advance(Duration.ofHours(5));
        browser.get(sandbox.simulator().launchUrl(sub.subscriptionId()).toString());

        // THEN the page says how to get a fresh one
        await().atMost(PAGE_TIMEOUT).until(() -> browser.getPageSource().contains("Your set-up link has expired"));
        screenshot("05-expired-link");
    }

    private void type(String id, String text) {
        WebElement input = browser.findElement(By.id(id));
        input.clear();
        input.sendKeys(text);
    }

    private void screenshot(String name) throws IOException {
        Files.write(SCREENSHOTS.resolve(name + ".png"), browser.getScreenshotAs(OutputType.BYTES));
    }

}
