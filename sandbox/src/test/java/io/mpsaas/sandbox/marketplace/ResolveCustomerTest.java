package io.mpsaas.sandbox.marketplace;

import static io.mpsaas.sandbox.marketplace.SimulatorFixture.AUTH;
import static io.mpsaas.sandbox.marketplace.SimulatorFixture.rawAws;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeRequest;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeResult;
import io.mpsaas.sandbox.marketplace.catalog.Product;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;
import software.amazon.awssdk.services.marketplacemetering.model.ExpiredTokenException;
import software.amazon.awssdk.services.marketplacemetering.model.InvalidTokenException;
import software.amazon.awssdk.services.marketplacemetering.model.MarketplaceMeteringException;
import software.amazon.awssdk.services.marketplacemetering.model.ResolveCustomerResponse;

/** ResolveCustomer through the real SDK client and raw AWS JSON: identities, token lifetime, auth and routing. */
class ResolveCustomerTest {

    private final ObjectMapper json = new ObjectMapper();
    private MarketplaceSimulator sim;
    private MarketplaceMeteringClient metering;

    @BeforeEach
    void start() {
        sim = SimulatorFixture.startSimulator();
        metering = SimulatorFixture.metering(sim, false);
    }

    @AfterEach
    void stop() {
        metering.close();
        sim.close();
    }

    @Test
    void resolve_returnsLegacyIdentity_andTheSameAnswerForEveryCallWithinValidity() {
        // GIVEN a buyer subscribed to a legacy product
        Product product = SimulatorFixture.addLegacySubscription(sim);
        SubscribeResult sub = sim.subscribe(SubscribeRequest.of(product.code()).withBuyer("210987654321"));

        // WHEN the seller resolves the token twice
        ResolveCustomerResponse first = metering.resolveCustomer(r -> r.registrationToken(sub.registrationToken()));
        ResolveCustomerResponse again = metering.resolveCustomer(r -> r.registrationToken(sub.registrationToken()));

        // THEN the legacy identity comes back, identical both times
        assertThat(first.customerIdentifier()).isEqualTo(sub.customerIdentifier()).matches("[A-Za-z0-9]{11}");
        assertThat(first.customerAWSAccountId()).isEqualTo("210987654321");
        assertThat(first.productCode()).isEqualTo(product.code());
        assertThat(again.equalsBySdkFields(first)).as("same fields: %s vs %s", again, first).isTrue();
        assertThat(sub.registrationToken()).contains("+", "/", "=");
    }

    @Test
    void resolve_concurrentAgreements_hasNoCustomerIdentifier_andCarriesLicenseArnOnTheWire() throws Exception {
        Product product = SimulatorFixture.addCaSubscription(sim);
        SubscribeResult sub = sim.subscribe(product.code());

        ResolveCustomerResponse viaSdk = metering.resolveCustomer(r -> r.registrationToken(sub.registrationToken()));
        assertThat(viaSdk.customerIdentifier()).isNull();
        assertThat(viaSdk.customerAWSAccountId()).isEqualTo(sub.customerAWSAccountId()).matches("[0-9]{12}");
        assertThat(viaSdk.productCode()).isEqualTo(product.code());

        // The pinned SDK predates LicenseArn: read it from the raw answer.
        HttpResponse<String> raw = rawAws(sim, "AWSMPMeteringService.ResolveCustomer",
                json.writeValueAsString(java.util.Map.of("RegistrationToken", sub.registrationToken())), AUTH);
        assertThat(raw.statusCode()).isEqualTo(200);
        assertThat(raw.headers().firstValue("x-amzn-RequestId")).isPresent();
        assertThat(raw.headers().firstValue("Content-Type")).contains("application/x-amz-json-1.1");
        JsonNode body = json.readTree(raw.body());
        assertThat(body.has("CustomerIdentifier")).isFalse();
        assertThat(body.get("LicenseArn").asText())
                .isEqualTo(sub.licenseArn())
                .matches("arn:aws:license-manager::" + sub.customerAWSAccountId() + ":license:l-[0-9a-f]{32}");
    }

    @Test
    void resolve_legacyProduct_alsoReturnsLicenseArn() throws Exception {
        Product product = SimulatorFixture.addLegacySubscription(sim);
        SubscribeResult sub = sim.subscribe(product.code());

        HttpResponse<String> raw = rawAws(sim, "AWSMPMeteringService.ResolveCustomer",
                "{\"RegistrationToken\":" + json.writeValueAsString(sub.registrationToken()) + "}", AUTH);

        JsonNode body = json.readTree(raw.body());
        assertThat(body.get("CustomerIdentifier").asText()).isEqualTo(sub.customerIdentifier());
        assertThat(body.get("LicenseArn").asText()).isEqualTo(sub.licenseArn());
    }

