package io.mpsaas.common.marketplace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Unit test of the Catalog API adapter against a scripted local server: the signed REST-JSON GET (path, query, signing
 * scope, no JSON-protocol headers), the older {@code Details} string read when {@code DetailsDocument} is absent, and
 * answers that are not an offer. (The operation against the simulator is tested in the sandbox's CatalogApiTest.)
 */
class AwsJsonCatalogClientTest {

    private record Seen(String method, String path, String query, String authorization, String target,
            String contentType) { }

    private final ObjectMapper mapper = new ObjectMapper();
    private HttpServer server;
    private final List<Seen> seen = new ArrayList<>();
    private final Deque<String[]> replies = new ArrayDeque<>();
    private AwsJsonMarketplaceClient marketplace;
    private AwsJsonCatalogClient client;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
        URI endpoint = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        URI nowhere = URI.create("http://127.0.0.1:1");
        // the metering region is eu-west-1: the Catalog API must still be signed for us-east-1
        marketplace = AwsJsonMarketplaceClient.create(new MarketplaceClientSettings("eu-west-1", nowhere, nowhere,
                nowhere, endpoint, "AKIDTEST", "secret", 3, Duration.ofMillis(1), Duration.ofMillis(5),
                Duration.ofSeconds(1), Duration.ofSeconds(2)), mapper);
        client = new AwsJsonCatalogClient(marketplace, mapper);
    }

    @AfterEach
    void stop() {
        marketplace.close();
        server.stop(0);
    }

    private synchronized void handle(HttpExchange exchange) throws IOException {
        var h = exchange.getRequestHeaders();
        seen.add(new Seen(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                exchange.getRequestURI().getRawQuery(), h.getFirst("Authorization"), h.getFirst("X-Amz-Target"),
                h.getFirst("Content-Type")));
        String[] reply = replies.isEmpty() ? new String[] {"200", null, "{}"} : replies.poll();
        if (reply[1] != null) {
            exchange.getResponseHeaders().set("x-amzn-ErrorType", reply[1]);
        }
        byte[] out = reply[2].getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(Integer.parseInt(reply[0]), out.length);
        exchange.getResponseBody().write(out);
        exchange.close();
    }

    @Test
    void offerVisibility_isASignedGet_withTheOfferInTheQuery() {
        // GIVEN
        replies.add(new String[] {"200", null, """
                {"EntityType":"Offer@1.0","DetailsDocument":{"Id":"offer-abc","Rules":[
                  {"Type":"AvailabilityRule","AvailabilityEndDate":"2027-01-01T00:00:00Z"},
                  {"Type":"TargetingRule","PositiveTargeting":{"BuyerAccounts":["222222222222"]}}]}}"""});

        // WHEN
        OfferVisibility visibility = client.offerVisibility("offer-abc");

        // THEN
        assertThat(visibility).isEqualTo(OfferVisibility.PRIVATE);
        Seen request = seen.get(0);
        assertThat(request.method()).isEqualTo("GET");
        assertThat(request.path()).isEqualTo("/DescribeEntity");
        assertThat(request.query()).isEqualTo("catalog=AWSMarketplace&entityId=offer-abc");
        assertThat(request.authorization()).startsWith("AWS4-HMAC-SHA256 Credential=AKIDTEST/")
                .contains("/us-east-1/aws-marketplace/aws4_request");
        assertThat(request.target()).isNull();
        assertThat(request.contentType()).isNull();
    }

    @Test
    void detailsString_isRead_whenThereIsNoDetailsDocument() {
        replies.add(new String[] {"200", null,
                "{\"EntityType\":\"Offer@1.0\",\"Details\":\"{\\\"Id\\\":\\\"offer-abc\\\",\\\"Rules\\\":[]}\"}"});
        replies.add(new String[] {"200", null, "{\"EntityType\":\"Offer@1.0\",\"Details\":"
                + "\"{\\\"ResaleAuthorizationId\\\":\\\"resaleauthz-1\\\",\\\"Rules\\\":[]}\"}"});

        assertThat(client.offerVisibility("offer-abc")).isEqualTo(OfferVisibility.PUBLIC);
        assertThat(client.offerVisibility("offer-abc")).isEqualTo(OfferVisibility.PRIVATE);
    }

    @Test
    void unreadableDetails_orAnotherEntity_isUnknown() {
        replies.add(new String[] {"200", null, "{\"EntityType\":\"Offer@1.0\",\"Details\":\"not json\"}"});
        replies.add(new String[] {"200", null, "{\"EntityType\":\"SaaSProduct@1.0\",\"DetailsDocument\":{}}"});

        assertThat(client.offerVisibility("offer-abc")).isEqualTo(OfferVisibility.UNKNOWN);
        assertThat(client.offerVisibility("prod-abc")).isEqualTo(OfferVisibility.UNKNOWN);
    }

    @Test
    void restJsonError_isReadFromTheErrorTypeHeader_andThrottlingRetried() {
        replies.add(new String[] {"429", "ThrottlingException:http://internal.amazon.com/coral/", "{\"Message\":\"Rate exceeded\"}"});
        replies.add(new String[] {"404", "ResourceNotFoundException", "{\"Message\":\"Requested entity not found\"}"});

        assertThatThrownBy(() -> client.offerVisibility("offer-gone"))
                .isInstanceOfSatisfying(MarketplaceException.class, e -> {
                    assertThat(e.error()).isEqualTo(MarketplaceError.RESOURCE_NOT_FOUND);
                    assertThat(e.getMessage()).contains("Requested entity not found");
                    assertThat(e.attempts()).isEqualTo(2);
                });
        assertThat(seen).hasSize(2);
    }
}
