package io.mpsaas.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mpsaas.sandbox.testing.Browser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.Rectangle;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chromium.HasCdp;

/**
 * A person's headless Chromium on the simulator's web UI (AWS Marketplace for the buyer, the seller's page) and on
 * the onboarding service's pages, one step at a time. Every step is screenshotted as {@code NN-<step>.png} under
 * {@code target/screenshots/<journey>/}.
 */
final class BuyerBrowser implements AutoCloseable {

    private static final Duration PAGE_TIMEOUT = Duration.ofSeconds(30);

    /** Where the README's pictures are shot (copied by hand to {@code docs/images/} when the pages change). */
    private static final Path README_SHOTS = Path.of("target", "screenshots", "readme");

    /** The window of the README's pictures: a laptop-sized viewport keeps them small and legible. */
    private static final Dimension README_WINDOW = new Dimension(1100, 720);

    private final Browser browser;
    private final WebDriver driver;
    private final URI simulator;
    private int step;
    private boolean readme;

    private BuyerBrowser(Browser browser, URI simulator) {
        this.browser = browser;
        this.driver = browser.driver();
        this.simulator = simulator;
    }

    /** A fresh browser (own profile and cookies) for one journey. */
    static BuyerBrowser start(URI simulator, String journey) {
        return new BuyerBrowser(Browser.start(Path.of("target", "screenshots", journey)), simulator);
    }

    WebDriver driver() {
        return driver;
    }

    /** This journey also shoots the README's quick-start pictures at its main steps. */
    BuyerBrowser withReadmePictures() {
        readme = true;
        return this;
    }

    /** Saves the page as the journey's next numbered screenshot. */
    Path screenshot(String name) {
        step++;
        return browser.screenshot(String.format("%02d-%s", step, name));
    }