    @Test
    void resolve_unknownOrMangledToken_isInvalidTokenException() {
        Product product = SimulatorFixture.addLegacySubscription(sim);
        SubscribeResult sub = sim.subscribe(product.code());
        // A form decoder that turns '+' into ' ' mangles the token.
        String mangled = sub.registrationToken().replace('+', ' ');

        assertThatThrownBy(() -> metering.resolveCustomer(r -> r.registrationToken(mangled)))
                .isInstanceOf(InvalidTokenException.class)
                .satisfies(e -> assertThat(((InvalidTokenException) e).statusCode()).isEqualTo(400));
        assertThatThrownBy(() -> metering.resolveCustomer(r -> r.registrationToken("never-issued")))
                .isInstanceOf(InvalidTokenException.class);
    }

    @Test
    void resolve_afterFourHoursOfSimulatorTime_isExpiredTokenException_andAFreshTokenWorks() {
        Product product = SimulatorFixture.addLegacySubscription(sim);
        SubscribeResult sub = sim.subscribe(product.code());

        sim.clock().advance(Duration.ofHours(4).minusSeconds(5));
        assertThat(metering.resolveCustomer(r -> r.registrationToken(sub.registrationToken())).customerIdentifier())
                .isEqualTo(sub.customerIdentifier());

        sim.clock().advance(Duration.ofSeconds(10));
        assertThatThrownBy(() -> metering.resolveCustomer(r -> r.registrationToken(sub.registrationToken())))
                .isInstanceOf(ExpiredTokenException.class);

        // The buyer clicks "Set up your account" again.
        String fresh = sim.issueToken(sub.subscriptionId());
        assertThat(fresh).isNotEqualTo(sub.registrationToken());
        assertThat(metering.resolveCustomer(r -> r.registrationToken(fresh)).customerIdentifier())
                .isEqualTo(sub.customerIdentifier());
    }

    @Test
    void resolve_emptyToken_isAValidationError() {
        assertThatThrownBy(() -> metering.resolveCustomer(r -> r.registrationToken("")))
                .isInstanceOf(MarketplaceMeteringException.class)
                .satisfies(e -> assertThat(((MarketplaceMeteringException) e).awsErrorDetails().errorCode())
                        .isEqualTo("ValidationException"));
    }

    @Test
    void missingAuthorization_isMissingAuthenticationTokenException() throws Exception {
        HttpResponse<String> r = rawAws(sim, "AWSMPMeteringService.ResolveCustomer", "{\"RegistrationToken\":\"x\"}",
                null);

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json.readTree(r.body()).get("__type").asText()).isEqualTo("MissingAuthenticationTokenException");
    }

    @Test
    void credentialScopedToAnotherService_isInvalidSignatureException() throws Exception {
        String wrongScope = AUTH.replace("/aws-marketplace/", "/metering.marketplace/");

        HttpResponse<String> r = rawAws(sim, "AWSMPMeteringService.ResolveCustomer", "{\"RegistrationToken\":\"x\"}",
                wrongScope);

        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode body = json.readTree(r.body());
        assertThat(body.get("__type").asText()).isEqualTo("InvalidSignatureException");
        assertThat(body.get("message").asText()).contains("'aws-marketplace'");
    }

    @Test
    void malformedAuthorization_isIncompleteSignatureException() throws Exception {
        HttpResponse<String> r = rawAws(sim, "AWSMPMeteringService.ResolveCustomer", "{}", "Bearer abc");

        assertThat(json.readTree(r.body()).get("__type").asText()).isEqualTo("IncompleteSignatureException");
    }

    @Test
    void unknownTarget_isUnknownOperationException() throws Exception {
        HttpResponse<String> r = rawAws(sim, "AWSMPMeteringService.MeterUsage", "{}", AUTH);

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json.readTree(r.body()).get("__type").asText()).isEqualTo("UnknownOperationException");
        assertThat(r.headers().firstValue("x-amzn-ErrorType")).contains("UnknownOperationException");
    }

    @Test
    void malformedJson_isSerializationException() throws Exception {
        HttpResponse<String> r = rawAws(sim, "AWSMPMeteringService.ResolveCustomer", "{\"RegistrationToken\":", AUTH);

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json.readTree(r.body()).get("__type").asText()).isEqualTo("SerializationException");
    }
}
