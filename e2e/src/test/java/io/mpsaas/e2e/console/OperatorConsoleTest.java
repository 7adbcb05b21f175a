package io.mpsaas.e2e.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.mpsaas.common.messaging.SqsConsumer;
import io.mpsaas.common.messaging.SuiteQueues;
import io.mpsaas.sandbox.LocalSuite;
import io.mpsaas.sandbox.LocalSuite.Service;
import io.mpsaas.sandbox.Sandbox;
import io.mpsaas.sandbox.testing.Browser;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * The operator console as its own service, on the packaged suite (LocalSuite: the sandbox, the three services and the
 * console as processes): sign-in through Quarkus's form authentication with an operator key, CSRF through
 * quarkus-rest-csrf, and every page and action of the console, read and done through the admin APIs of
 * entitlement-service and metering-service. An operator's headless Chromium walks the pages with screenshots
 * ({@code target/screenshots/console/}).
 */
class OperatorConsoleTest {

    private static final Pattern ROW_KEY = Pattern.compile("href=\"/console/customer\\?key=([^\"]+)\"");

    private static LocalSuite suite;
    private static SuiteFixtures fx;
    private static URI console;

    @BeforeAll
    static void startTheSuite() {
        Path root = Path.of(System.getProperty("mpsaas.root", "..")).toAbsolutePath().normalize();
        suite = LocalSuite.start(new LocalSuite.Options(root, Sandbox.Ports.RANDOM, true,
                Path.of("target", "local-run-console").toAbsolutePath(), Map.of(), Map.of(
                        // five customers a page, to page through a product
                        Service.ENTITLEMENT, Map.of("suite.entitlement.admin.page-size", "5"),
                        // runs on demand only: the test decides when hours are metered
                        Service.METERING, Map.of("suite.metering.job.cron", "0 0 0 1 1 ? 2099"))));
        fx = new SuiteFixtures(suite);
        console = suite.url(Service.CONSOLE);
    }

    @AfterAll
    static void stopTheSuite() {
        if (suite != null) {
            suite.close();
        }
    }

    // ---------------------------------------------------------------- sign-in and CSRF

    @Test
    void anonymousRequests_toEveryPage_areSentToTheLogin_andShowNoData_norDoAnything() {
        ConsoleClient anonymous = new ConsoleClient(console);
        for (String page : List.of("/console", "/console/customers", "/console/customer?key=license%23l-x",
                "/console/usage?key=license%23l-x", "/console/failures", "/console/parked")) {
            ConsoleClient.Answer answer = anonymous.get(page);
            assertThat(answer.status()).as(page).isEqualTo(302);
            assertThat(answer.location()).as(page).endsWith("/console/login");
            assertThat(answer.body()).as(page).doesNotContain("license#");
        }
        ConsoleClient.Answer redrive = anonymous.postRaw("/console/metering/redrive", Map.of("id", "agg#x"));
        assertThat(redrive.status()).isEqualTo(302);
        assertThat(redrive.location()).endsWith("/console/login");
        // the root of the service is the console
        assertThat(anonymous.get("/").location()).endsWith("/console");
    }

    @Test
    void aWrongKey_orTheServicesAdminKey_isRefused_withoutASession() {
        for (String key : List.of("not-a-key", LocalSuite.APP_API_KEY, LocalSuite.ADMIN_API_KEY)) {
            ConsoleClient client = new ConsoleClient(console);
            ConsoleClient.Answer answer = client.signIn("mallory", key);
            assertThat(answer.status()).as(key).isEqualTo(302);
            assertThat(answer.location()).as(key).contains("/console/login?error=1");
            assertThat(answer.cookies()).as(key).doesNotContainKey("mpsaas_console");
            ConsoleClient.Answer page = client.get("/console/login?error=1");
            assertThat(page.status()).isEqualTo(401);
            assertThat(page.body()).contains("not an operator").doesNotContain(key);
            assertThat(client.get("/console/customers").status()).isEqualTo(302);
        }
    }

