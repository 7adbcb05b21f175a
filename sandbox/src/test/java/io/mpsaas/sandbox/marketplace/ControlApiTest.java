package io.mpsaas.sandbox.marketplace;

import static io.mpsaas.sandbox.marketplace.SimulatorFixture.AUTH;
import static io.mpsaas.sandbox.marketplace.SimulatorFixture.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;
import software.amazon.awssdk.services.marketplacemetering.model.UsageRecord;

/** The HTTP control API end to end, including the buyer's auto-submitting form reaching a fulfillment URL. */
class ControlApiTest {

    private final ObjectMapper json = new ObjectMapper();
    private HttpServer seller;
    private final List<Map<String, String>> fulfillmentPosts = new CopyOnWriteArrayList<>();
    private final List<String> fulfillmentContentTypes = new CopyOnWriteArrayList<>();
    private MarketplaceSimulator sim;

    @BeforeEach
    void start() throws Exception {
        // A stand-in seller fulfillment endpoint that decodes the form as a browser-facing server would.
        seller = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        seller.createContext("/marketplace/landing", exchange -> {
            fulfillmentContentTypes.add(exchange.getRequestHeaders().getFirst("Content-Type"));
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Map<String, String> form = new LinkedHashMap<>();
            for (String pair : body.split("&")) {
                String[] kv = pair.split("=", 2);
                form.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                        URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
            }
            fulfillmentPosts.add(form);
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        seller.start();
        URI fulfillment = URI.create("http://127.0.0.1:" + seller.getAddress().getPort() + "/marketplace/landing");
        sim = MarketplaceSimulator.builder().fulfillmentUrl(fulfillment).build().start();
    }

    @AfterEach
    void stop() {
        sim.close();
        seller.stop(0);
    }

    private JsonNode call(String method, String path, String body, int expectedStatus) throws Exception {
        HttpResponse<String> r = send(sim, method, path, body);
        assertThat(r.statusCode()).as("%s %s -> %s", method, path, r.body()).isEqualTo(expectedStatus);
        return r.body().isEmpty() ? null : json.readTree(r.body());
    }

    @Test
    void products_listAddGet_andValidation() throws Exception {
        JsonNode list = call("GET", "/sandbox/products", null, 200);
        assertThat(list.get("products").findValuesAsText("code"))
                .contains("sbx-legacy-subscription", "sbx-ca-subscription", "sbx-legacy-contract",
                        "sbx-contract-consumption", "sbx-free-trial");

        String code = SimulatorFixture.uniqueCode("http-product");
        String product = "{\"code\":\"" + code + "\",\"pricingModel\":\"contract\",\"identityModel\":"
                + "\"CONCURRENT_AGREEMENTS\",\"dimensions\":[{\"name\":\"seats\",\"contracted\":true}]}";
        JsonNode created = call("POST", "/sandbox/products", product, 201);
        assertThat(created.get("notificationFormat").asText()).isEqualTo("EVENTBRIDGE");
        assertThat(created.get("productId").asText()).startsWith("prod-");
        assertThat(call("GET", "/sandbox/products/" + code, null, 200).get("pricingModel").asText())
                .isEqualTo("CONTRACT");

        call("POST", "/sandbox/products", product, 409);
        JsonNode invalid = call("POST", "/sandbox/products", "{\"code\":\"x-" + code + "\",\"pricingModel\":"
                + "\"SUBSCRIPTION\",\"dimensions\":[{\"name\":\"seats\",\"contracted\":true}]}", 400);
        assertThat(invalid.get("message").asText()).contains("cannot be contracted");
        call("GET", "/sandbox/products/nope", null, 404);
    }

    @Test
    void subscriptions_fullLifecycleOverHttp() throws Exception {
        JsonNode sub = call("POST", "/sandbox/subscriptions", "{\"productCode\":\"sbx-legacy-contract\","
                + "\"buyerAccountId\":\"777788889999\",\"quantities\":{\"seats\":12,\"tier\":\"gold\"}}", 201);
        String id = sub.get("subscriptionId").asText();
        assertThat(sub.get("state").asText()).isEqualTo("PENDING");
        assertThat(sub.get("customerAWSAccountId").asText()).isEqualTo("777788889999");
        assertThat(sub.get("licenseArn").asText()).startsWith("arn:aws:license-manager::777788889999:license:l-");
        assertThat(sub.get("launchUrl").asText()).isEqualTo(sim.endpoint() + "/sandbox/subscriptions/" + id
                + "/launch");

        assertThat(call("GET", "/sandbox/subscriptions/" + id, null, 200).get("quantities").toString())
                .isEqualTo("{\"seats\":12,\"premium_support\":true,\"tier\":\"gold\"}");
        assertThat(call("POST", "/sandbox/subscriptions/" + id + "/activate", null, 200).get("state").asText())
                .isEqualTo("ACTIVE");
        call("POST", "/sandbox/subscriptions/" + id + "/activate", null, 409);
        assertThat(call("POST", "/sandbox/subscriptions/" + id + "/upgrade", "{\"quantities\":{\"seats\":40}}", 200)
                .at("/quantities/seats").asInt()).isEqualTo(40);
        call("POST", "/sandbox/subscriptions/" + id + "/upgrade", "{\"quantities\":{\"seats\":\"many\"}}", 400);
        JsonNode token = call("POST", "/sandbox/subscriptions/" + id + "/token", null, 200);
        assertThat(token.get("registrationToken").asText()).isNotEqualTo(sub.get("registrationToken").asText());
        assertThat(call("POST", "/sandbox/subscriptions/" + id + "/cancel", null, 200).get("state").asText())
                .isEqualTo("CANCEL_PENDING");
        assertThat(call("POST", "/sandbox/subscriptions/" + id + "/complete-cancellation", null, 200).get("state")
                .asText()).isEqualTo("CANCELLED");

        JsonNode list = call("GET", "/sandbox/subscriptions?productCode=sbx-legacy-contract&buyerAccountId="
                + "777788889999", null, 200);
        assertThat(list.get("subscriptions")).hasSize(1);
        assertThat(call("GET", "/sandbox/notifications?subscriptionId=" + id, null, 200).get("notifications")
                .findValuesAsText("kind"))
                .containsExactly("subscribe-success", "entitlement-updated", "entitlement-updated",
                        "unsubscribe-pending", "unsubscribe-success", "entitlement-updated");
        call("GET", "/sandbox/subscriptions/sub-nope", null, 404);
        call("POST", "/sandbox/subscriptions", "{\"productCode\":\"sbx-legacy-subscription\",\"offerType\":"
                + "\"free-trial\"}", 400);
    }

    @Test
    void launchPage_postsTheTokenAndTrialFlagToTheFulfillmentUrl_andTheTokenSurvivesFormEncoding() throws Exception {
        JsonNode sub = call("POST", "/sandbox/subscriptions", "{\"productCode\":\"sbx-free-trial\",\"offerType\":"
                + "\"free-trial\",\"autoActivate\":true}", 201);
        assertThat(sub.get("state").asText()).isEqualTo("ACTIVE");

        HttpResponse<String> page = SimulatorFixture.get(URI.create(sub.get("launchUrl").asText()));
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v)
                .startsWith("text/html"));
        assertThat(page.body()).isEqualTo(sub.get("launchHtml").asText()).contains(".submit()");

        // Act as the browser: submit the form as application/x-www-form-urlencoded.
        Matcher action = Pattern.compile("<form[^>]*method=\"POST\" action=\"([^\"]+)\"").matcher(page.body());
        assertThat(action.find()).isTrue();
        Matcher input = Pattern.compile("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">")
                .matcher(page.body());
        Map<String, String> fields = new LinkedHashMap<>();
        while (input.find()) {
            fields.put(input.group(1), input.group(2));
        }
        String form = fields.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(action.group(1)))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.discarding());

