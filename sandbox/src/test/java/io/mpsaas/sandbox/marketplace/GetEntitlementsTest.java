package io.mpsaas.sandbox.marketplace;

import static io.mpsaas.sandbox.marketplace.SimulatorFixture.AUTH;
import static io.mpsaas.sandbox.marketplace.SimulatorFixture.rawAws;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeRequest;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeResult;
import io.mpsaas.sandbox.marketplace.catalog.PricingModel;
import io.mpsaas.sandbox.marketplace.catalog.Product;
import io.mpsaas.sandbox.marketplace.catalog.ValueType;
import io.mpsaas.sandbox.marketplace.fault.QuotaSettings;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.marketplaceentitlement.MarketplaceEntitlementClient;
import software.amazon.awssdk.services.marketplaceentitlement.model.Entitlement;
import software.amazon.awssdk.services.marketplaceentitlement.model.EntitlementValue;
import software.amazon.awssdk.services.marketplaceentitlement.model.GetEntitlementFilterName;
import software.amazon.awssdk.services.marketplaceentitlement.model.GetEntitlementsRequest;
import software.amazon.awssdk.services.marketplaceentitlement.model.GetEntitlementsResponse;
import software.amazon.awssdk.services.marketplaceentitlement.model.InvalidParameterException;
import software.amazon.awssdk.services.marketplaceentitlement.model.MarketplaceEntitlementException;

/** GetEntitlements through the real SDK client: values, filters, paging, lifecycle, Concurrent Agreements fields. */
class GetEntitlementsTest {

    private final ObjectMapper json = new ObjectMapper();
    private MarketplaceSimulator sim;
    private MarketplaceEntitlementClient entitlement;

    @BeforeEach
    void start() {
        sim = MarketplaceSimulator.builder().quotas(QuotaSettings.OFF).build().start();
        entitlement = SimulatorFixture.entitlement(sim, false);
    }

    @AfterEach
    void stop() {
        entitlement.close();
        sim.close();
    }

    private Product contract(boolean concurrentAgreements) {
        Product.Builder b = Product.builder(SimulatorFixture.uniqueCode("contract"), PricingModel.CONTRACT)
                .contracted("seats", ValueType.INTEGER)
                .contracted("sso", ValueType.BOOLEAN)
                .contracted("tier", ValueType.STRING)
                .contracted("storage_tb", ValueType.DOUBLE)
                .contractMonths(12);
        if (concurrentAgreements) {
            b.concurrentAgreements();
        }
        return sim.addProduct(b.build());
    }

    private List<Entitlement> all(String productCode, Map<String, List<String>> filter) {
        return entitlement.getEntitlements(r -> r.productCode(productCode).filterWithStrings(filter)).entitlements();
    }

    private static Instant millis(Instant i) {
        return i.truncatedTo(ChronoUnit.MILLIS);
    }

    @Test
    void contract_hasOneEntitlementPerContractedDimension_withTypedValuesAndExpiration() {
        Product product = contract(false);
        SubscribeResult sub = sim.subscribe(SubscribeRequest.of(product.code()).withQuantity("seats", 25)
                .withQuantity("sso", true).withQuantity("tier", "gold").withQuantity("storage_tb", 2.5).activated());

        List<Entitlement> list = all(product.code(), Map.of("CUSTOMER_IDENTIFIER", List.of(sub.customerIdentifier())));

        assertThat(list).extracting(Entitlement::dimension).containsExactly("seats", "sso", "tier", "storage_tb");
        assertThat(list).extracting(Entitlement::value).containsExactly(
                EntitlementValue.fromIntegerValue(25), EntitlementValue.fromBooleanValue(true),
                EntitlementValue.fromStringValue("gold"), EntitlementValue.fromDoubleValue(2.5));
        Instant expected = sim.subscription(sub.subscriptionId()).entitlementExpiration();
        assertThat(list).allSatisfy(e -> {
            assertThat(e.productCode()).isEqualTo(product.code());
            assertThat(e.customerIdentifier()).isEqualTo(sub.customerIdentifier());
            assertThat(e.customerAWSAccountId()).isEqualTo(sub.customerAWSAccountId());
            assertThat(e.expirationDate()).isEqualTo(millis(expected));
        });
        assertThat(Duration.between(sim.clock().instant(), expected).toDays()).isBetween(360L, 367L);
    }

    @Test
    void subscriptionProduct_hasNoEntitlements() {
        Product product = SimulatorFixture.addLegacySubscription(sim);
        sim.subscribe(SubscribeRequest.of(product.code()).activated());

        GetEntitlementsResponse r = entitlement.getEntitlements(b -> b.productCode(product.code()));

        assertThat(r.entitlements()).isEmpty();
        assertThat(r.nextToken()).isNull();
    }