    /**
     * Shoots a picture for the README into {@link #README_SHOTS} (when this journey does): what a laptop's window
     * shows of the current page or, with {@code part}, just that element.
     */
    private void readmePicture(String name, By part) {
        if (!readme) {
            return;
        }
        Dimension window = driver.manage().window().getSize();
        driver.manage().window().setSize(README_WINDOW);
        try {
            byte[] png = part == null ? ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES)
                    : element(driver.findElement(part));
            Files.createDirectories(README_SHOTS);
            Files.write(README_SHOTS.resolve(name + ".png"), png);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            driver.manage().window().setSize(window);
        }
    }

    /** The whole element, also where it reaches below the window (DevTools through ChromeDriver). */
    private byte[] element(WebElement part) {
        // page coordinates are window coordinates once the page is scrolled to its top
        ((JavascriptExecutor) driver).executeScript("window.scrollTo(0, 0)");
        Rectangle r = part.getRect();
        Object data = ((HasCdp) driver).executeCdpCommand("Page.captureScreenshot", Map.of("format", "png",
                "captureBeyondViewport", true, "clip", Map.of("x", r.getX(), "y", r.getY(), "width", r.getWidth(),
                        "height", r.getHeight(), "scale", 1))).get("data");
        return Base64.getDecoder().decode((String) data);
    }

    // ---------------------------------------------------------------- AWS Marketplace (simulated), buyer side

    /** The catalog, then the product's page. */
    void openProduct(String productCode) {
        driver.get(simulator + "/marketplace");
        assertThat(driver.findElement(By.cssSelector(".brand")).getText())
                .isEqualTo("AWS Marketplace simulator — not AWS");
        screenshot("catalog");
        readmePicture("quickstart-1-catalog", null);
        driver.findElement(By.cssSelector("article[data-product-code='" + productCode + "'] h2 a")).click();
        await().atMost(PAGE_TIMEOUT).until(() -> driver.getCurrentUrl().endsWith("/products/" + productCode));
    }

    /**
     * Fills in the product page's Subscribe form and presses Subscribe: the simulator creates the agreement and the
     * browser performs AWS's cross-site form POST of the registration token to the fulfillment URL.
     *
     * @param quantities contract quantities by dimension (text inputs and yes/no selects alike)
     */
    void subscribe(String account, Map<String, String> quantities, boolean freeTrial, boolean activateAtOnce) {
        type(By.name("buyerAccountId"), account);
        quantities.forEach((dimension, value) -> setField(driver.findElement(By.name("q." + dimension)), value));
        if (freeTrial) {
            driver.findElement(By.name("freeTrial")).click();
        }
        WebElement activate = driver.findElement(By.name("activate"));
        if (activate.isSelected() != activateAtOnce) {
            activate.click();
        }
        screenshot("product-subscribe");
        readmePicture("quickstart-2-product", null);
        driver.findElement(By.cssSelector("form[action$='/subscribe'] button[type=submit]")).click();
    }

    /** "Your Marketplace Software" of one buyer account. */
    void openBuyerPage(String account) {
        driver.get(simulator + "/marketplace/buyers/" + account);
        assertThat(driver.findElement(By.tagName("h1")).getText()).isEqualTo("Your Marketplace Software");
    }

    /** The state badge of a subscription on the buyer page ("Active", "Cancellation pending", ...). */
    String stateBadge(String subscriptionId) {
        return card(subscriptionId).findElement(By.cssSelector(".sub-head .badge")).getText();
    }

    /**
     * Presses one of a subscription's buttons on the buyer page ({@code activate}, {@code cancel},
     * {@code complete-cancellation}) and returns the simulator's message.
     */
    String press(String subscriptionId, String action) {
        return submitAndReadFlash(card(subscriptionId).findElement(By.cssSelector(
                "form[action$='/" + action + "'] button")));
    }

    /** Opens "Upgrade contract", sets new quantities and submits; returns the simulator's message. */
    String upgrade(String subscriptionId, Map<String, String> quantities) {
        WebElement form = card(subscriptionId).findElement(By.cssSelector("details.subform:not(.usage)"));
        form.findElement(By.tagName("summary")).click();
        quantities.forEach((dimension, value) -> setField(form.findElement(By.name("q." + dimension)), value));
        screenshot("buyer-upgrade-contract");
        return submitAndReadFlash(form.findElement(By.cssSelector("button[type=submit]")));
    }

    /**
     * The usage generator on the buyer page: posts one record to metering-service's usage API.
     *
     * @param hourOffset 0 (now) or -1 (the previous hour)
     * @return the simulator's message, with metering-service's answer
     */
    String sendUsage(String subscriptionId, String dimension, long quantity, int hourOffset) {
        WebElement form = card(subscriptionId).findElement(By.cssSelector("details.usage"));
        if (form.getAttribute("open") == null) {
            // closed for subscriptions AWS would not meter now: the buyer opens it to send anyway
            form.findElement(By.tagName("summary")).click();
        }
        form.findElement(By.cssSelector("select[name=dimension] option[value='" + dimension + "']")).click();
        type(form.findElement(By.name("quantity")), Long.toString(quantity));
        form.findElement(By.cssSelector("select[name=hourOffset] option[value='" + hourOffset + "']")).click();
        String message = submitAndReadFlash(form.findElement(By.cssSelector("button[type=submit]")));
        readmePicture("quickstart-5-usage-sent", null);
        return message;
    }

    /** The seller's page of the simulator, for one product and customer: notifications, ledger, attempts. */
    void openSellerPage(String productCode, String customer) {
        driver.get(simulator + "/marketplace/seller?product=" + productCode + "&customer=" + customer);
        readmePicture("quickstart-6-notifications", By.id("notifications"));
        readmePicture("quickstart-7-ledger", By.id("ledger"));
    }

    /** The ledger table's rows on the seller page, as text. */
    List<String> ledgerRows() {
        return driver.findElements(By.cssSelector("#ledger table:first-of-type tbody tr")).stream()
                .map(WebElement::getText).toList();
    }

    /** The kinds of the notifications on the seller page, newest first. */
    List<String> notificationKinds() {
        return driver.findElements(By.cssSelector("#notifications tbody tr")).stream()
                .map(row -> row.getAttribute("data-kind")).toList();
    }

    // ---------------------------------------------------------------- the seller's onboarding pages

    /** Waits for onboarding-service's registration form, which answers the fulfillment POST itself. */
    void awaitRegistrationForm(URI fulfillmentUrl) {
        await().atMost(PAGE_TIMEOUT).until(() -> !driver.findElements(By.id("field-company")).isEmpty());
        assertThat(driver.getCurrentUrl()).isEqualTo(fulfillmentUrl.toString());
        assertThat(driver.findElement(By.tagName("h1")).getText()).isEqualTo("Set up your account");
        screenshot("onboarding-registration-form");
    }

    /** Fills in and submits the registration form; returns the confirmation page's title. */
    String register(String company, String contactName, String email) {
        type(By.id("field-company"), company);
        type(By.id("field-contactName"), contactName);
        type(By.id("field-email"), email);
        screenshot("onboarding-registration-filled-in");
        readmePicture("quickstart-3-registration", null);
        driver.findElement(By.cssSelector("form button[type=submit]")).click();
        await().atMost(PAGE_TIMEOUT).until(() -> !driver.findElements(By.cssSelector(".success-mark")).isEmpty());
        screenshot("onboarding-confirmation");
        readmePicture("quickstart-4-confirmation", null);
        return driver.findElement(By.tagName("h1")).getText();
    }

    /** The confirmation page's "Subscription" line (the state onboarding read from the customer item). */
    String confirmedSubscriptionState() {
        return driver.findElement(By.xpath("//dl[@class='summary']//dt[.='Subscription']/following-sibling::dd"))
                .getText();
    }

    // ---------------------------------------------------------------- plumbing

    private WebElement card(String subscriptionId) {
        return driver.findElement(By.cssSelector("article[data-subscription-id='" + subscriptionId + "']"));
    }

    /** Submits a form whose answer redirects back with a flash message, and returns that message. */
    private String submitAndReadFlash(WebElement button) {
        String before = driver.getCurrentUrl();
        button.click();
        await().atMost(PAGE_TIMEOUT).until(() -> !driver.getCurrentUrl().equals(before)
                && driver.getCurrentUrl().contains("flash=") && !driver.findElements(By.cssSelector(".flash"))
                        .isEmpty());
        return driver.findElement(By.cssSelector(".flash")).getText();
    }

    private void type(By field, String text) {
        type(driver.findElement(field), text);
    }

    private static void type(WebElement input, String text) {
        input.clear();
        input.sendKeys(text);
    }

    private static void setField(WebElement field, String value) {
        if ("select".equals(field.getTagName())) {
            field.findElement(By.cssSelector("option[value='" + value + "']")).click();
        } else {
            type(field, value);
        }
    }

    @Override
    public void close() {
        browser.close();
    }
}