    @Test
    void anOperatorKey_opensASession_inAnEncryptedHttpOnlyStrictCookie_thatNeverHoldsTheKey_andGoesBackWhereAsked() {
        ConsoleClient client = new ConsoleClient(console);
        // an operator who followed a link first is sent back to it after signing in
        assertThat(client.get("/console/customers?state=ACTIVE").status()).isEqualTo(302);
        ConsoleClient.Answer answer = client.signIn("ada", LocalSuite.OPERATOR_KEY);
        assertThat(answer.status()).isEqualTo(302);
        assertThat(answer.location()).endsWith("/console/customers?state=ACTIVE");
        ConsoleClient.SetCookie session = answer.cookies().get("mpsaas_console");
        assertThat(session).isNotNull();
        assertThat(session.has("HttpOnly")).isTrue();
        assertThat(session.has("SameSite=Strict")).isTrue();
        assertThat(session.has("Path=/console")).isTrue();
        assertThat(session.value()).doesNotContain(LocalSuite.OPERATOR_KEY).doesNotContain("ada");
        ConsoleClient.Answer page = client.get("/console/customers");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("Signed in as", "ada (key ");
        // a tampered cookie is no session
        ConsoleClient forged = new ConsoleClient(console);
        forged.cookie("mpsaas_console", session.value().substring(0, session.value().length() - 4) + "AAAA");
        assertThat(forged.get("/console/customers").status()).isEqualTo(302);
    }

    @Test
    void aFormWithoutItsCsrfToken_isRefusedWithAPage_andDoesNothing() {
        ConsoleClient client = ConsoleClient.signedIn(console, LocalSuite.OPERATOR_KEY);
        String queue = SuiteQueues.USAGE;
        String marker = park(queue, "CSRF_TEST: must stay parked");
        ConsoleClient.Answer refused = client.postRaw("/console/parked/replay", Map.of("queue", queue));
        assertThat(refused.status()).isIn(400, 403);
        assertThat(refused.body()).contains("This form has expired");
        assertThat(client.get("/console/parked").body()).contains(marker);
        // a token of another session does not open this one
        ConsoleClient other = ConsoleClient.signedIn(console, LocalSuite.OPERATOR_KEY);
        other.get("/console/parked");
        String foreign = other.csrfToken();
        ConsoleClient.Answer crossed = client.postRaw("/console/parked/replay", Map.of("queue", queue,
                client.csrfField(), foreign));
        assertThat(crossed.status()).isIn(400, 403);
        assertThat(client.get("/console/parked").body()).contains(marker);
    }

    @Test
    void signingOut_endsTheSession() {
        ConsoleClient client = ConsoleClient.signedIn(console, LocalSuite.OPERATOR_KEY);
        ConsoleClient.Answer out = client.post("/console/logout", Map.of());
        assertThat(out.status()).isEqualTo(303);
        assertThat(out.location()).endsWith("/console/login?signedOut=1");
        assertThat(client.cookie("mpsaas_console")).isNull();
        assertThat(client.get("/console/login?signedOut=1").body()).contains("You are signed out.");
        assertThat(client.get("/console/customers").status()).isEqualTo(302);
    }

    // ---------------------------------------------------------------- pages

    @Test
    void search_findsACustomer_byEachIdAndByTheStartOfItsCompany_escaped() {
        ConsoleClient client = ConsoleClient.signedIn(console, LocalSuite.OPERATOR_KEY);
        SuiteFixtures.Buyer ca = fx.activeBuyer("sbx-ca-contract", Map.of("seats", 7));
        SuiteFixtures.Buyer legacy = fx.activeBuyer("sbx-legacy-subscription", Map.of());
        String unique = UUID.randomUUID().toString().substring(0, 8);
        fx.register(ca, "Zebra Über-Analytics " + unique + " <Labs>", "Ada Lovelace", "ada@example.com",
                "+44 20 7946 0000");

        assertThat(search(client, ca.sub().licenseArn(), "")).containsExactly(ca.key());
        assertThat(search(client, ca.sub().licenseArn(), "license")).containsExactly(ca.key());
        assertThat(search(client, ca.sub().customerAWSAccountId(), "account")).containsExactly(ca.key());
        assertThat(search(client, legacy.sub().customerIdentifier(), "customer-identifier"))
                .containsExactly(legacy.key());
        assertThat(search(client, ca.key(), "")).containsExactly(ca.key());
        assertThat(search(client, "ZEBRA  Über-ANALYTICS " + unique, "company")).containsExactly(ca.key());
        assertThat(search(client, "no-such-customer-" + unique, "")).isEmpty();
        ConsoleClient.Answer results = client.post("/console/search", Map.of("q", "zebra uber analytics " + unique,
                "by", "company"));
        assertThat(results.body()).contains("Zebra Über-Analytics " + unique + " &lt;Labs&gt;")
                .doesNotContain("<Labs>");
        ConsoleClient.Answer empty = client.post("/console/search", Map.of("q", "   ", "by", ""));
        assertThat(empty.status()).isEqualTo(400);
        assertThat(empty.body()).contains("Enter something to search for.");
    }

