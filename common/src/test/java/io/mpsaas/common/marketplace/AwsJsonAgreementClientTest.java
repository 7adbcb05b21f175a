package io.mpsaas.common.marketplace;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
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
 * Unit test of the Agreement API adapter against a scripted local server: the AWS JSON 1.0 wire (content type,
 * target, signing scope, filters) and a term union holding kinds no model knows yet. (The operations against the
 * simulator are tested in the sandbox module's AgreementApiTest.)
 */
class AwsJsonAgreementClientTest {

    private final ObjectMapper mapper = new ObjectMapper();
    private HttpServer server;
    private final List<String[]> headers = new ArrayList<>();
    private final List<JsonNode> bodies = new ArrayList<>();
    private final Deque<String> replies = new ArrayDeque<>();
    private AwsJsonMarketplaceClient marketplace;
    private AwsJsonAgreementClient client;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
        URI endpoint = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        URI nowhere = URI.create("http://127.0.0.1:1");
        marketplace = AwsJsonMarketplaceClient.create(new MarketplaceClientSettings("eu-west-1", nowhere, nowhere,
                endpoint, nowhere, "AKIDTEST", "secret", 2, Duration.ofMillis(1), Duration.ofMillis(5),
                Duration.ofSeconds(1), Duration.ofSeconds(2)), mapper);
        client = new AwsJsonAgreementClient(marketplace, mapper);
    }

    @AfterEach
    void stop() {
        marketplace.close();
        server.stop(0);
    }

    private synchronized void handle(HttpExchange exchange) throws IOException {
        headers.add(new String[] {exchange.getRequestHeaders().getFirst("X-Amz-Target"),
                exchange.getRequestHeaders().getFirst("Content-Type"),
                exchange.getRequestHeaders().getFirst("Authorization")});
        bodies.add(mapper.readTree(exchange.getRequestBody().readAllBytes()));
        byte[] out = (replies.isEmpty() ? "{}" : replies.poll()).getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, out.length);
        exchange.getResponseBody().write(out);
        exchange.close();
    }

    @Test
    void getAgreementTerms_keepsUnknownKinds_andFollowsPages() {
        // GIVEN two pages: known kinds, a kind from the future, and an empty union value
        replies.add("""
                {"acceptedTerms":[
                  {"renewalTerm":{"type":"RenewalTerm","id":"term-r","configuration":{"enableAutoRenew":true}}},
                  {"netPaymentTerm":{"type":"NetPaymentTerm","id":"term-n","paymentDuePeriod":"P30D"}},
                  {"quantumPricingTerm":{"type":"QuantumPricingTerm","qubits":7}},
                  {}
                 ],"nextToken":"cGFnZTI="}""");
        replies.add("""
                {"acceptedTerms":[{"freeTrialPricingTerm":{"type":"FreeTrialPricingTerm","duration":"P14D",
                  "grants":[{"dimensionKey":"seats"},{"maxQuantity":3}]}}]}""");

        // WHEN
        List<AgreementTerm> terms = client.getAgreementTerms("agmt-1");

        // THEN
        assertThat(terms).containsExactly(
                new AgreementTerm.Renewal("term-r", true),
                new AgreementTerm.Other("term-n", "netPaymentTerm",
                        "{\"type\":\"NetPaymentTerm\",\"id\":\"term-n\",\"paymentDuePeriod\":\"P30D\"}"),
                new AgreementTerm.Other(null, "quantumPricingTerm",
                        "{\"type\":\"QuantumPricingTerm\",\"qubits\":7}"),
                new AgreementTerm.FreeTrial(null, "P14D", List.of("seats")));
        assertThat(bodies.get(1).path("nextToken").asText()).isEqualTo("cGFnZTI=");
    }

    @Test
    void searchAgreements_sendsJson10_signedForAwsMarketplaceInUsEast1_withOneValuePerFilter() {
        // GIVEN
        replies.add("""
                {"agreementViewSummaries":[{"agreementId":"agmt-1","status":"SOMETHING_NEW",
                  "proposer":{"accountId":"111122223333"},"acceptor":{"accountId":"444455556666"},
                  "startTime":1767225600,"proposalSummary":{"offerId":"offer-1","resources":[{"id":"prod-1"}]}}]}""");

        // WHEN
        AgreementPage page = client.searchAgreements(new AgreementSearch(null, "prod-1", AgreementStatus.ACTIVE,
                null, null, 25, null));

        // THEN
        assertThat(headers.get(0)[0]).isEqualTo("AWSMPCommerceService_v20200301.SearchAgreements");
        assertThat(headers.get(0)[1]).isEqualTo("application/x-amz-json-1.0");
        assertThat(headers.get(0)[2]).contains("/us-east-1/aws-marketplace/aws4_request");
        JsonNode body = bodies.get(0);
        assertThat(body.path("maxResults").asInt()).isEqualTo(25);
        assertThat(body.path("filters").toString()).isEqualTo("[{\"name\":\"PartyType\",\"values\":[\"Proposer\"]},"
                + "{\"name\":\"AgreementType\",\"values\":[\"PurchaseAgreement\"]},"
                + "{\"name\":\"ResourceIdentifier\",\"values\":[\"prod-1\"]},"
                + "{\"name\":\"Status\",\"values\":[\"ACTIVE\"]}]");
        Agreement a = page.agreements().get(0);
        assertThat(a.status()).isEqualTo(AgreementStatus.UNKNOWN);
        assertThat(a.statusText()).isEqualTo("SOMETHING_NEW");
        assertThat(a.channelPartnerOffer("444455556666")).isTrue();
        assertThat(a.startTime().getEpochSecond()).isEqualTo(1767225600L);
        assertThat(page.nextToken()).isNull();
    }
}
