package io.mpsaas.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mpsaas.common.marketplace.Agreement;
import io.mpsaas.common.marketplace.AgreementEntitlement;
import io.mpsaas.common.marketplace.AgreementPage;
import io.mpsaas.common.marketplace.AgreementSearch;
import io.mpsaas.common.marketplace.AgreementStatus;
import io.mpsaas.common.marketplace.AgreementTerm;
import io.mpsaas.common.marketplace.AwsJsonAgreementClient;
import io.mpsaas.common.marketplace.AwsJsonMarketplaceClient;
import io.mpsaas.common.marketplace.MarketplaceCallListener;
import io.mpsaas.common.marketplace.MarketplaceClientSettings;
import io.mpsaas.common.marketplace.MarketplaceError;
import io.mpsaas.common.marketplace.MarketplaceException;
import io.mpsaas.common.marketplace.ResolvedCustomer;
import io.mpsaas.common.messaging.SuiteJson;
import io.mpsaas.sandbox.marketplace.MarketplaceSimulator;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeRequest;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeResult;
import io.mpsaas.sandbox.marketplace.catalog.PricingModel;
import io.mpsaas.sandbox.marketplace.catalog.Product;
import io.mpsaas.sandbox.marketplace.catalog.ValueType;
import io.mpsaas.sandbox.marketplace.fault.Operation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Agreement API client ({@code common}) against the simulator's four operations: agreements, term unions (free
 * trial, usage-based, configurable upfront, renewal, and kinds the client keeps whole), paged search by product,
 * entitlements with the 30-minute registration token of API-made purchases, JSON 1.0 errors and retries.
 */
class AgreementApiTest {

    private static MarketplaceSimulator simulator;
    private static AwsJsonMarketplaceClient marketplace;
    private static AwsJsonAgreementClient agreements;
    private static final List<String> observed = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() {
        simulator = MarketplaceSimulator.builder().build().start();
        marketplace = AwsJsonMarketplaceClient.create(new MarketplaceClientSettings("us-east-1",
                simulator.endpoint(), simulator.endpoint(), simulator.endpoint(), simulator.endpoint(), "test", "test", 4,
                Duration.ofMillis(5), Duration.ofMillis(50), Duration.ofSeconds(1), Duration.ofSeconds(5)),
                SuiteJson.newMapper());
        marketplace.listener(operation -> {
            observed.add(operation);
            return MarketplaceCallListener.Call.NONE;
        });
        agreements = new AwsJsonAgreementClient(marketplace, SuiteJson.newMapper());
    }

    @AfterAll
    static void stop() {
        marketplace.close();
        simulator.close();
    }

    @AfterEach
    void reset() {
        simulator.faults().reset();
        simulator.clock().reset();
    }