    @Test
    void filters_orValuesWithinAKey_andAcrossKeys() {
        Product product = contract(false);
        SubscribeResult a = sim.subscribe(SubscribeRequest.of(product.code()).activated());
        SubscribeResult b = sim.subscribe(SubscribeRequest.of(product.code()).activated());
        SubscribeResult c = sim.subscribe(SubscribeRequest.of(product.code()).activated());

        List<Entitlement> twoCustomers = all(product.code(), Map.of(
                "CUSTOMER_IDENTIFIER", List.of(a.customerIdentifier(), b.customerIdentifier())));
        List<Entitlement> twoCustomersSeats = all(product.code(), Map.of(
                "CUSTOMER_IDENTIFIER", List.of(a.customerIdentifier(), b.customerIdentifier()),
                "DIMENSION", List.of("seats")));
        List<Entitlement> byAccount = all(product.code(), Map.of(
                "CUSTOMER_AWS_ACCOUNT_ID", List.of(c.customerAWSAccountId()), "DIMENSION", List.of("seats", "sso")));

        assertThat(twoCustomers).hasSize(8).extracting(Entitlement::customerIdentifier)
                .containsOnly(a.customerIdentifier(), b.customerIdentifier());
        assertThat(twoCustomersSeats).extracting(Entitlement::customerIdentifier)
                .containsExactly(a.customerIdentifier(), b.customerIdentifier());
        assertThat(byAccount).extracting(Entitlement::dimension).containsExactly("seats", "sso");
    }

    @Test
    void filters_customerIdentifierAndAccountTogether_orUnknownKey_areInvalidParameterException() {
        Product product = contract(false);

        assertThatThrownBy(() -> all(product.code(), Map.of("CUSTOMER_IDENTIFIER", List.of("x"),
                "CUSTOMER_AWS_ACCOUNT_ID", List.of("123456789012"))))
                .isInstanceOf(InvalidParameterException.class).hasMessageContaining("mutually exclusive");
        assertThatThrownBy(() -> all(product.code(), Map.of("COLOR", List.of("blue"))))
                .isInstanceOf(InvalidParameterException.class);
        assertThatThrownBy(() -> all(product.code(), Map.of("DIMENSION", List.of())))
                .isInstanceOf(InvalidParameterException.class);
    }

    @Test
    void productCode_isRequired_andMustBeKnown() {
        assertThatThrownBy(() -> entitlement.getEntitlements(GetEntitlementsRequest.builder().build()))
                .isInstanceOf(InvalidParameterException.class);
        assertThatThrownBy(() -> entitlement.getEntitlements(b -> b.productCode("no-such-product")))
                .isInstanceOf(InvalidParameterException.class);
    }

    @Test
    void maxResults_outside1To25_isInvalidParameterException() {
        Product product = contract(false);

        assertThatThrownBy(() -> entitlement.getEntitlements(b -> b.productCode(product.code()).maxResults(0)))
                .isInstanceOf(InvalidParameterException.class);
        assertThatThrownBy(() -> entitlement.getEntitlements(b -> b.productCode(product.code()).maxResults(26)))
                .isInstanceOf(InvalidParameterException.class);
    }

    @Test
    void paging_returnsEverythingOnce_inPagesOfMaxResults() {
        Product product = contract(false);
        for (int i = 0; i < 5; i++) {
            sim.subscribe(SubscribeRequest.of(product.code()).activated()); // 5 x 4 = 20 entitlements
        }

        List<GetEntitlementsResponse> pages = new ArrayList<>();
        entitlement.getEntitlementsPaginator(b -> b.productCode(product.code()).maxResults(6)).forEach(pages::add);

        assertThat(pages).extracting(p -> p.entitlements().size()).containsExactly(6, 6, 6, 2);
        assertThat(pages.get(3).nextToken()).isNull();
        List<String> keys = pages.stream().flatMap(p -> p.entitlements().stream())
                .map(e -> e.customerIdentifier() + "/" + e.dimension()).toList();
        assertThat(keys).hasSize(20).doesNotHaveDuplicates();
    }

    @Test
    void paging_badOrForeignNextToken_isInvalidParameterException() {
        Product product = contract(false);
        Product other = contract(false);
        for (int i = 0; i < 2; i++) {
            sim.subscribe(SubscribeRequest.of(product.code()).activated());
        }
        String token = entitlement.getEntitlements(b -> b.productCode(product.code()).maxResults(1)).nextToken();
        assertThat(token).isNotBlank();

        assertThatThrownBy(() -> entitlement.getEntitlements(b -> b.productCode(product.code()).nextToken("garbage!")))
                .isInstanceOf(InvalidParameterException.class);
        assertThatThrownBy(() -> entitlement.getEntitlements(b -> b.productCode(other.code()).nextToken(token)))
                .isInstanceOf(InvalidParameterException.class);
    }

    @Test
    void emptyPagesFault_servesEmptyPagesWithANextToken_andThePaginatorStillGetsEverything() {
        Product product = contract(false);
        sim.subscribe(SubscribeRequest.of(product.code()).activated());
        sim.faults().entitlementEmptyPages(2);

        GetEntitlementsResponse first = entitlement.getEntitlements(b -> b.productCode(product.code()));
        assertThat(first.entitlements()).isEmpty();
        assertThat(first.nextToken()).isNotBlank();

        List<GetEntitlementsResponse> pages = new ArrayList<>();
        entitlement.getEntitlementsPaginator(b -> b.productCode(product.code())).forEach(pages::add);
        assertThat(pages).extracting(p -> p.entitlements().size()).containsExactly(0, 0, 4);
    }

