package io.mpsaas.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mpsaas.common.marketplace.AwsJsonCatalogClient;
import io.mpsaas.common.marketplace.AwsJsonMarketplaceClient;
import io.mpsaas.common.marketplace.MarketplaceCallListener;
import io.mpsaas.common.marketplace.MarketplaceClientSettings;
import io.mpsaas.common.marketplace.MarketplaceError;
import io.mpsaas.common.marketplace.MarketplaceException;
import io.mpsaas.common.marketplace.OfferVisibility;
import io.mpsaas.common.messaging.SuiteJson;
import io.mpsaas.sandbox.marketplace.MarketplaceSimulator;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeRequest;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeResult;
import io.mpsaas.sandbox.marketplace.catalog.PricingModel;
import io.mpsaas.sandbox.marketplace.catalog.Product;
import io.mpsaas.sandbox.marketplace.fault.Operation;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Catalog API client ({@code common}) against the simulator's {@code GET /DescribeEntity}: public, private and
 * channel-partner offers, an unknown or malformed offer id, throttling retried with the Marketplace backoff, and the
 * wire shape (REST-JSON, {@code Offer@1.0}, {@code Details} string and {@code DetailsDocument}).
 */
class CatalogApiTest {

    /** A SigV4 header the simulator accepts (it checks the credential scope, not the signature). */
    private static final String AUTHORIZATION = "AWS4-HMAC-SHA256 Credential=test/20261206/us-east-1/aws-marketplace/"
            + "aws4_request, SignedHeaders=host;x-amz-date, Signature=00";

    private static MarketplaceSimulator simulator;
    private static AwsJsonMarketplaceClient marketplace;
    private static AwsJsonCatalogClient offers;
    private static final List<String> observed = new CopyOnWriteArrayList<>();
    private static final ObjectMapper mapper = SuiteJson.newMapper();

    @BeforeAll
    static void start() {
        simulator = MarketplaceSimulator.builder().build().start();
        marketplace = AwsJsonMarketplaceClient.create(new MarketplaceClientSettings("us-east-1",
                simulator.endpoint(), simulator.endpoint(), simulator.endpoint(), simulator.endpoint(), "test", "test",
                4, Duration.ofMillis(5), Duration.ofMillis(50), Duration.ofSeconds(1), Duration.ofSeconds(5)), mapper);
        marketplace.listener(operation -> {
            observed.add(operation);
            return MarketplaceCallListener.Call.NONE;
        });
        offers = new AwsJsonCatalogClient(marketplace, mapper);
    }

    @AfterAll
    static void stop() {
        marketplace.close();
        simulator.close();
    }

    @AfterEach
    void reset() {
        simulator.faults().reset();
    }

    private static SubscribeResult subscription() {
        Product product = simulator.addProduct(Product.builder("cat-" + UUID.randomUUID().toString().substring(0, 8),
                PricingModel.SUBSCRIPTION).metered("requests").build());
        return simulator.subscribe(SubscribeRequest.of(product.code()).activated());
    }

    private static String offerId(SubscribeResult sub) {
        return simulator.subscription(sub.subscriptionId()).offerId();
    }

    @Test
    void offerVisibility_isPublic_forAnOfferWithoutBuyerTargeting() {
        // GIVEN the seller's public offer
        SubscribeResult sub = subscription();

        // WHEN / THEN
        assertThat(offers.offerVisibility(offerId(sub))).isEqualTo(OfferVisibility.PUBLIC);
        assertThat(observed).contains("DescribeEntity");
    }

    @Test
    void offerVisibility_isPrivate_forAnOfferTargetedAtTheBuyer() {
        // GIVEN the seller's private offer
        SubscribeResult sub = subscription();
        simulator.privateOffer(sub.subscriptionId());

        // WHEN / THEN
        assertThat(offers.offerVisibility(offerId(sub))).isEqualTo(OfferVisibility.PRIVATE);
    }

    @Test
    void offerVisibility_isPrivate_forAChannelPartnersOffer() {
        // GIVEN a CPPO (never made private explicitly: a CPPO always is)
        SubscribeResult sub = subscription();
        simulator.channelPartner(sub.subscriptionId(), "210987654321");

        // WHEN / THEN
        assertThat(offers.offerVisibility(offerId(sub))).isEqualTo(OfferVisibility.PRIVATE);
    }

