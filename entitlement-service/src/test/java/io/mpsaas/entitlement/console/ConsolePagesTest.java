package io.mpsaas.entitlement.console;

import static io.mpsaas.entitlement.TestSupport.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mpsaas.common.customer.CustomerRecord;
import io.mpsaas.common.messaging.SqsConsumer;
import io.mpsaas.common.messaging.SuiteQueues;
import io.mpsaas.entitlement.TestSupport;
import io.mpsaas.sandbox.Sandbox;
import io.mpsaas.sandbox.testing.InjectSandbox;
import io.mpsaas.sandbox.testing.SandboxTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * The console's pages show the right data: customers found by each id and by company, a customer's state, identity,
 * registration, entitlements, history and usage, metering failures and their re-drive, parked messages of every
 * dead-letter queue and their replay. Every value is HTML-escaped.
 */
@QuarkusTest
@QuarkusTestResource(value = SandboxTestResource.class, restrictToAnnotatedClass = false)
class ConsolePagesTest {

    private static final Pattern ROW_KEY = Pattern.compile("href=\"/console/customer\\?key=([^\"]+)\"");

    @InjectSandbox
    Sandbox sandbox;

    ConsoleFixtures fx;
    ConsoleClient console;

    @BeforeEach
    void setUp() {
        fx = new ConsoleFixtures(sandbox);
        console = ConsoleClient.signedIn();
    }

    @Test
    void search_findsACustomer_byEachIdAndByTheStartOfItsCompany() {
        // GIVEN a Concurrent Agreements buyer and a legacy buyer, both registered
        ConsoleFixtures.Buyer ca = fx.caContractBuyer();
        ConsoleFixtures.Buyer legacy = fx.legacyContractBuyer();
        String unique = UUID.randomUUID().toString().substring(0, 8);
        fx.register(ca.key(), "Zebra Über-Analytics " + unique + " <Labs>", "Ada Lovelace", "ada@example.com",
                "+44 20 7946 0000", Map.of());
        fx.register(legacy.key(), "Quokka Freight " + unique, "Alan Turing", "alan@example.com", "+44 161 496 0000",
                Map.of());

        // THEN each id finds its customer, with "anything" and with the explicit kind
        assertThat(search(ca.sub().licenseArn(), "")).containsExactly(ca.key());
        assertThat(search(ca.sub().licenseArn(), "license")).containsExactly(ca.key());
        assertThat(search(ca.sub().customerAWSAccountId(), "")).containsExactly(ca.key());
        assertThat(search(ca.sub().customerAWSAccountId(), "account")).containsExactly(ca.key());
        assertThat(search(legacy.sub().customerIdentifier(), "")).containsExactly(legacy.key());
        assertThat(search(legacy.sub().customerIdentifier(), "customer-identifier")).containsExactly(legacy.key());
        assertThat(search(legacy.product().code(), "product-code")).containsExactly(legacy.key());
        assertThat(search(legacy.product().code(), "")).containsExactly(legacy.key());
        assertThat(search(ca.key(), "")).containsExactly(ca.key());
        // AND a company by the start of its name, whatever the case, accents or punctuation
        assertThat(search("zebra uber analytics " + unique, "company")).containsExactly(ca.key());
        assertThat(search("ZEBRA  Über-ANALYTICS " + unique, "")).containsExactly(ca.key());
        assertThat(search("Quokka Freight " + unique, "company")).containsExactly(legacy.key());
        assertThat(search("Freight " + unique, "company")).as("a company is found by its start").isEmpty();
        // AND nothing is found for what matches nothing
        assertThat(search("no-such-customer-" + unique, "")).isEmpty();
        // AND the company shows escaped in the results
        Response results = console.post("/console/search", Map.of("q", "zebra uber analytics " + unique, "by",
                "company"));
        assertThat(results.asString()).contains("Zebra Über-Analytics " + unique + " &lt;Labs&gt;")
                .doesNotContain("<Labs>");
        // AND an empty search is a readable refusal
        Response empty = console.post("/console/search", Map.of("q", "   ", "by", ""));
        assertThat(empty.statusCode()).isEqualTo(400);
        assertThat(empty.asString()).contains("Enter something to search for.");
    }

    @Test
    void customerList_pagesThroughAProduct_andFiltersByState() {
        // GIVEN seven customers of one product that landed (onboarding's writes), one of them active
        String product = TestSupport.uniqueCode("console-list");
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            keys.add(fx.landedLegacyCustomer(product, "Cust" + i + UUID.randomUUID().toString().substring(0, 6),
                    TestSupport.account()));
        }

