package io.mpsaas.sandbox.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * A headless Debian Chromium driven through Selenium for browser tests of the suite's pages: fixed flags, a fresh
 * profile per browser, and screenshots under {@code target/screenshots/}. Fails with a clear message (never skips)
 * when Chromium or ChromeDriver is missing: {@code scripts/install-test-tools.sh} installs them.
 *
 * <p>Selenium is a {@code provided} dependency of the sandbox: a module using this class adds
 * {@code org.seleniumhq.selenium:selenium-chrome-driver} (version managed by the root pom) as a test dependency.
 *
 * <pre>
 * try (Browser browser = Browser.start()) {
 *     browser.driver().get(url);
 *     browser.screenshot("01-catalog");
 * }
 * </pre>
 */
public final class Browser implements AutoCloseable {

    /** Debian's Chromium; override with the system property {@code mpsaas.chromium}. */
    public static final Path DEFAULT_CHROMIUM = Path.of("/usr/bin/chromium");

    /** Debian's ChromeDriver (package chromium-driver); override with {@code mpsaas.chromedriver}. */
    public static final Path DEFAULT_CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    /** Where screenshots go, relative to the module the tests run in. */
    public static final Path DEFAULT_SCREENSHOTS = Path.of("target", "screenshots");

    /** Headless, no sandbox (root in containers), and nothing that talks to Google in the background. */
    public static final List<String> FLAGS = List.of("--headless=new", "--no-sandbox", "--disable-gpu",
            "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", "--disable-quic", "--window-size=1280,900");

    /** Full-page screenshots are cut at this height so they stay small. */
    private static final int MAX_SCREENSHOT_HEIGHT = 4000;

    private final ChromeDriver driver;
    private final Path profile;
    private final Path screenshots;

    private Browser(ChromeDriver driver, Path profile, Path screenshots) {
        this.driver = driver;
        this.profile = profile;
        this.screenshots = screenshots;
    }

    /** Starts Chromium with screenshots under {@code target/screenshots/}. */
    public static Browser start() {
        return start(DEFAULT_SCREENSHOTS);
    }

    public static Browser start(Path screenshotDir) {
        Path chromium = Path.of(System.getProperty("mpsaas.chromium", DEFAULT_CHROMIUM.toString()));
        Path chromedriver = Path.of(System.getProperty("mpsaas.chromedriver", DEFAULT_CHROMEDRIVER.toString()));
        for (Path tool : List.of(chromium, chromedriver)) {
            if (!Files.isExecutable(tool)) {
                throw new IllegalStateException("Browser tests need Chromium and ChromeDriver, but " + tool
                        + " is missing or not executable. Run scripts/install-test-tools.sh (Debian: apt-get install "
                        + "chromium chromium-driver), or point -Dmpsaas.chromium / -Dmpsaas.chromedriver at them.");
            }
        }
        Path profile;
        try {
            profile = Files.createTempDirectory("mpsaas-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a Chromium profile directory", e);
        }
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(chromedriver.toFile())
                .usingAnyFreePort()
                .build();
        try {
            ChromeDriver driver = new ChromeDriver(service, options(chromium, profile));
            driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
            return new Browser(driver, profile, screenshotDir);
        } catch (RuntimeException e) {
            service.stop();
            delete(profile);
            throw e;
        }
    }

    /** The options {@link #start()} uses, for tests that build their own driver. */
    public static ChromeOptions options(Path chromium, Path userDataDir) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        options.addArguments(FLAGS);
        options.addArguments("--user-data-dir=" + userDataDir);
        return options;
    }

    public WebDriver driver() {
        return driver;
    }

    /**
     * Saves the whole current page (up to 4000 px high) as {@code <name>.png} in the screenshot folder and returns
     * its path.
     */
    public Path screenshot(String name) {
        try {
            Files.createDirectories(screenshots);
            Path file = screenshots.resolve(name + ".png");
            Files.write(file, fullPage());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write screenshot " + name, e);
        }
    }

    private byte[] fullPage() {
        try {
            // DevTools through ChromeDriver itself: no Selenium devtools artifact needed.
            Object size = driver.executeCdpCommand("Page.getLayoutMetrics", Map.of()).get("cssContentSize");
            if (size instanceof Map<?, ?> metrics && metrics.get("width") instanceof Number width
                    && metrics.get("height") instanceof Number height) {
                Object data = driver.executeCdpCommand("Page.captureScreenshot", Map.of(
                        "format", "png", "captureBeyondViewport", true,
                        "clip", Map.of("x", 0, "y", 0, "width", width.doubleValue(),
                                "height", Math.min(height.doubleValue(), MAX_SCREENSHOT_HEIGHT), "scale", 1)))
                        .get("data");
                if (data instanceof String base64) {
                    return Base64.getDecoder().decode(base64);
                }
            }
        } catch (WebDriverException e) {
            // fall through to the viewport
        }
        return driver.getScreenshotAs(OutputType.BYTES);
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            delete(profile);
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover temp profile is harmless
        }
    }
}