    private static String code(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static Product contract(boolean freeTrial) {
        return simulator.addProduct(Product.builder(code("agr-contract"), PricingModel.CONTRACT_WITH_CONSUMPTION)
                .concurrentAgreements().freeTrial(freeTrial).contracted("seats", ValueType.INTEGER)
                .metered("api_calls").contractMonths(12).build());
    }

    @Test
    void describeAgreement_readsParties_offer_product_andDates() {
        // GIVEN an active contract
        Product product = contract(false);
        SubscribeResult sub = simulator.subscribe(SubscribeRequest.of(product.code()).withQuantity("seats", 3)
                .activated());

        // WHEN
        Agreement a = agreements.describeAgreement(sub.agreementId());

        // THEN
        assertThat(a.agreementId()).isEqualTo(sub.agreementId());
        assertThat(a.agreementType()).isEqualTo("PurchaseAgreement");
        assertThat(a.status()).isEqualTo(AgreementStatus.ACTIVE);
        assertThat(a.acceptorAccountId()).isEqualTo(sub.customerAWSAccountId());
        assertThat(a.proposerAccountId()).isEqualTo(simulator.sellerAccountId());
        assertThat(a.channelPartnerOffer(simulator.sellerAccountId())).isFalse();
        assertThat(a.offerId()).isEqualTo(sub.offerId());
        assertThat(a.productIds()).containsExactly(product.productId());
        assertThat(a.startTime()).isNotNull();
        assertThat(a.endTime()).isAfter(a.startTime().plus(Duration.ofDays(360)));
        assertThat(a.agreementValue()).isEqualTo("300.00");
        assertThat(observed).contains("DescribeAgreement");
    }

    @Test
    void describeAgreement_payAsYouGo_hasNoEnd_andCancellationShowsInStatus() {
        // GIVEN
        Product product = simulator.addProduct(Product.builder(code("agr-payg"), PricingModel.SUBSCRIPTION)
                .concurrentAgreements().metered("requests").build());
        SubscribeResult sub = simulator.subscribe(SubscribeRequest.of(product.code()).activated());
        assertThat(agreements.describeAgreement(sub.agreementId()).endTime()).isNull();

        // WHEN the buyer cancels
        simulator.cancel(sub.subscriptionId());

        // THEN
        assertThat(agreements.describeAgreement(sub.agreementId()).status()).isEqualTo(AgreementStatus.CANCELLED);
    }

    @Test
    void describeAgreement_unknownId_isResourceNotFound_andMalformedId_isValidation() {
        assertThatThrownBy(() -> agreements.describeAgreement("agmt-doesnotexist"))
                .isInstanceOfSatisfying(MarketplaceException.class, e -> {
                    assertThat(e.error()).isEqualTo(MarketplaceError.RESOURCE_NOT_FOUND);
                    assertThat(e.httpStatus()).isEqualTo(404);
                });
        assertThatThrownBy(() -> agreements.describeAgreement("agmt with spaces"))
                .isInstanceOfSatisfying(MarketplaceException.class,
                        e -> assertThat(e.error()).isEqualTo(MarketplaceError.VALIDATION));
    }

    @Test
    void getAgreementTerms_contractWithTrial_parsesEachKnownKind_andKeepsTheOthers() {
        // GIVEN a contract with consumption, on a free trial, auto-renew turned off by the buyer
        Product product = contract(true);
        SubscribeResult sub = simulator.subscribe(SubscribeRequest.of(product.code()).withQuantity("seats", 5)
                .withFreeTrial().activated());
        simulator.autoRenew(sub.subscriptionId(), false);

        // WHEN
        List<AgreementTerm> terms = agreements.getAgreementTerms(sub.agreementId());

        // THEN
        assertThat(terms).filteredOn(AgreementTerm.ConfigurableUpfront.class::isInstance).singleElement()
                .satisfies(t -> {
                    AgreementTerm.ConfigurableUpfront c = (AgreementTerm.ConfigurableUpfront) t;
                    assertThat(c.duration()).isEqualTo("P12M");
                    assertThat(c.units()).containsEntry("seats", 5);
                    assertThat(c.currencyCode()).isEqualTo("USD");
                });
        assertThat(terms).filteredOn(AgreementTerm.Renewal.class::isInstance).singleElement()
                .isEqualTo(new AgreementTerm.Renewal(terms.stream().filter(AgreementTerm.Renewal.class::isInstance)
                        .findFirst().orElseThrow().id(), false));
        assertThat(terms).filteredOn(AgreementTerm.UsageBased.class::isInstance).singleElement()
                .satisfies(t -> assertThat(((AgreementTerm.UsageBased) t).pricePerDimension())
                        .containsEntry("api_calls", "0.10"));
        assertThat(terms).filteredOn(AgreementTerm.FreeTrial.class::isInstance).singleElement()
                .satisfies(t -> assertThat(((AgreementTerm.FreeTrial) t).duration()).isEqualTo("P30D"));
        assertThat(terms).filteredOn(AgreementTerm.Validity.class::isInstance).singleElement()
                .satisfies(t -> assertThat(((AgreementTerm.Validity) t).duration()).isEqualTo("P12M"));
        // legal and support terms are not parsed, but nothing of them is lost
        assertThat(terms).filteredOn(AgreementTerm.Other.class::isInstance)
                .extracting(AgreementTerm::kind).containsExactlyInAnyOrder("legalTerm", "supportTerm");
        assertThat(terms).filteredOn(t -> t.kind().equals("supportTerm")).singleElement()
                .satisfies(t -> assertThat(((AgreementTerm.Other) t).json()).contains("No refunds after 30 days"));
    }

    @Test
    void searchAgreements_byProduct_pagesThroughEveryAgreement_andOnlyThatProduct() {
        // GIVEN seven agreements on one product, one on another
        Product product = contract(false);
        Product other = contract(false);
        Set<String> ids = new java.util.HashSet<>();
        for (int i = 0; i < 7; i++) {
            ids.add(simulator.subscribe(SubscribeRequest.of(product.code()).activated()).agreementId());
        }
        simulator.subscribe(SubscribeRequest.of(other.code()).activated());

        // WHEN read in pages of three
        List<AgreementPage> pages = new ArrayList<>();
        AgreementSearch search = AgreementSearch.ofProduct(product.productId(), 3);
        AgreementPage page = agreements.searchAgreements(search);
        pages.add(page);
        while (page.nextToken() != null) {
            page = agreements.searchAgreements(search.page(page.nextToken()));
            pages.add(page);
        }

        // THEN
        assertThat(pages).extracting(p -> p.agreements().size()).containsExactly(3, 3, 1);
        assertThat(pages.stream().flatMap(p -> p.agreements().stream()).map(Agreement::agreementId)
                .collect(Collectors.toSet())).isEqualTo(ids);
        assertThat(agreements.searchAllAgreements(AgreementSearch.ofProduct(product.productId(), 2)))
                .extracting(Agreement::agreementId).containsExactlyInAnyOrderElementsOf(ids);
    }

    @Test
    void searchAgreements_byStatus_findsOnlyThatStatus() {
        // GIVEN one active and one cancelled agreement
        Product product = contract(false);
        SubscribeResult active = simulator.subscribe(SubscribeRequest.of(product.code()).activated());
        SubscribeResult ended = simulator.subscribe(SubscribeRequest.of(product.code()).activated());
        simulator.cancel(ended.subscriptionId());

        // WHEN
        List<Agreement> cancelled = agreements.searchAllAgreements(new AgreementSearch(null, product.productId(),
                AgreementStatus.CANCELLED, null, null, null, null));

        // THEN
        assertThat(cancelled).extracting(Agreement::agreementId).containsExactly(ended.agreementId());
        assertThat(cancelled).extracting(Agreement::agreementId).doesNotContain(active.agreementId());
    }

    @Test
    void searchAgreements_foreignNextToken_isValidationException() {
        Product product = contract(false);
        assertThatThrownBy(() -> agreements.searchAgreements(AgreementSearch.ofProduct(product.productId(), 5)
                .page("bm90LWEtdG9rZW4=")))
                .isInstanceOfSatisfying(MarketplaceException.class, e -> {
                    assertThat(e.error()).isEqualTo(MarketplaceError.VALIDATION);
                    assertThat(e.getMessage()).contains("nextToken");
                });
    }

    @Test
    void getAgreementEntitlements_followsTheLicense_fromPendingToDeprovisioned() {
        // GIVEN
        Product product = contract(false);
        SubscribeResult sub = simulator.subscribe(SubscribeRequest.of(product.code()));

        // THEN pending, then provisioned, then deprovisioned
        assertThat(agreements.getAgreementEntitlements(sub.agreementId())).singleElement().satisfies(e -> {
            assertThat(e.status()).isEqualTo("PENDING");
            assertThat(e.statusReasonCode()).isEqualTo("PROVISIONING_IN_PROGRESS");
            assertThat(e.licenseArn()).isEqualTo(sub.licenseArn());
            assertThat(e.resourceId()).isEqualTo(product.productId());
            assertThat(e.registrationToken()).isNull(); // a browser purchase: the token went to the fulfillment URL
        });
        simulator.activate(sub.subscriptionId());
        assertThat(agreements.getAgreementEntitlements(sub.agreementId())).extracting(AgreementEntitlement::status)
                .containsExactly("PROVISIONED");
        simulator.cancel(sub.subscriptionId());
        simulator.completeCancellation(sub.subscriptionId());
        assertThat(agreements.getAgreementEntitlements(sub.agreementId())).extracting(AgreementEntitlement::status)
                .containsExactly("DEPROVISIONED");
    }

    @Test
    void getAgreementEntitlements_apiPurchase_carriesATokenThatResolves_forThirtyMinutes() {
        // GIVEN a purchase made through the Agreement API
        Product product = contract(false);
        SubscribeResult sub = simulator.subscribe(SubscribeRequest.of(product.code()).activated());
        simulator.purchaseThroughApi(sub.subscriptionId());

        // WHEN
        AgreementEntitlement entitlement = agreements.getAgreementEntitlements(sub.agreementId()).get(0);

        // THEN the token resolves like a fulfillment token, and is never printed
        assertThat(entitlement.registrationToken()).isNotBlank();
        assertThat(entitlement.toString()).doesNotContain(entitlement.registrationToken());
        ResolvedCustomer resolved = marketplace.resolveCustomer(entitlement.registrationToken());
        assertThat(resolved.licenseArn()).isEqualTo(sub.licenseArn());

        // WHEN 30 minutes pass
        simulator.clock().advance(Duration.ofMinutes(30));

        // THEN it is expired, and GetAgreementEntitlements no longer hands it out
        assertThatThrownBy(() -> marketplace.resolveCustomer(entitlement.registrationToken()))
                .isInstanceOfSatisfying(MarketplaceException.class,
                        e -> assertThat(e.error()).isEqualTo(MarketplaceError.EXPIRED_TOKEN));
        assertThat(agreements.getAgreementEntitlements(sub.agreementId()).get(0).registrationToken()).isNull();
    }

    @Test
    void controlApi_apiPurchase_answersTheAgreement_andGetAgreementEntitlementsThenCarriesAToken() throws Exception {
        // GIVEN a pending subscription, whose entitlement carries no token (bought through the browser)
        Product product = contract(false);
        SubscribeResult sub = simulator.subscribe(SubscribeRequest.of(product.code()));
        assertThat(agreements.getAgreementEntitlements(sub.agreementId()).get(0).registrationToken()).isNull();

        // WHEN the control API makes it a purchase through the API
        java.net.http.HttpResponse<String> answer = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(simulator.endpoint().resolve("/sandbox/subscriptions/"
                        + sub.subscriptionId() + "/api-purchase")).POST(java.net.http.HttpRequest.BodyPublishers
                        .noBody()).build(), java.net.http.HttpResponse.BodyHandlers.ofString());

        // THEN it answers the agreement id (never the token: that is the seller's, through the Agreement API)
        assertThat(answer.statusCode()).isEqualTo(200);
        var json = SuiteJson.newMapper().readTree(answer.body());
        assertThat(json.get("agreementId").asText()).isEqualTo(sub.agreementId());
        assertThat(json.get("subscriptionId").asText()).isEqualTo(sub.subscriptionId());
        AgreementEntitlement entitlement = agreements.getAgreementEntitlements(sub.agreementId()).get(0);
        assertThat(entitlement.registrationToken()).isNotBlank();
        assertThat(answer.body()).doesNotContain(entitlement.registrationToken());
        assertThat(marketplace.resolveCustomer(entitlement.registrationToken()).licenseArn())
                .isEqualTo(sub.licenseArn());
    }