        await().atMost(Duration.ofSeconds(5)).until(() -> !fulfillmentPosts.isEmpty());
        Map<String, String> received = fulfillmentPosts.get(0);
        assertThat(received).containsEntry("x-amzn-marketplace-offer-type", "free-trial");
        String token = received.get("x-amzn-marketplace-token");
        assertThat(token).isEqualTo(sub.get("registrationToken").asText());
        try (MarketplaceMeteringClient metering = SimulatorFixture.metering(sim, false)) {
            assertThat(metering.resolveCustomer(r -> r.registrationToken(token)).customerIdentifier())
                    .isEqualTo(sub.get("customerIdentifier").asText());
        }
    }

    @Test
    void faults_failNextOperationsAndReset() throws Exception {
        JsonNode initial = call("GET", "/sandbox/faults", null, 200);
        assertThat(initial.get("failNext")).isEmpty();

        call("POST", "/sandbox/faults/fail-next", "{\"operation\":\"ResolveCustomer\",\"count\":1,"
                + "\"errorCode\":\"ThrottlingException\"}", 200);
        HttpResponse<String> throttled = SimulatorFixture.rawAws(sim, "AWSMPMeteringService.ResolveCustomer",
                "{\"RegistrationToken\":\"x\"}", AUTH);
        assertThat(json.readTree(throttled.body()).get("__type").asText()).isEqualTo("ThrottlingException");

        JsonNode afterOps = call("POST", "/sandbox/faults/operations/ALL", "{\"latencyMs\":1,"
                + "\"internalErrorRate\":0.25}", 200);
        assertThat(afterOps.at("/operations/GET_ENTITLEMENTS/internalErrorRate").asDouble()).isEqualTo(0.25);
        call("POST", "/sandbox/faults/operations/BatchMeterUsage", "{\"unprocessedRate\":2}", 400);

        JsonNode replaced = call("PUT", "/sandbox/faults", "{\"seed\":9,\"operations\":{\"BATCH_METER_USAGE\":"
                + "{\"throttlingRate\":1}},\"entitlementEmptyPages\":3}", 200);
        assertThat(replaced.get("seed").asLong()).isEqualTo(9);
        assertThat(replaced.at("/operations/GET_ENTITLEMENTS").isMissingNode()).isTrue();
        assertThat(replaced.get("entitlementEmptyPages").asInt()).isEqualTo(3);

        JsonNode reset = call("POST", "/sandbox/faults/reset", null, 200);
        assertThat(reset.get("operations")).isEmpty();
        assertThat(reset.get("entitlementEmptyPages").asInt()).isZero();
    }

    @Test
    void clockAndSettings() throws Exception {
        JsonNode moved = call("PUT", "/sandbox/clock", "{\"offsetSeconds\":3600}", 200);
        assertThat(moved.get("offsetSeconds").asLong()).isEqualTo(3600);
        assertThat(Instant.parse(moved.get("now").asText())).isAfter(Instant.now().plusSeconds(3500));
        assertThat(call("POST", "/sandbox/clock/advance", "{\"seconds\":60}", 200).get("offsetSeconds").asLong())
                .isEqualTo(3660);
        JsonNode absolute = call("PUT", "/sandbox/clock", "{\"now\":\"2030-01-01T00:00:00Z\"}", 200);
        assertThat(Instant.parse(absolute.get("now").asText()))
                .isBetween(Instant.parse("2030-01-01T00:00:00Z"), Instant.parse("2030-01-01T00:01:00Z"));
        call("PUT", "/sandbox/clock", "{\"now\":\"tomorrow\"}", 400);

        JsonNode settings = call("GET", "/sandbox/settings", null, 200);
        assertThat(settings.get("snsSignatureVersion").asText()).isEqualTo("1");
        assertThat(settings.at("/quotas/batchMeterUsagePerWindow").asInt()).isEqualTo(10);
        assertThat(settings.at("/quotas/getEntitlementsPerWindow").asInt()).isEqualTo(20);
        JsonNode changed = call("PUT", "/sandbox/settings", "{\"snsSignatureVersion\":\"2\",\"quotas\":{\"enabled\":"
                + "false,\"batchMeterUsagePerWindow\":10,\"getEntitlementsPerWindow\":20,\"windowMillis\":1000}}", 200);
        assertThat(changed.get("snsSignatureVersion").asText()).isEqualTo("2");
        assertThat(changed.at("/quotas/enabled").asBoolean()).isFalse();
        call("PUT", "/sandbox/settings", "{\"snsSignatureVersion\":\"3\"}", 400);
    }

    @Test
    void ledgerAttemptsAndReset() throws Exception {
        JsonNode sub = call("POST", "/sandbox/subscriptions", "{\"productCode\":\"sbx-legacy-subscription\","
                + "\"autoActivate\":true}", 201);
        String customer = sub.get("customerIdentifier").asText();
        Instant hour = SimulatorFixture.currentHour(sim);
        try (MarketplaceMeteringClient metering = SimulatorFixture.metering(sim, false)) {
            for (int quantity : new int[] {5, 5, 6}) {
                metering.batchMeterUsage(r -> r.productCode("sbx-legacy-subscription").usageRecords(
                        UsageRecord.builder().customerIdentifier(customer).dimension("requests").quantity(quantity)
                                .timestamp(hour).build()));
            }
        }

        JsonNode ledger = call("GET", "/sandbox/ledger?productCode=sbx-legacy-subscription&customer=" + customer,
                null, 200);
        assertThat(ledger.get("records")).singleElement().satisfies(r -> {
            assertThat(r.get("quantity").asInt()).isEqualTo(5);
            assertThat(r.get("dimension").asText()).isEqualTo("requests");
            assertThat(Instant.parse(r.get("hour").asText())).isEqualTo(hour);
            assertThat(r.get("meteringRecordId").asText()).isNotBlank();
        });
        assertThat(call("GET", "/sandbox/attempts?customer=" + customer, null, 200).get("attempts")
                .findValuesAsText("outcome")).containsExactly("SUCCESS", "SUCCESS", "DUPLICATE_RECORD");
        assertThat(call("GET", "/sandbox/attempts?customer=" + customer + "&outcome=duplicate_record", null, 200)
                .get("attempts")).hasSize(1);

        String code = SimulatorFixture.uniqueCode("temp");
        call("POST", "/sandbox/products", "{\"code\":\"" + code + "\",\"pricingModel\":\"SUBSCRIPTION\","
                + "\"dimensions\":[{\"name\":\"requests\",\"metered\":true}]}", 201);
        call("PUT", "/sandbox/clock", "{\"offsetSeconds\":60}", 200);
        call("POST", "/sandbox/reset", null, 200);

        assertThat(call("GET", "/sandbox/ledger", null, 200).get("records")).isEmpty();
        assertThat(call("GET", "/sandbox/subscriptions", null, 200).get("subscriptions")).isEmpty();
        assertThat(call("GET", "/sandbox/notifications", null, 200).get("notifications")).isEmpty();
        assertThat(call("GET", "/sandbox/clock", null, 200).get("offsetSeconds").asLong()).isZero();
        call("GET", "/sandbox/products/" + code, null, 404);
        call("GET", "/sandbox/products/sbx-legacy-subscription", null, 200);
    }

    @Test
    void unknownPathsAndMethods() throws Exception {
        call("GET", "/sandbox/nothing", null, 404);
        call("DELETE", "/sandbox/products", null, 405);
        call("GET", "/elsewhere", null, 404);
        assertThat(call("GET", "/sandbox/health", null, 200).get("status").asText()).isEqualTo("UP");
        assertThat(SimulatorFixture.get(sim.endpoint().resolve("/sns/sandbox-root-ca.pem")).body())
                .startsWith("-----BEGIN CERTIFICATE-----");
    }
}
