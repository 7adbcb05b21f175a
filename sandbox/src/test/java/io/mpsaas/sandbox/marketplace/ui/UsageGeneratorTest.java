package io.mpsaas.sandbox.marketplace.ui;

import static io.mpsaas.sandbox.marketplace.ui.WebUiClient.unique;
import static io.mpsaas.sandbox.marketplace.ui.WebUiClient.uniqueAccount;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.mpsaas.sandbox.marketplace.MarketplaceSimulator;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeRequest;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeResult;
import io.mpsaas.sandbox.marketplace.catalog.PricingModel;
import io.mpsaas.sandbox.marketplace.catalog.Product;
import io.mpsaas.sandbox.marketplace.catalog.ValueType;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The buyer page's "Send usage" form: what it posts to the metering service's usage API, and how the page reports
 * the answer, including a metering service that is not running.
 */
class UsageGeneratorTest {

    private static final Instant NOW = Instant.parse("2031-03-14T15:09:26Z");
    private static final String API_KEY = "usage-test-key-" + UUID.randomUUID();

    /** One request the stand-in metering service received. */
    record Received(String method, String path, String authorization, String contentType, String body) { }

    private static final List<Received> received = new CopyOnWriteArrayList<>();
    private static final AtomicInteger answerStatus = new AtomicInteger(202);
    private static final AtomicReference<String> answerBody = new AtomicReference<>("");
    private static HttpServer metering;
    private static MarketplaceSimulator sim;
    private static WebUiClient ui;
    private final ObjectMapper json = new ObjectMapper();