    @Test
    void customerList_pagesThroughAProduct_andFiltersByState() {
        ConsoleClient client = ConsoleClient.signedIn(console, LocalSuite.OPERATOR_KEY);
        // the product's customers: what earlier tests left, and seven more
        for (int i = 0; i < 7; i++) {
            fx.activeBuyer("sbx-legacy-contract", Map.of("seats", 1 + i));
        }
        List<String> all = new ArrayList<>();
        String next = "/console/customers?product=sbx-legacy-contract";
        int pages = 0;
        while (next != null) {
            ConsoleClient.Answer page = client.get(next);
            assertThat(page.status()).isEqualTo(200);
            List<String> keys = keys(page.body());
            assertThat(keys.size()).isLessThanOrEqualTo(5);
            all.addAll(keys);
            next = nextHref(page.body());
            pages++;
        }
        assertThat(pages).isGreaterThanOrEqualTo(2);
        assertThat(all).hasSizeGreaterThanOrEqualTo(7).doesNotHaveDuplicates().isSorted();
        assertThat(keys(client.get("/console/customers?product=sbx-legacy-contract&state=ACTIVE").body()))
                .isNotEmpty();
        assertThat(keys(client.get("/console/customers?product=sbx-legacy-contract&state=DEPROVISIONED").body()))
                .isEmpty();
        ConsoleClient.Answer forged = client.get("/console/customers?product=sbx-legacy-contract&after=bm90");
        assertThat(forged.status()).isEqualTo(400);
        assertThat(forged.body()).contains("That page link is not valid");
    }

    @Test
    void customerPage_showsTheAgreementTerms_ofAChannelPartnerOffer() {
        // GIVEN an active buyer of the catalog's contract sold through a channel partner (a CPPO)
        ConsoleClient client = ConsoleClient.signedIn(console, LocalSuite.OPERATOR_KEY);
        SuiteFixtures.Buyer buyer = fx.activeBuyer("sbx-cppo-contract", Map.of("seats", 6));

        // WHEN entitlement-service has read the agreement's terms
        String page = await().atMost(Duration.ofSeconds(60)).until(() -> client.get("/console/customer?key="
                + ConsoleClient.encode(buyer.key())).body(), html -> html.contains("id=\"agreement-terms\""));

        // THEN the customer's page shows who offered it, the partner, the dates and the terms
        assertThat(page.replace("<wbr>", "")).contains("<h2 id=\"agreement-h\">Agreement</h2>",
                buyer.sub().agreementId(), "Channel partner&#39;s private offer (CPPO)", "444455556666",
                "<dd>ACTIVE</dd>", "contract P12M (seats=6)", "auto-renews");
    }

    @Test
    void customerPage_showsStateIdentityRegistrationEntitlementsHistoryAndUsage() {
        ConsoleClient client = ConsoleClient.signedIn(console, LocalSuite.OPERATOR_KEY);
        SuiteFixtures.Buyer buyer = fx.activeBuyer("sbx-ca-subscription", Map.of());
        fx.register(buyer, "Babbage & Lovelace <Analytics>", "Ada <b>Lovelace</b>", "ada@example.com",
                "+44 20 7946 0000");
        fx.usage(buyer, "requests", 42, Instant.now());
        fx.flush(buyer);
        await().atMost(Duration.ofSeconds(60)).until(() -> client.get("/console/customer?key="
                + ConsoleClient.encode(buyer.key())).body(), html -> html.contains(">SENT<"));

        ConsoleClient.Answer page = client.get("/console/customer?key=" + ConsoleClient.encode(buyer.key()));
        assertThat(page.status()).isEqualTo(200);
        // (the ARN is shown whole; TokenBreaks only adds the places it may wrap, <wbr> after its separators)
        assertThat(page.body().replace("<wbr>", "")).contains("id=\"state\">Active<", buyer.sub().licenseArn(),
                buyer.sub().customerAWSAccountId());
        assertThat(page.body()).contains(":<wbr>license:<wbr>l-");
        assertThat(page.body()).contains("Babbage &amp; Lovelace &lt;Analytics&gt;", "Ada &lt;b&gt;Lovelace&lt;/b&gt;",
                "ada@example.com");
        assertThat(page.body()).contains(">42 <span class=\"muted small\">(1 record)<", ">SENT<");
        assertThat(page.body()).containsPattern("<td>(SubscribeSuccess|[A-Za-z ]+)</td>");
        assertThat(client.get("/console/customer?key=" + ConsoleClient.encode("license#l-nobody")).status())
                .isEqualTo(404);
    }