    @Test
    void agreementCalls_retryThrottlingAndServerErrors_withTheMarketplaceBackoff() {
        // GIVEN
        Product product = contract(false);
        SubscribeResult sub = simulator.subscribe(SubscribeRequest.of(product.code()).activated());
        simulator.faults().failNext(Operation.DESCRIBE_AGREEMENT, 1, "ThrottlingException");
        simulator.faults().failNext(Operation.DESCRIBE_AGREEMENT, 1, "InternalServerException");

        // WHEN / THEN the third attempt answers
        assertThat(agreements.describeAgreement(sub.agreementId()).agreementId()).isEqualTo(sub.agreementId());
    }

    @Test
    void channelPartnerOffer_namesThePartnerAsProposer() {
        // GIVEN a CPPO: the seller is the manufacturer, the partner proposed the offer
        Product product = contract(false);
        SubscribeResult sub = simulator.subscribe(SubscribeRequest.of(product.code()).activated());
        simulator.channelPartner(sub.subscriptionId(), "210987654321");

        // WHEN
        Agreement a = agreements.describeAgreement(sub.agreementId());

        // THEN
        assertThat(a.proposerAccountId()).isEqualTo("210987654321");
        assertThat(a.channelPartnerOffer(simulator.sellerAccountId())).isTrue();
    }