    @BeforeAll
    static void start() throws Exception {
        // a stand-in for the metering service: records each request, answers what the test set
        metering = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        metering.createContext("/", exchange -> {
            received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    exchange.getRequestHeaders().getFirst("Authorization"),
                    exchange.getRequestHeaders().getFirst("Content-Type"),
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            byte[] body = answerBody.get().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(answerStatus.get(), body.length == 0 ? -1 : body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        metering.start();
        // a fixed simulator clock, so the usage timestamp is exact
        sim = MarketplaceSimulator.builder()
                .clock(Clock.fixed(NOW, ZoneOffset.UTC))
                .meteringUrl(URI.create("http://127.0.0.1:" + metering.getAddress().getPort() + "/"))
                .meteringApiKey(API_KEY)
                .build().start();
        ui = new WebUiClient(sim);
    }

    @AfterAll
    static void stop() {
        sim.close();
        metering.stop(0);
    }

    @BeforeEach
    void clear() {
        received.clear();
        answerStatus.set(202);
        answerBody.set("");
    }

    @Test
    void sendUsage_postsOneRecordForTheCustomerWithTheApiKey_andShowsTheAnswer() throws Exception {
        // GIVEN an active legacy customer, and a metering service that accepts
        String code = unique("usage");
        sim.addProduct(Product.builder(code, PricingModel.SUBSCRIPTION).metered("requests", "users").build());
        String account = uniqueAccount();
        SubscribeResult sub = sim.subscribe(SubscribeRequest.of(code).withBuyer(account).activated());
        answerBody.set("{\"accepted\":1,\"note\":\"<queued>\"}");

        // WHEN the buyer page sends 7 "users" for the previous hour
        String page = ui.postAndFollow("/marketplace/subscriptions/" + sub.subscriptionId() + "/usage",
                Map.of("dimension", "users", "quantity", "7", "hourOffset", "-1"));

        // THEN the metering service got POST /v1/usage with the key and one record naming the customer
        assertThat(received).singleElement().satisfies(r -> {
            assertThat(r.method()).isEqualTo("POST");
            assertThat(r.path()).isEqualTo("/v1/usage");
            assertThat(r.authorization()).isEqualTo("Bearer " + API_KEY);
            assertThat(r.contentType()).isEqualTo("application/json");
        });
        JsonNode record = json.readTree(received.get(0).body()).get("records").get(0);
        assertThat(json.readTree(received.get(0).body()).get("records")).hasSize(1);
        assertThat(record.get("licenseArn").asText()).isEqualTo(sub.licenseArn());
        assertThat(record.get("customerAwsAccountId").asText()).isEqualTo(account);
        assertThat(record.get("customerIdentifier").asText()).isEqualTo(sub.customerIdentifier());
        assertThat(record.get("productCode").asText()).isEqualTo(code);
        assertThat(record.get("dimension").asText()).isEqualTo("users");
        assertThat(record.get("quantity").asLong()).isEqualTo(7);
        assertThat(Instant.parse(record.get("timestamp").asText())).isEqualTo(NOW.minus(Duration.ofHours(1)));
        assertThat(UUID.fromString(record.get("idempotencyKey").asText())).isNotNull();
        // AND the page shows the status and the (escaped) answer, never the key
        assertThat(page).contains("flash-ok", "answered HTTP 202", "&quot;note&quot;:&quot;&lt;queued&gt;&quot;")
                .doesNotContain(API_KEY);
    }

    @Test
    void sendUsage_twice_usesAFreshIdempotencyKeyEachTime_andLeavesOutAbsentIds() throws Exception {
        // GIVEN a Concurrent Agreements customer (no CustomerIdentifier)
        String account = uniqueAccount();
        SubscribeResult sub = sim.subscribe(SubscribeRequest.of("sbx-ca-subscription").withBuyer(account)
                .activated());
        String path = "/marketplace/subscriptions/" + sub.subscriptionId() + "/usage";

        // WHEN usage is sent twice
        ui.postAndFollow(path, Map.of("dimension", "requests", "quantity", "1", "hourOffset", "0"));
        ui.postAndFollow(path, Map.of("dimension", "requests", "quantity", "1", "hourOffset", "0"));

        // THEN two requests, two keys, and no customerIdentifier member
        assertThat(received).hasSize(2);
        JsonNode first = json.readTree(received.get(0).body()).at("/records/0");
        JsonNode second = json.readTree(received.get(1).body()).at("/records/0");
        assertThat(first.get("idempotencyKey").asText()).isNotEqualTo(second.get("idempotencyKey").asText());
        assertThat(first.has("customerIdentifier")).isFalse();
        assertThat(first.get("licenseArn").asText()).isEqualTo(sub.licenseArn());
        assertThat(Instant.parse(first.get("timestamp").asText())).isEqualTo(NOW);
    }

    @Test
    void sendUsage_rejectedByTheMeteringService_showsItsStatusAndProblem() throws Exception {
        SubscribeResult sub = sim.subscribe(SubscribeRequest.of("sbx-ca-subscription").withBuyer(uniqueAccount())
                .activated());
        answerStatus.set(409);
        answerBody.set("{\"title\":\"customer not subscribed\"}");

        String page = ui.postAndFollow("/marketplace/subscriptions/" + sub.subscriptionId() + "/usage",
                Map.of("dimension", "requests", "quantity", "3"));

        assertThat(page).contains("flash-error", "answered HTTP 409", "customer not subscribed");
    }

    @Test
    void sendUsage_withADimensionThatIsNotMetered_sendsNothing() throws Exception {
        String code = unique("cwc");
        sim.addProduct(Product.builder(code, PricingModel.CONTRACT_WITH_CONSUMPTION)
                .contracted("seats", ValueType.INTEGER).metered("overage").build());
        SubscribeResult sub = sim.subscribe(SubscribeRequest.of(code).withBuyer(uniqueAccount()).activated());
        String path = "/marketplace/subscriptions/" + sub.subscriptionId() + "/usage";

        assertThat(ui.postAndFollow(path, Map.of("dimension", "seats", "quantity", "3")))
                .contains("flash-error", "metered dimensions");
        assertThat(ui.postAndFollow(path, Map.of("dimension", "overage", "quantity", "three")))
                .contains("flash-error", "whole numbers");
        assertThat(received).isEmpty();
        // AND the form only offers the metered dimension
        assertThat(ui.page("/marketplace/buyers/" + sub.customerAWSAccountId()))
                .contains("<option value=\"overage\">").doesNotContain("<option value=\"seats\">");
    }

    @Test
    void sendUsage_whenTheMeteringServiceIsDown_saysSoPlainly() throws Exception {
        // GIVEN a simulator pointed at a port nothing listens on
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        try (MarketplaceSimulator down = MarketplaceSimulator.builder()
                .meteringUrl(URI.create("http://127.0.0.1:" + closedPort)).build().start()) {
            WebUiClient downUi = new WebUiClient(down);
            SubscribeResult sub = down.subscribe(SubscribeRequest.of("sbx-legacy-subscription").activated());

            // WHEN
            String page = downUi.postAndFollow("/marketplace/subscriptions/" + sub.subscriptionId() + "/usage",
                    Map.of("dimension", "requests", "quantity", "1"));

            // THEN a readable message, no stack trace
            assertThat(page).contains("flash-error", "The metering service at http://127.0.0.1:" + closedPort
                    + "/v1/usage is not reachable", "--metering-url")
                    .doesNotContain("Exception", "\tat ");
        }
    }

    @Test
    void buyerPage_saysWhereUsageGoes_andWarnsWhenAwsWouldRejectIt() throws Exception {
        String account = uniqueAccount();
        SubscribeResult pending = sim.subscribe(SubscribeRequest.of("sbx-ca-subscription").withBuyer(account));

        String page = ui.page("/marketplace/buyers/" + account);

        assertThat(page).contains("http://127.0.0.1:" + metering.getAddress().getPort() + "/v1/usage</code>", "AWS does not accept usage for this subscription "
                + "now (Pending payment)", "/marketplace/subscriptions/" + pending.subscriptionId() + "/usage\"");
    }
}