    @Test
    void usageAndFailures_showEveryHourWithItsStatus_andReDrive_goesThroughMeteringsApi() {
        ConsoleClient client = ConsoleClient.signedIn(console, LocalSuite.OPERATOR_KEY);
        // GIVEN a customer whose agreement began this hour: usage of the previous hour is CustomerNotSubscribed
        SuiteFixtures.Buyer buyer = fx.activeBuyerWithFailedPreviousHour("sbx-ca-subscription", "requests", 96,
                Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofMinutes(30)));
        JsonNode aggregates = fx.meterAndAwait(buyer);
        String failed = StreamSupport.stream(aggregates.spliterator(), false)
                .filter(a -> a.path("redrivable").asBoolean()).map(a -> a.path("id").asText()).findFirst()
                .orElseThrow(() -> new AssertionError("no re-drivable aggregate: " + aggregates));

        // THEN the usage page and the failures page show it, with a box to re-drive it
        String usage = client.get("/console/usage?key=" + ConsoleClient.encode(buyer.key())).body();
        assertThat(usage).contains("CUSTOMER_NOT_SUBSCRIBED", "CustomerNotSubscribed");
        assertThat(checkboxes(usage)).containsExactly(failed);
        String failures = client.get("/console/failures").body();
        assertThat(checkboxes(failures)).contains(failed);
        assertThat(client.get("/console").body()).containsPattern("id=\"failures-total\">[1-9][0-9]*\\+?<");

        // WHEN the operator re-drives it, and an id metering-service does not know
        ConsoleClient.Answer result = client.post("/console/metering/redrive", Map.of("id", List.of(failed,
                "agg#no-such-aggregate"), "back", "/console/failures"));