    @Test
    void unknownOffer_isResourceNotFound_notRetried() {
        // WHEN / THEN
        assertThatThrownBy(() -> offers.offerVisibility("offer-nosuchoffer00"))
                .isInstanceOfSatisfying(MarketplaceException.class, e -> {
                    assertThat(e.error()).isEqualTo(MarketplaceError.RESOURCE_NOT_FOUND);
                    assertThat(e.httpStatus()).isEqualTo(404);
                    assertThat(e.attempts()).isEqualTo(1);
                });
    }

    @Test
    void malformedOfferId_isAValidationError() {
        assertThatThrownBy(() -> offers.offerVisibility("offer id with spaces"))
                .isInstanceOfSatisfying(MarketplaceException.class, e -> {
                    assertThat(e.error()).isEqualTo(MarketplaceError.VALIDATION);
                    assertThat(e.httpStatus()).isEqualTo(422);
                });
    }

    @Test
    void throttling_isRetriedWithTheMarketplaceBackoff() {
        // GIVEN two throttled answers before the real one
        SubscribeResult sub = subscription();
        simulator.privateOffer(sub.subscriptionId());
        simulator.faults().failNext(Operation.DESCRIBE_ENTITY, 2, "ThrottlingException");

        // WHEN / THEN the third attempt answers
        assertThat(offers.offerVisibility(offerId(sub))).isEqualTo(OfferVisibility.PRIVATE);
    }

    @Test
    void throttling_thatOutlastsTheAttempts_isReportedAsThrottling() {
        SubscribeResult sub = subscription();
        simulator.faults().failNext(Operation.DESCRIBE_ENTITY, 4, "ThrottlingException");

        assertThatThrownBy(() -> offers.offerVisibility(offerId(sub)))
                .isInstanceOfSatisfying(MarketplaceException.class, e -> {
                    assertThat(e.error()).isEqualTo(MarketplaceError.THROTTLING);
                    assertThat(e.httpStatus()).isEqualTo(429);
                    assertThat(e.attempts()).isEqualTo(4);
                });
    }

    @Test
    void describeEntity_onTheWire_isAnOfferEntity_withDetailsTwice() throws Exception {
        // GIVEN a private offer
        SubscribeResult sub = subscription();
        simulator.privateOffer(sub.subscriptionId());
        String offerId = offerId(sub);

        // WHEN
        HttpResponse<String> answer = get("/DescribeEntity?catalog=AWSMarketplace&entityId=" + offerId);

        // THEN
        assertThat(answer.statusCode()).isEqualTo(200);
        JsonNode body = mapper.readTree(answer.body());
        assertThat(body.path("EntityType").asText()).isEqualTo("Offer@1.0");
        assertThat(body.path("EntityIdentifier").asText()).startsWith(offerId + "@");
        assertThat(mapper.readTree(body.path("Details").asText())).isEqualTo(body.path("DetailsDocument"));
        JsonNode rule = body.path("DetailsDocument").path("Rules").get(0);
        assertThat(rule.path("Type").asText()).isEqualTo("TargetingRule");
        assertThat(rule.path("PositiveTargeting").path("BuyerAccounts").get(0).asText())
                .isEqualTo(simulator.subscription(sub.subscriptionId()).customerAWSAccountId());

        // and an unknown offer, or another catalog, are answered as the Catalog API does
        HttpResponse<String> missing = get("/DescribeEntity?catalog=AWSMarketplace&entityId=offer-nosuchoffer00");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.headers().firstValue("x-amzn-ErrorType")).contains("ResourceNotFoundException");
        assertThat(mapper.readTree(missing.body()).path("Message").asText()).contains("offer-nosuchoffer00");
        HttpResponse<String> catalog = get("/DescribeEntity?catalog=Other&entityId=" + offerId);
        assertThat(catalog.statusCode()).isEqualTo(422);
        assertThat(catalog.headers().firstValue("x-amzn-ErrorType")).contains("ValidationException");
    }

    private static HttpResponse<String> get(String pathAndQuery) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(simulator.endpoint() + pathAndQuery))
                .header("Authorization", AUTHORIZATION).GET().build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    }
}