    @Test
    void lifecycle_upgradeChangesValues_cancelSetsExpiration_completionAndFailedPaymentRemoveEntitlements() {
        Product product = contract(false);
        SubscribeResult sub = sim.subscribe(SubscribeRequest.of(product.code()).withQuantity("seats", 5).activated());
        SubscribeResult failing = sim.subscribe(product.code());
        Map<String, List<String>> seatsOfSub = Map.of("CUSTOMER_IDENTIFIER", List.of(sub.customerIdentifier()),
                "DIMENSION", List.of("seats"));
        // Simulator choice: visible from agreement creation, before activation.
        assertThat(all(product.code(), Map.of("CUSTOMER_IDENTIFIER", List.of(failing.customerIdentifier()))))
                .hasSize(4);

        sim.upgrade(sub.subscriptionId(), Map.of("seats", 50));
        assertThat(all(product.code(), seatsOfSub)).singleElement()
                .satisfies(e -> assertThat(e.value().integerValue()).isEqualTo(50));

        sim.clock().advance(Duration.ofDays(10));
        sim.cancel(sub.subscriptionId());
        Instant cancelledAt = sim.subscription(sub.subscriptionId()).cancelRequestedAt();
        assertThat(all(product.code(), seatsOfSub)).singleElement()
                .satisfies(e -> assertThat(e.expirationDate()).isEqualTo(millis(cancelledAt)));

        sim.completeCancellation(sub.subscriptionId());
        sim.failPayment(failing.subscriptionId());
        assertThat(all(product.code(), Map.of())).isEmpty();
    }

    @Test
    void concurrentAgreements_carryLicenseArnAndNoCustomerIdentifier_andFilterByLicense() throws Exception {
        Product product = contract(true);
        SubscribeResult a = sim.subscribe(SubscribeRequest.of(product.code()).withBuyer("555566667777").activated());
        SubscribeResult b = sim.subscribe(SubscribeRequest.of(product.code()).withBuyer("555566667777").activated());

        // The SDK can send the LICENSE_ARN key as a plain string even though it predates it.
        List<Entitlement> viaSdk = all(product.code(), Map.of("LICENSE_ARN", List.of(b.licenseArn())));
        assertThat(viaSdk).hasSize(4).allSatisfy(e -> {
            assertThat(e.customerIdentifier()).isNull();
            assertThat(e.customerAWSAccountId()).isEqualTo("555566667777");
        });

        HttpResponse<String> raw = rawAws(sim, "AWSMPEntitlementService.GetEntitlements",
                "{\"ProductCode\":\"" + product.code()
                        + "\",\"Filter\":{\"CUSTOMER_AWS_ACCOUNT_ID\":[\"555566667777\"],"
                        + "\"DIMENSION\":[\"seats\"]}}", AUTH);
        JsonNode body = json.readTree(raw.body());
        assertThat(body.get("Entitlements")).hasSize(2);
        assertThat(body.at("/Entitlements/0/LicenseArn").asText()).isEqualTo(a.licenseArn());
        assertThat(body.at("/Entitlements/1/LicenseArn").asText()).isEqualTo(b.licenseArn());
        assertThat(body.at("/Entitlements/0/Value/IntegerValue").asInt()).isEqualTo(1);
        assertThat(body.at("/Entitlements/0/ExpirationDate").isNumber()).isTrue();
        assertThat(body.at("/Entitlements/0").has("CustomerIdentifier")).isFalse();
    }

    @Test
    void credentialScopedOutsideUsEast1_isRejected() {
        try (MarketplaceEntitlementClient west = MarketplaceEntitlementClient.builder()
                .endpointOverride(sim.endpoint())
                .region(Region.US_WEST_2)
                .credentialsProvider(() -> AwsBasicCredentials.create("AKIDSANDBOX", "secret"))
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build()) {
            assertThatThrownBy(() -> west.getEntitlements(b -> b.productCode("sbx-legacy-contract")))
                    .isInstanceOf(MarketplaceEntitlementException.class)
                    .satisfies(e -> assertThat(((MarketplaceEntitlementException) e).awsErrorDetails().errorCode())
                            .isEqualTo("InvalidSignatureException"));
        }
    }

    @Test
    void defaultCatalogContract_isServedOutOfTheBox() {
        SubscribeResult sub = sim.subscribe(SubscribeRequest.of("sbx-legacy-contract").activated());

        List<Entitlement> list = entitlement.getEntitlements(b -> b.productCode("sbx-legacy-contract")
                .filter(Map.of(GetEntitlementFilterName.CUSTOMER_IDENTIFIER, List.of(sub.customerIdentifier()))))
                .entitlements();

        assertThat(list).extracting(Entitlement::dimension).containsExactly("seats", "premium_support", "tier");
    }
}
