package io.mpsaas.common.marketplace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Unit test of the AWS JSON 1.1 adapter against a scripted local HTTP server: what goes on the wire, how answers and
 * errors map, and when it retries. (The adapter against the real simulator is tested in the sandbox module.)
 */
class AwsJsonMarketplaceClientTest {

    private final ObjectMapper mapper = new ObjectMapper();
    private HttpServer server;
    private final List<Captured> requests = new ArrayList<>();
    private final Deque<Reply> replies = new ArrayDeque<>();
    private AwsJsonMarketplaceClient client;

    record Captured(String target, String contentType, String authorization, JsonNode body) {
    }

    record Reply(int status, String body) {
    }

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
        URI endpoint = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        client = AwsJsonMarketplaceClient.create(new MarketplaceClientSettings("us-east-1", endpoint, endpoint,
                endpoint, endpoint, "AKIDTEST", "secret", 3, Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofSeconds(1),
                Duration.ofSeconds(2)), mapper);
    }

    @AfterEach
    void stop() {
        client.close();
        server.stop(0);
    }

    private synchronized void handle(HttpExchange exchange) throws IOException {
        byte[] in = exchange.getRequestBody().readAllBytes();
        requests.add(new Captured(exchange.getRequestHeaders().getFirst("X-Amz-Target"),
                exchange.getRequestHeaders().getFirst("Content-Type"),
                exchange.getRequestHeaders().getFirst("Authorization"), mapper.readTree(in)));
        Reply reply = replies.isEmpty() ? new Reply(500, "{}") : replies.poll();
        byte[] out = reply.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("x-amzn-RequestId", "req-" + requests.size());
        exchange.sendResponseHeaders(reply.status(), out.length);
        exchange.getResponseBody().write(out);
        exchange.close();
    }

    @Test
    void resolveCustomer_signsForAwsMarketplace_andReadsEveryField() {
        // GIVEN
        replies.add(new Reply(200, """
                {"CustomerIdentifier":"cust-1","CustomerAWSAccountId":"123456789012","ProductCode":"prod-1",
                 "LicenseArn":"arn:aws:license-manager::123456789012:license:l-0123456789abcdef0123456789abcdef"}"""));

        // WHEN
        ResolvedCustomer customer = client.resolveCustomer("tok+en/with=chars");

        // THEN
        assertThat(customer).isEqualTo(new ResolvedCustomer("cust-1", "123456789012", "prod-1",
                "arn:aws:license-manager::123456789012:license:l-0123456789abcdef0123456789abcdef"));
        Captured request = requests.get(0);
        assertThat(request.target()).isEqualTo("AWSMPMeteringService.ResolveCustomer");
        assertThat(request.contentType()).isEqualTo("application/x-amz-json-1.1");
        assertThat(request.authorization()).startsWith("AWS4-HMAC-SHA256 Credential=AKIDTEST/")
                .contains("/us-east-1/aws-marketplace/aws4_request").contains("x-amz-target");
        assertThat(request.body().get("RegistrationToken").asText()).isEqualTo("tok+en/with=chars");
        assertThat(customer.concurrentAgreements()).isFalse();
    }

    @Test
    void resolveCustomer_concurrentAgreementsAnswer_hasNoCustomerIdentifier() {
        replies.add(new Reply(200, """
                {"CustomerAWSAccountId":"123456789012","ProductCode":"prod-1","LicenseArn":"arn:aws:license-manager::1:license:l-1"}"""));

        ResolvedCustomer customer = client.resolveCustomer("t");

        assertThat(customer.customerIdentifier()).isNull();
        assertThat(customer.concurrentAgreements()).isTrue();
    }

    @Test
    void batchMeterUsage_writesEpochSecondsAndLicenseFields_andReadsStatuses() {
        // GIVEN
        Instant hour = Instant.parse("2026-11-22T05:00:00Z");
        replies.add(new Reply(200, """
                {"Results":[{"UsageRecord":{"Timestamp":1795323600,"CustomerAWSAccountId":"123456789012",
                  "LicenseArn":"arn:l-1","Dimension":"users","Quantity":7},"MeteringRecordId":"m-1","Status":"Success"},
                  {"UsageRecord":{"Timestamp":1795323600.0,"CustomerAWSAccountId":"123456789012",
                  "LicenseArn":"arn:l-2","Dimension":"users","Quantity":3},"MeteringRecordId":"m-2","Status":"DuplicateRecord"}],
                 "UnprocessedRecords":[{"Timestamp":1795323600,"CustomerAWSAccountId":"123456789012","LicenseArn":"arn:l-3",
                  "Dimension":"users","Quantity":1}]}"""));
        UsageRecord tagged = new UsageRecord(hour, null, "123456789012", "arn:l-1", "users", 7,
                List.of(new UsageAllocation(5, List.of(new UsageAllocation.Tag("team", "a"))),
                        new UsageAllocation(2, List.of())));

        // WHEN
        BatchMeterUsageResult result = client.batchMeterUsage(new BatchMeterUsageRequest(null, List.of(tagged,
                UsageRecord.license(hour, "123456789012", "arn:l-2", "users", 3),
                UsageRecord.license(hour, "123456789012", "arn:l-3", "users", 1))));

        // THEN
        JsonNode body = requests.get(0).body();
        assertThat(requests.get(0).target()).isEqualTo("AWSMPMeteringService.BatchMeterUsage");
        assertThat(body.has("ProductCode")).isFalse();
        JsonNode first = body.get("UsageRecords").get(0);
        assertThat(first.get("Timestamp").decimalValue()).isEqualByComparingTo("1795323600");
        assertThat(first.get("LicenseArn").asText()).isEqualTo("arn:l-1");
        assertThat(first.has("CustomerIdentifier")).isFalse();
        assertThat(first.at("/UsageAllocations/0/Tags/0/Key").asText()).isEqualTo("team");
        assertThat(first.at("/UsageAllocations/1").has("Tags")).isFalse();
        assertThat(result.results()).extracting(UsageRecordResult::status)
                .containsExactly(UsageRecordStatus.SUCCESS, UsageRecordStatus.DUPLICATE_RECORD);
        assertThat(result.results().get(0).usageRecord().timestamp()).isEqualTo(hour);
        assertThat(result.unprocessedRecords()).singleElement()
                .satisfies(r -> assertThat(r.licenseArn()).isEqualTo("arn:l-3"));
    }

    @Test
    void getEntitlements_sendsFiltersAndPaging_andReadsEveryValueKind() {
        replies.add(new Reply(200, """
                {"Entitlements":[
                  {"ProductCode":"p","Dimension":"seats","CustomerAWSAccountId":"1","LicenseArn":"arn:l","Value":{"IntegerValue":10},"ExpirationDate":1.7356896E9},
                  {"ProductCode":"p","Dimension":"ratio","Value":{"DoubleValue":0.5}},
                  {"ProductCode":"p","Dimension":"sso","Value":{"BooleanValue":true}},
                  {"ProductCode":"p","Dimension":"tier","Value":{"StringValue":"gold"}}],
                 "NextToken":"page-2"}"""));

        EntitlementsPage page = client.getEntitlements(new GetEntitlementsRequest("p",
                Map.of(EntitlementFilter.LICENSE_ARN, List.of("arn:l")), "page-1", 25));

        JsonNode body = requests.get(0).body();
        assertThat(requests.get(0).target()).isEqualTo("AWSMPEntitlementService.GetEntitlements");
        assertThat(body.at("/Filter/LICENSE_ARN/0").asText()).isEqualTo("arn:l");
        assertThat(body.get("NextToken").asText()).isEqualTo("page-1");
        assertThat(body.get("MaxResults").asInt()).isEqualTo(25);
        assertThat(page.nextToken()).isEqualTo("page-2");
        assertThat(page.entitlements()).extracting(Entitlement::value).containsExactly(
                new EntitlementValue.IntegerValue(10), new EntitlementValue.DoubleValue(0.5),
                new EntitlementValue.BooleanValue(true), new EntitlementValue.StringValue("gold"));
        assertThat(page.entitlements().get(0).expirationDate()).isEqualTo(Instant.parse("2025-01-01T00:00:00Z"));
    }

    @Test
    void getAllEntitlements_followsNextTokenThroughEmptyPages() {
        replies.add(new Reply(200, "{\"Entitlements\":[{\"Dimension\":\"a\",\"Value\":{\"IntegerValue\":1}}],\"NextToken\":\"2\"}"));
        replies.add(new Reply(200, "{\"Entitlements\":[],\"NextToken\":\"3\"}"));
        replies.add(new Reply(200, "{\"Entitlements\":[{\"Dimension\":\"b\",\"Value\":{\"IntegerValue\":2}}]}"));

        List<Entitlement> all = client.getAllEntitlements("p", Map.of());

        assertThat(all).extracting(Entitlement::dimension).containsExactly("a", "b");
        assertThat(requests).hasSize(3);
        assertThat(requests.get(2).body().get("NextToken").asText()).isEqualTo("3");
    }

    @Test
    void throttling_isRetriedWithBackoff_untilSuccess() {
        replies.add(new Reply(400, "{\"__type\":\"ThrottlingException\",\"message\":\"slow down\"}"));
        replies.add(new Reply(500, "{\"__type\":\"InternalServiceErrorException\",\"message\":\"oops\"}"));
        replies.add(new Reply(200, "{\"CustomerAWSAccountId\":\"1\",\"LicenseArn\":\"arn:l\"}"));

        ResolvedCustomer customer = client.resolveCustomer("t");

        assertThat(customer.licenseArn()).isEqualTo("arn:l");
        assertThat(requests).hasSize(3);
    }

    @Test
    void throttling_thatOutlastsTheAttempts_surfacesAsThrottling() {
        for (int i = 0; i < 3; i++) {
            replies.add(new Reply(400, "{\"__type\":\"com.amazonaws.marketplace.metering#ThrottlingException\"}"));
        }

        assertThatThrownBy(() -> client.resolveCustomer("t"))
                .isInstanceOfSatisfying(MarketplaceException.class, e -> {
                    assertThat(e.error()).isEqualTo(MarketplaceError.THROTTLING);
                    assertThat(e.attempts()).isEqualTo(3);
                    assertThat(e.requestId()).isEqualTo("req-3");
                    assertThat(e.retryable()).isTrue();
                });
        assertThat(requests).hasSize(3);
    }

    @Test
    void listener_seesEveryFailedAttempt_andTheCallsEnd_onceEach() {
        // GIVEN a listener, and AWS throttling once before answering, then refusing a token
        List<String> seen = new ArrayList<>();
        client.listener(operation -> new MarketplaceCallListener.Call() {
            @Override
            public void attemptFailed(int attempt, MarketplaceException failure) {
                seen.add(operation + " attempt " + attempt + " " + failure.error());
            }

            @Override
            public void succeeded(int attempts) {
                seen.add(operation + " succeeded after " + attempts);
            }

            @Override
            public void failed(MarketplaceException failure) {
                seen.add(operation + " failed " + failure.error() + " after " + failure.attempts());
            }
        });
        replies.add(new Reply(400, "{\"__type\":\"ThrottlingException\"}"));
        replies.add(new Reply(200, "{\"CustomerAWSAccountId\":\"1\",\"LicenseArn\":\"arn:l\"}"));
        replies.add(new Reply(400, "{\"__type\":\"InvalidTokenException\"}"));

        // WHEN two calls are made
        client.resolveCustomer("t");
        assertThatThrownBy(() -> client.resolveCustomer("bad")).isInstanceOf(MarketplaceException.class);

        // THEN the listener saw both, attempt by attempt
        assertThat(seen).containsExactly("ResolveCustomer attempt 1 THROTTLING",
                "ResolveCustomer succeeded after 2", "ResolveCustomer attempt 1 INVALID_TOKEN",
                "ResolveCustomer failed INVALID_TOKEN after 1");
    }

    @Test
    void aFailingListener_neverFailsTheCall() {
        client.listener(operation -> {
            throw new IllegalStateException("broken listener");
        });
        replies.add(new Reply(200, "{\"CustomerAWSAccountId\":\"1\",\"LicenseArn\":\"arn:l\"}"));

        assertThat(client.resolveCustomer("t").licenseArn()).isEqualTo("arn:l");
    }

    @Test
    void clientErrors_areNotRetried_andKeepAwsMessage() {
        replies.add(new Reply(400, "{\"__type\":\"ExpiredTokenException\",\"message\":\"Registration token has expired\"}"));

        assertThatThrownBy(() -> client.resolveCustomer("t"))
                .isInstanceOfSatisfying(MarketplaceException.class, e -> {
                    assertThat(e.error()).isEqualTo(MarketplaceError.EXPIRED_TOKEN);
                    assertThat(e.getMessage()).isEqualTo("Registration token has expired");
                    assertThat(e.httpStatus()).isEqualTo(400);
                    assertThat(e.attempts()).isEqualTo(1);
                });
        assertThat(requests).hasSize(1);
    }

    @Test
    void unknownErrorType_isUnknown_andAnUnparseable5xx_isAnInternalError() {
        replies.add(new Reply(400, "{\"__type\":\"SomethingNewException\",\"message\":\"new\"}"));
        assertThatThrownBy(() -> client.resolveCustomer("t")).isInstanceOfSatisfying(MarketplaceException.class,
                e -> assertThat(e.error()).isEqualTo(MarketplaceError.UNKNOWN));

        replies.add(new Reply(503, "<html>gateway</html>"));
        replies.add(new Reply(503, "<html>gateway</html>"));
        replies.add(new Reply(503, "<html>gateway</html>"));
        assertThatThrownBy(() -> client.resolveCustomer("t")).isInstanceOfSatisfying(MarketplaceException.class,
                e -> assertThat(e.error()).isEqualTo(MarketplaceError.INTERNAL_SERVICE_ERROR));
    }

    @Test
    void unreachableEndpoint_isATransportError_retriedThenReported() {
        URI closed = URI.create("http://127.0.0.1:1");
        try (AwsJsonMarketplaceClient offline = AwsJsonMarketplaceClient.create(new MarketplaceClientSettings(
                "us-east-1", closed, closed, closed, closed, "a", "b", 2, Duration.ofMillis(1), Duration.ofMillis(2),
                Duration.ofMillis(200), Duration.ofMillis(200)), mapper)) {
            assertThatThrownBy(() -> offline.resolveCustomer("t")).isInstanceOfSatisfying(MarketplaceException.class,
                    e -> {
                        assertThat(e.error()).isEqualTo(MarketplaceError.TRANSPORT);
                        assertThat(e.attempts()).isEqualTo(2);
                    });
        }
    }

    @Test
    void batchOfMoreThan25_isRefusedBeforeAnyCall() {
        List<UsageRecord> records = new ArrayList<>();
        for (int i = 0; i < 26; i++) {
            records.add(UsageRecord.legacy(Instant.EPOCH, "c" + i, "d", 1));
        }
        assertThatThrownBy(() -> new BatchMeterUsageRequest("p", records))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 25");
    }

    @Test
    void settings_neverPrintTheSecret() {
        assertThat(client.settings().toString()).doesNotContain("secret").contains("static");
    }
}