        // THEN metering-service requeued the one and refused the other, and says so
        assertThat(result.status()).isEqualTo(200);
        assertThat(result.body()).contains("1 requested, 1 refused", "no such aggregate");
        JsonNode after = fx.send(Service.METERING, "/v1/admin/metering/usage?customerKey="
                + ConsoleClient.encode(buyer.key()), LocalSuite.ADMIN_API_KEY, "GET", null);
        assertThat(StreamSupport.stream(after.spliterator(), false).filter(a -> a.path("id").asText().equals(failed))
                .map(a -> a.path("status").asText())).containsExactly("FROZEN");
        // AND an empty selection is a readable refusal
        ConsoleClient.Answer none = client.post("/console/metering/redrive", Map.of("back", "/console/failures"));
        assertThat(none.status()).isEqualTo(400);
        assertThat(none.body()).contains("Select at least one aggregate");
    }

    @Test
    void parkedMessages_ofEveryDeadLetterQueue_showWithTheirReason_andAReplayMovesOneBack() {
        ConsoleClient client = ConsoleClient.signedIn(console, LocalSuite.OPERATOR_KEY);
        String marker = park(SuiteQueues.USAGE, "INVALID_RECORD: no customer \" <script>");

        String page = await().atMost(Duration.ofSeconds(30)).until(() -> client.get("/console/parked").body(),
                html -> html.contains(marker));
        assertThat(page).contains("marketplace-notifications", "metering-usage", "metering-commands",
                "marketplace-customer-events");
        assertThat(page).contains("INVALID_RECORD: no customer &quot; &lt;script&gt;").doesNotContain("\" <script>");
        String messageId = messageIdOfRowWith(page, marker);

        ConsoleClient.Answer replay = client.post("/console/parked/replay", Map.of("queue", SuiteQueues.USAGE,
                "messageId", messageId));
        assertThat(replay.status()).isEqualTo(303);
        assertThat(replay.location()).contains("/console/parked?replayed=1&queue=metering-usage");
        assertThat(client.get(URI.create(replay.location()).getRawPath() + "?" + URI.create(replay.location())
                .getRawQuery()).body()).contains("1 message moved back to metering-usage.").doesNotContain(messageId);
        // metering-service consumes it again, and parks it again with its reason (it names no customer)
        ConsoleClient.Answer again = client.post("/console/parked/replay", Map.of("queue", SuiteQueues.USAGE,
                "messageId", messageId));
        assertThat(again.location()).contains("replayed=0");
        assertThat(client.post("/console/parked/replay", Map.of("queue", "someone-elses-queue")).status())
                .isEqualTo(404);
    }

    @Test
    void aServiceThatIsDown_givesAPageThatNamesIt_andTheOthersStillWork() {
        ConsoleClient client = ConsoleClient.signedIn(console, LocalSuite.OPERATOR_KEY);
        suite.stop(Service.METERING, Duration.ofSeconds(15));
        try {
            ConsoleClient.Answer failures = client.get("/console/failures");
            assertThat(failures.status()).isEqualTo(503);
            assertThat(failures.body()).contains("metering-service is unavailable", "did not answer",
                    "Nothing was changed");
            assertThat(client.get("/console/customers").status()).isEqualTo(200);
        } finally {
            try {
                suite.startService(Service.METERING);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            suite.awaitReady(Service.METERING, Duration.ofSeconds(60));
        }
        assertThat(client.get("/console/failures").status()).isEqualTo(200);
    }

    // ---------------------------------------------------------------- an operator's browser

    @Test
    void operator_signsIn_searches_opensACustomer_viewsUsage_reDrives_andReviewsParkedMessages_inABrowser() {
        // GIVEN a registered customer with a failed hour, and a parked usage message
        SuiteFixtures.Buyer buyer = fx.activeBuyerWithFailedPreviousHour("sbx-ca-subscription", "requests", 96,
                Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofMinutes(20)));
        String unique = UUID.randomUUID().toString().substring(0, 6);
        String company = "Analytical Engines " + unique + " Ltd";
        fx.register(buyer, company, "Ada Lovelace", "ada@example.com", "+44 20 7946 0000");
        fx.usage(buyer, "requests", 17, Instant.now());
        park(SuiteQueues.USAGE, "INVALID_QUANTITY: quantity must be a whole number >= 0");

        try (Browser browser = Browser.start(Path.of("target", "screenshots", "console"))) {
            WebDriver driver = browser.driver();
            // WHEN the operator opens the console: the login page
            driver.get(console + "/console");
            waitFor(browser, By.id("key"));
            browser.screenshot("console-01-login");
            // a wrong key is refused
            driver.findElement(By.id("operator")).sendKeys("Ada");
            driver.findElement(By.id("key")).sendKeys("not-the-key");
            driver.findElement(By.cssSelector("button[type=submit]")).click();
            waitFor(browser, By.id("key-error"));
            assertThat(driver.findElement(By.id("key-error")).getText()).contains("not an operator");
            // the operator key signs in, onto the overview
            driver.findElement(By.id("operator")).sendKeys("Ada");
            driver.findElement(By.id("key")).sendKeys(LocalSuite.OPERATOR_KEY);
            driver.findElement(By.cssSelector("button[type=submit]")).click();
            waitFor(browser, By.id("parked-total"));
            assertThat(driver.findElement(By.tagName("h1")).getText()).isEqualTo("Overview");
            browser.screenshot("console-02-overview");

            // THEN a search by company finds the customer
            driver.findElement(By.id("q")).sendKeys("analytical engines " + unique);
            driver.findElement(By.cssSelector("#by option[value='company']")).click();
            driver.findElement(By.cssSelector("form[role=search] button[type=submit]")).click();
            waitFor(browser, By.id("customers"));
            assertThat(driver.findElement(By.id("customers")).getText()).contains(company, "Active");
            browser.screenshot("console-03-search");

            // AND the customer's page shows state, identity, registration, entitlements and history
            driver.findElement(By.linkText(company)).click();
            waitFor(browser, By.id("identity"));
            assertThat(driver.findElement(By.id("state")).getText()).isEqualTo("Active");
            assertThat(driver.findElement(By.id("identity")).getText()).contains(buyer.sub().licenseArn());
            // AND (issue 22) the ARN may wrap only after its separators, not inside the account or license id
            assertThat(driver.findElement(By.id("identity")).getAttribute("innerHTML")).contains(":<wbr>license:<wbr>l-");
            assertThat(driver.findElement(By.id("registration")).getText()).contains("ada@example.com");
            browser.screenshot("console-04-customer");

            // AND its usage, hour by hour, with the failed hour selectable for a re-drive
            driver.findElement(By.linkText("Usage and metering")).click();
            waitFor(browser, By.id("aggregates"));
            assertThat(driver.findElement(By.id("aggregates")).getText()).contains("CUSTOMER_NOT_SUBSCRIBED",
                    "OPEN");
            // AND (issue 22) the table fits the 1280 px window without scrolling sideways
            Object overflow = ((org.openqa.selenium.JavascriptExecutor) driver).executeScript(
                    "var t = document.getElementById('aggregates');"
                            + " return t.scrollWidth - t.parentElement.clientWidth;");
            assertThat(((Number) overflow).longValue()).as("pixels of the usage table beyond its box")
                    .isLessThanOrEqualTo(0);
            browser.screenshot("console-05-usage");
            driver.findElement(By.cssSelector("input[type=checkbox][name=id]")).click();
            driver.findElement(By.xpath("//button[text()='Re-drive selected']")).click();
            waitFor(browser, By.id("redrive-results"));
            assertThat(driver.findElement(By.id("redrive-results")).getText()).contains("Requested");
            browser.screenshot("console-06-redrive");

            // AND the metering failures across customers
            driver.findElement(By.linkText("Metering failures")).click();
            waitFor(browser, By.id("aggregates"));
            browser.screenshot("console-07-failures");

            // AND the parked messages, with their reasons
            driver.findElement(By.linkText("Parked messages")).click();
            waitFor(browser, By.id("parked-total"));
            assertThat(driver.getPageSource()).contains("INVALID_QUANTITY: quantity must be a whole number &gt;= 0");
            browser.screenshot("console-08-parked");

            // AND signing out ends it
            driver.findElement(By.xpath("//button[text()='Sign out']")).click();
            waitFor(browser, By.id("key"));
            assertThat(driver.getPageSource()).contains("You are signed out.");
            driver.get(console + "/console/customers");
            waitFor(browser, By.id("key"));
        }
    }

    // ---------------------------------------------------------------- helpers

    /** Parks a message in a queue's dead-letter queue as a consumer does (with its reason); answers a marker in it. */
    private static String park(String queue, String reason) {
        String marker = "console-" + UUID.randomUUID();
        String dlq = suite.sandbox().aws().queueUrl(SuiteQueues.deadLetterQueue(queue));
        suite.sandbox().aws().sqs().sendMessage(r -> r.queueUrl(dlq).messageBody("{\"records\":[{\"dimension\":"
                + "\"requests\",\"idempotencyKey\":\"" + marker + "\"}]}").messageAttributes(Map.of(
                        SqsConsumer.PARK_REASON_ATTRIBUTE, string(reason),
                        SqsConsumer.PARK_AT_ATTRIBUTE, string(Instant.now().toString()))));
        return marker;
    }

    private static void waitFor(Browser browser, By element) {
        WebDriver driver = browser.driver();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> !driver.findElements(element).isEmpty());
        } catch (RuntimeException e) {
            browser.screenshot("console-failed-" + System.currentTimeMillis());
            throw new AssertionError("no " + element + " on " + driver.getCurrentUrl() + ":\n"
                    + driver.getPageSource(), e);
        }
    }

    private static List<String> search(ConsoleClient client, String text, String by) {
        ConsoleClient.Answer answer = client.post("/console/search", Map.of("q", text, "by", by));
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return keys(answer.body());
    }

    private static List<String> keys(String html) {
        List<String> keys = new ArrayList<>();
        int table = html.indexOf("id=\"customers\"");
        Matcher m = ROW_KEY.matcher(html.substring(Math.max(table, 0)));
        while (m.find()) {
            String key = URLDecoder.decode(m.group(1).replace("&amp;", "&"), StandardCharsets.UTF_8);
            if (!keys.contains(key)) {
                keys.add(key);
            }
        }
        return keys;
    }

    private static String nextHref(String html) {
        Matcher m = Pattern.compile("href=\"([^\"]+)\" rel=\"next\"").matcher(html);
        return m.find() ? m.group(1).replace("&amp;", "&") : null;
    }

    private static List<String> checkboxes(String html) {
        List<String> ids = new ArrayList<>();
        Matcher m = Pattern.compile("type=\"checkbox\" name=\"id\" value=\"([^\"]+)\"").matcher(html);
        while (m.find()) {
            ids.add(m.group(1).replace("&#35;", "#"));
        }
        return ids;
    }

    private static String messageIdOfRowWith(String html, String text) {
        int at = html.indexOf(text);
        assertThat(at).isPositive();
        String row = html.substring(html.lastIndexOf("<tr class=\"parked-message\">", at), at);
        Matcher m = Pattern.compile("<td class=\"mono\">([0-9a-f-]{36})").matcher(row);
        assertThat(m.find()).as(row).isTrue();
        return m.group(1);
    }

    private static MessageAttributeValue string(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }
}