        // WHEN the operator pages through the product (5 per page in tests)
        Response first = console.get("/console/customers?product=" + product);
        List<String> page1 = keys(first);
        String next = nextHref(first);
        Response second = console.get(next);
        List<String> page2 = keys(second);

        // THEN every customer shows once, in key order, and the last page has no next link
        assertThat(page1).hasSize(5);
        assertThat(page2).hasSize(2);
        assertThat(nextHref(second)).isNull();
        List<String> all = new ArrayList<>(page1);
        all.addAll(page2);
        assertThat(all).containsExactlyElementsOf(keys.stream().sorted().toList());
        assertThat(first.asString()).contains("Customers of " + product, "Pending");
        // AND the state filter narrows it
        assertThat(keys(console.get("/console/customers?product=" + product + "&state=PENDING"))).hasSize(5);
        assertThat(keys(console.get("/console/customers?product=" + product + "&state=ACTIVE"))).isEmpty();
        // AND a forged page link is a readable refusal
        Response forged = console.get("/console/customers?product=" + product + "&after=bm90LWEtY3Vyc29y");
        assertThat(forged.statusCode()).isEqualTo(400);
        assertThat(forged.asString()).contains("That page link is not valid");
        // AND the whole table pages too
        assertThat(keys(console.get("/console/customers"))).hasSize(5);
    }

    @Test
    void customerPage_showsStateIdentityRegistrationEntitlementsHistoryAndUsage() {
        // GIVEN a legacy contract buyer processed from the simulator's notifications, registered, with usage
        ConsoleFixtures.Buyer buyer = fx.legacyContractBuyer();
        fx.register(buyer.key(), "Babbage & Lovelace <Analytics>", "Ada <b>Lovelace</b>", "ada@example.com",
                "+44 20 7946 0000", Map.of("teamSize", "12"));
        CustomerRecord c = TestSupport.customer(sandbox, buyer.key()).orElseThrow();
        fx.aggregate(c, "requests", ConsoleFixtures.hoursAgo(1), "SENT", 42, null, null);

        // WHEN the operator opens it
        Response page = console.get("/console/customer?key=" + encode(buyer.key()));

        // THEN it shows the state, the ids, the registration (escaped), the entitlements with expiry and the history
        assertThat(page.statusCode()).isEqualTo(200);
        String html = page.asString();
        assertThat(html).contains("id=\"state\">Active<", buyer.sub().customerIdentifier(), buyer.product().code(),
                "LEGACY");
        assertThat(html).contains("Babbage &amp; Lovelace &lt;Analytics&gt;", "Ada &lt;b&gt;Lovelace&lt;/b&gt;",
                "ada@example.com", "+44 20 7946 0000", "teamSize", "Personal data")
                .doesNotContain("<Analytics>", "<b>Lovelace</b>");
        assertThat(html).contains("seats", "INTEGER", ">10<", "premium_support", "BOOLEAN", "storage_tb");
        Instant expiry = c.entitlements().get("seats").expiresAt();
        assertThat(expiry).isNotNull();
        assertThat(html).contains(ConsolePages.time(expiry));
        assertThat(html).contains(">SubscribeSuccess<", "state ACTIVE");
        assertThat(html).contains(">42 <span class=\"muted small\">(3 records)<", ">SENT<");
        assertThat(page.header("Cache-Control")).isEqualTo("no-store");
        // AND an unknown customer is a not-found page
        assertThat(console.get("/console/customer?key=" + encode("license#l-nobody")).statusCode()).isEqualTo(404);
    }

    @Test
    void usageAndFailures_showEveryHourWithItsStatus_andReDriveSendsTheCommand_onlyForWhatCanBeReDriven() {
        // GIVEN hours of a customer in several metering states
        ConsoleFixtures.Buyer buyer = fx.caContractBuyer();
        CustomerRecord c = TestSupport.customer(sandbox, buyer.key()).orElseThrow();
        String open = fx.aggregate(c, "requests", ConsoleFixtures.hoursAgo(0), "OPEN", 7, null, null);
        String sent = fx.aggregate(c, "requests", ConsoleFixtures.hoursAgo(1), "SENT", 40, null, null);
        String notSubscribed = fx.aggregate(c, "requests", ConsoleFixtures.hoursAgo(2), "CUSTOMER_NOT_SUBSCRIBED", 12,
                "CustomerNotSubscribed", "the customer is not subscribed");
        String duplicate = fx.aggregate(c, "requests", ConsoleFixtures.hoursAgo(3), "DUPLICATE_RECORD", 9,
                "DuplicateRecord", null);
        String failed = fx.aggregate(c, "gb_stored", ConsoleFixtures.hoursAgo(2), "FAILED", 3, "InvalidTag",
                "tag <x> is not allowed");

        // WHEN the operator opens the customer's usage and the failures page
        String usage = console.get("/console/usage?key=" + encode(buyer.key())).asString();
        String failures = console.get("/console/failures").asString();

        // THEN every hour shows with its status; only the two re-drivable ones can be selected
        assertThat(rowIds(usage)).containsExactly(open, sent, notSubscribed, failed, duplicate);
        assertThat(usage).contains(">OPEN<", ">SENT<", ">CUSTOMER_NOT_SUBSCRIBED<", ">DUPLICATE_RECORD<", ">FAILED<");
        assertThat(usage).contains("InvalidTag<div class=\"muted small\">tag &lt;x&gt; is not allowed")
                .doesNotContain("tag <x>");
        assertThat(checkboxes(usage)).containsExactlyInAnyOrder(notSubscribed, failed);
        // AND the failures page lists the failures, not the others
        assertThat(rowIds(failures)).contains(notSubscribed, duplicate, failed).doesNotContain(open, sent);

        // WHEN the operator re-drives the re-drivable ones, plus (by a crafted post) the duplicate and a stranger
        Response result = console.post("/console/metering/redrive", Map.of("id", List.of(notSubscribed, failed,
                duplicate, "agg#license#l-nobody#requests#2026-01-01T00:00:00Z"), "back", "/console/failures"));

        // THEN the page says what was requested and what refused
        assertThat(result.statusCode()).isEqualTo(200);
        assertThat(result.asString()).contains("2 requested, 2 refused", "DuplicateRecord", "No such aggregate.");
        // AND one redrive command for the customer went to metering-service, naming exactly the re-drivable two
        List<JsonNode> commands = TestSupport.meteringCommands(sandbox).forCustomer(buyer.key());
        assertThat(commands).hasSize(1);
        JsonNode command = commands.get(0);
        assertThat(command.path("type").asText()).isEqualTo("redrive");
        assertThat(command.path("customer").path("licenseArn").asText()).isEqualTo(buyer.sub().licenseArn());
        assertThat(command.path("customer").path("productCode").asText()).isEqualTo(buyer.product().code());
        List<String> ids = new ArrayList<>();
        command.path("aggregateIds").forEach(n -> ids.add(n.asText()));
        assertThat(ids).containsExactlyInAnyOrder(notSubscribed, failed);
        assertThat(command.path("commandId").asText()).isNotBlank();
        // AND nothing at all was requested when nothing can be
        Response none = console.post("/console/metering/redrive", Map.of("id", List.of(sent)));
        assertThat(none.asString()).contains("0 requested, 1 refused", "cannot be re-driven");
        assertThat(TestSupport.meteringCommands(sandbox).forCustomer(buyer.key())).hasSize(1);
    }

    @Test
    void parkedMessages_ofEveryDeadLetterQueue_showWithTheirReason_andAReplayMovesOneBack() {
        // GIVEN a notification the consumer parks (malformed) and a usage message metering-service parked
        String marker = "console-" + UUID.randomUUID();
        TestSupport.deliver(sandbox, "{\"Type\" : \"Notification\", \"TopicArn\" : \"" + marker + "\" <script>");
        String usageDlq = sandbox.aws().queueUrl(SuiteQueues.deadLetterQueue(SuiteQueues.USAGE));
        String usageBody = "{\"records\":[{\"dimension\":\"requests\",\"idempotencyKey\":\"" + marker + "\"}]}";
        sandbox.aws().sqs().sendMessage(r -> r.queueUrl(usageDlq).messageBody(usageBody).messageAttributes(Map.of(
                SqsConsumer.PARK_REASON_ATTRIBUTE, string("INVALID_RECORD: no customer (" + marker + ")"),
                SqsConsumer.PARK_AT_ATTRIBUTE, string(Instant.now().toString()))));

        // WHEN the operator opens the parked messages
        String page = eventually().until(() -> console.get("/console/parked").asString(),
                html -> html.contains("malformed JSON") && html.contains(marker + "&quot; &lt;script&gt;"));

        // THEN each queue's dead-letter queue is listed, with the reasons, the bodies escaped
        assertThat(page).contains("marketplace-notifications", "metering-usage", "metering-commands",
                "marketplace-customer-events");
        assertThat(page).contains("INVALID_RECORD: no customer (" + marker + ")").doesNotContain("\" <script>");
        String usageMessageId = messageIdOfRowWith(page, "INVALID_RECORD: no customer (" + marker + ")");

        // WHEN the operator replays the usage message
        Response replay = console.post("/console/parked/replay", Map.of("queue", SuiteQueues.USAGE,
                "messageId", usageMessageId));

        // THEN it is back on the usage queue without its park attributes, and gone from the dead-letter queue
        assertThat(replay.statusCode()).isEqualTo(303);
        assertThat(replay.header("Location")).contains("/console/parked?replayed=1&queue=metering-usage");
        Message back = eventually().until(() -> receive(SuiteQueues.USAGE, marker), m -> m != null);
        assertThat(back.body()).isEqualTo(usageBody);
        assertThat(back.messageAttributes()).doesNotContainKey(SqsConsumer.PARK_REASON_ATTRIBUTE);
        String after = console.get("/console/parked?replayed=1&queue=metering-usage").asString();
        assertThat(after).contains("1 message moved back to metering-usage.").doesNotContain(usageMessageId);
        // AND replaying it again finds nothing, and says so
        Response again = console.post("/console/parked/replay", Map.of("queue", SuiteQueues.USAGE,
                "messageId", usageMessageId));
        assertThat(again.header("Location")).contains("replayed=0");
        // AND a queue that is not the suite's is refused
        assertThat(console.post("/console/parked/replay", Map.of("queue", "someone-elses-queue")).statusCode())
                .isEqualTo(404);
    }

    @Test
    void overview_countsParkedMessagesAndFailures() {
        ConsoleFixtures.Buyer buyer = fx.legacyContractBuyer();
        CustomerRecord c = TestSupport.customer(sandbox, buyer.key()).orElseThrow();
        fx.aggregate(c, "requests", ConsoleFixtures.hoursAgo(2), "FAILED", 2, "InvalidUsageDimension", null);

        Response overview = console.get("/console");

        assertThat(overview.statusCode()).isEqualTo(200);
        assertThat(overview.asString()).contains("Dead-letter queues", "marketplace-notifications", "metering-usage")
                .containsPattern("id=\"failures-total\">[1-9][0-9]*\\+?<");
    }

    // ---------------------------------------------------------------- helpers

    private List<String> search(String text, String by) {
        Response response = console.post("/console/search", Map.of("q", text, "by", by));
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
        return keys(response);
    }

    private static List<String> keys(Response page) {
        List<String> keys = new ArrayList<>();
        int table = page.asString().indexOf("id=\"customers\"");
        Matcher m = ROW_KEY.matcher(page.asString().substring(Math.max(table, 0)));
        while (m.find()) {
            String key = java.net.URLDecoder.decode(m.group(1).replace("&amp;", "&"), StandardCharsets.UTF_8);
            if (!keys.contains(key)) {
                keys.add(key);
            }
        }
        return keys;
    }

    private static String nextHref(Response page) {
        Matcher m = Pattern.compile("href=\"([^\"]+)\" rel=\"next\"").matcher(page.asString());
        return m.find() ? m.group(1).replace("&amp;", "&") : null;
    }

    /** The aggregate of each row of the aggregates table, in order. */
    private static List<String> rowIds(String html) {
        List<String> ids = new ArrayList<>();
        Matcher m = Pattern.compile("<tr data-id=\"([^\"]+)\"").matcher(html);
        while (m.find()) {
            ids.add(m.group(1));
        }
        return ids;
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

    private Message receive(String queue, String marker) {
        String url = sandbox.aws().queueUrl(queue);
        for (Message m : sandbox.aws().sqs().receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(10)
                .waitTimeSeconds(1).messageAttributeNames("All")).messages()) {
            if (m.body().contains(marker)) {
                sandbox.aws().sqs().deleteMessage(r -> r.queueUrl(url).receiptHandle(m.receiptHandle()));
                return m;
            }
        }
        return null;
    }

    private static MessageAttributeValue string(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