    @Test
    void channelPartnerProduct_everyAgreementIsACppo_namingThePartner() {
        // GIVEN a buyer of the catalog's product sold through a channel partner
        SubscribeResult sub = simulator.subscribe(SubscribeRequest.of("sbx-cppo-contract")
                .withQuantity("seats", 2).activated());

        // WHEN
        Agreement a = agreements.describeAgreement(sub.agreementId());

        // THEN
        assertThat(a.proposerAccountId()).isEqualTo("444455556666");
        assertThat(a.acceptorAccountId()).isEqualTo(sub.customerAWSAccountId());
        assertThat(a.channelPartnerOffer(simulator.sellerAccountId())).isTrue();
    }

    @Test
    void finalHour_afterLicenseDeprovisioned_acceptsUsageOfEarlierHours_forAnHourOnly() {
        // GIVEN an EventBridge (Concurrent Agreements) customer whose license was just deprovisioned
        Product product = simulator.addProduct(Product.builder(code("agr-final"), PricingModel.SUBSCRIPTION)
                .concurrentAgreements().metered("requests").build());
        simulator.clock().setOffset(Duration.ofHours(-2));
        SubscribeResult sub = simulator.subscribe(SubscribeRequest.of(product.code()).activated());
        simulator.clock().setOffset(Duration.ZERO);
        simulator.cancel(sub.subscriptionId());
        simulator.completeCancellation(sub.subscriptionId());
        java.time.Instant hour = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.HOURS);
        java.util.function.Function<Integer, io.mpsaas.common.marketplace.UsageRecordStatus> meter = q ->
                marketplace.batchMeterUsage(new io.mpsaas.common.marketplace.BatchMeterUsageRequest(null, List.of(
                        io.mpsaas.common.marketplace.UsageRecord.license(hour.minus(Duration.ofHours(q)),
                                sub.customerAWSAccountId(), sub.licenseArn(), "requests", q))))
                        .results().get(0).status();

        // THEN usage of the hours before it is still taken within the hour
        assertThat(meter.apply(1)).isEqualTo(io.mpsaas.common.marketplace.UsageRecordStatus.SUCCESS);

        // WHEN the hour has passed THEN nothing more is taken
        simulator.clock().advance(Duration.ofMinutes(61));
        assertThat(meter.apply(0)).isEqualTo(io.mpsaas.common.marketplace.UsageRecordStatus.CUSTOMER_NOT_SUBSCRIBED);
    }
}
