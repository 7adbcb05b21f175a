package io.mpsaas.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mpsaas.common.marketplace.AwsJsonMarketplaceClient;
import io.mpsaas.common.marketplace.BatchMeterUsageRequest;
import io.mpsaas.common.marketplace.BatchMeterUsageResult;
import io.mpsaas.common.marketplace.Entitlement;
import io.mpsaas.common.marketplace.EntitlementFilter;
import io.mpsaas.common.marketplace.EntitlementValue;
import io.mpsaas.common.marketplace.MarketplaceClientSettings;
import io.mpsaas.common.marketplace.MarketplaceError;
import io.mpsaas.common.marketplace.MarketplaceException;
import io.mpsaas.common.marketplace.ResolvedCustomer;
import io.mpsaas.common.marketplace.UsageAllocation;
import io.mpsaas.common.marketplace.UsageRecord;
import io.mpsaas.common.marketplace.UsageRecordStatus;
import io.mpsaas.common.messaging.SuiteJson;
import io.mpsaas.sandbox.marketplace.MarketplaceSimulator;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeRequest;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeResult;
import io.mpsaas.sandbox.marketplace.catalog.PricingModel;
import io.mpsaas.sandbox.marketplace.catalog.Product;
import io.mpsaas.sandbox.marketplace.catalog.ValueType;
import io.mpsaas.sandbox.marketplace.fault.Operation;
import io.mpsaas.sandbox.marketplace.fault.OperationFaults;
import io.mpsaas.sandbox.marketplace.ledger.MeteredRecord;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The suite's own Marketplace adapter ({@code common}) against the simulator: both identity models, every field the
 * pinned SDK clients cannot carry (LicenseArn), paging, errors, and retries through injected faults.
 */
class MarketplaceAdapterTest {

    private static MarketplaceSimulator simulator;
    private static AwsJsonMarketplaceClient client;

    @BeforeAll
    static void start() {
        simulator = MarketplaceSimulator.builder().build().start();
        client = AwsJsonMarketplaceClient.create(new MarketplaceClientSettings("us-east-1", simulator.endpoint(),
                simulator.endpoint(), simulator.endpoint(), simulator.endpoint(), "test", "test", 4, Duration.ofMillis(5),
                Duration.ofMillis(50), Duration.ofSeconds(1), Duration.ofSeconds(5)), SuiteJson.newMapper());
    }

    @AfterAll
    static void stop() {
        client.close();
        simulator.close();
    }

    @AfterEach
    void clearFaults() {
        simulator.faults().reset();
    }

    private static String code(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static Instant lastHour() {
        return Instant.now().truncatedTo(ChronoUnit.HOURS).minus(1, ChronoUnit.HOURS);
    }

    @Test
    void concurrentAgreements_resolveThenMeterByLicense_isBilledOnce() {
        // GIVEN an active Concurrent Agreements subscription
        Product product = simulator.addProduct(Product.builder(code("ca"), PricingModel.SUBSCRIPTION)
                .concurrentAgreements().metered("requests").build());
        SubscribeResult sub = simulator.subscribe(SubscribeRequest.of(product.code()).activated());

        // WHEN the adapter resolves the token and meters by account + license (no ProductCode, as AWS allows)
        ResolvedCustomer customer = client.resolveCustomer(sub.registrationToken());
        Instant hour = simulator.clock().instant().truncatedTo(ChronoUnit.HOURS);
        UsageRecord record = UsageRecord.license(hour, customer.customerAwsAccountId(), customer.licenseArn(),
                "requests", 42);
        BatchMeterUsageResult first = client.batchMeterUsage(new BatchMeterUsageRequest(null, List.of(record)));
        BatchMeterUsageResult retry = client.batchMeterUsage(new BatchMeterUsageRequest(null, List.of(record)));

        // THEN
        assertThat(customer.concurrentAgreements()).isTrue();
        assertThat(customer.licenseArn()).isEqualTo(sub.licenseArn());
        assertThat(customer.productCode()).isEqualTo(product.code());
        assertThat(first.results()).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo(UsageRecordStatus.SUCCESS);
            assertThat(r.usageRecord().licenseArn()).isEqualTo(sub.licenseArn());
        });
        assertThat(retry.results().get(0).meteringRecordId()).isEqualTo(first.results().get(0).meteringRecordId());
        assertThat(simulator.ledger().records(product.code(), sub.licenseArn())).singleElement()
                .extracting(MeteredRecord::quantity).isEqualTo(42);
    }

    @Test
    void legacy_meterByCustomerIdentifier_withAllocations_andADifferentQuantityIsADuplicate() {
        Product product = simulator.addProduct(Product.builder(code("legacy"), PricingModel.SUBSCRIPTION)
                .metered("users").build());
        SubscribeResult sub = simulator.subscribe(SubscribeRequest.of(product.code()).activated());
        ResolvedCustomer customer = client.resolveCustomer(sub.registrationToken());
        Instant hour = simulator.clock().instant().truncatedTo(ChronoUnit.HOURS);
        UsageRecord tagged = new UsageRecord(hour, customer.customerIdentifier(), null, null, "users", 10,
                List.of(new UsageAllocation(6, List.of(new UsageAllocation.Tag("team", "red"))),
                        new UsageAllocation(4, List.of())));

        BatchMeterUsageResult first = client.batchMeterUsage(new BatchMeterUsageRequest(product.code(),
                List.of(tagged)));
        BatchMeterUsageResult changed = client.batchMeterUsage(new BatchMeterUsageRequest(product.code(),
                List.of(UsageRecord.legacy(hour, customer.customerIdentifier(), "users", 11))));

        assertThat(customer.concurrentAgreements()).isFalse();
        assertThat(first.results().get(0).status()).isEqualTo(UsageRecordStatus.SUCCESS);
        assertThat(changed.results().get(0).status()).isEqualTo(UsageRecordStatus.DUPLICATE_RECORD);
        assertThat(simulator.ledger().totalQuantity(product.code(), customer.customerIdentifier(), "users"))
                .isEqualTo(10);
    }

    @Test
    void notYetActive_isCustomerNotSubscribed_perRecord() {
        Product product = simulator.addProduct(Product.builder(code("pending"), PricingModel.SUBSCRIPTION)
                .concurrentAgreements().metered("requests").build());
        SubscribeResult sub = simulator.subscribe(SubscribeRequest.of(product.code()));

        BatchMeterUsageResult result = client.batchMeterUsage(new BatchMeterUsageRequest(null, List.of(
                UsageRecord.license(simulator.clock().instant().truncatedTo(ChronoUnit.HOURS),
                        sub.customerAWSAccountId(), sub.licenseArn(), "requests", 1))));

        assertThat(result.results().get(0).status()).isEqualTo(UsageRecordStatus.CUSTOMER_NOT_SUBSCRIBED);
    }

    @Test
    void staleTimestamp_refusesTheWholeBatch() {
        Product product = simulator.addProduct(Product.builder(code("stale"), PricingModel.SUBSCRIPTION)
                .metered("users").build());
        SubscribeResult sub = simulator.subscribe(SubscribeRequest.of(product.code()).activated());

        assertThatThrownBy(() -> client.batchMeterUsage(new BatchMeterUsageRequest(product.code(), List.of(
                UsageRecord.legacy(lastHour(), sub.customerIdentifier(), "users", 1),
                UsageRecord.legacy(Instant.now().minus(25, ChronoUnit.HOURS), sub.customerIdentifier(), "users",
                        1)))))
                .isInstanceOfSatisfying(MarketplaceException.class, e -> {
                    assertThat(e.error()).isEqualTo(MarketplaceError.TIMESTAMP_OUT_OF_BOUNDS);
                    assertThat(e.attempts()).isEqualTo(1);
                });
        assertThat(simulator.ledger().records(product.code(), sub.customerIdentifier())).isEmpty();
    }

    @Test
    void tokens_invalidAndExpired_mapToTheirErrors() {
        Product product = simulator.addProduct(Product.builder(code("tok"), PricingModel.SUBSCRIPTION)
                .metered("users").build());
        SubscribeResult sub = simulator.subscribe(SubscribeRequest.of(product.code()));

        assertThatThrownBy(() -> client.resolveCustomer("bm90LWEtdG9rZW4="))
                .isInstanceOfSatisfying(MarketplaceException.class,
                        e -> assertThat(e.error()).isEqualTo(MarketplaceError.INVALID_TOKEN));
        simulator.clock().advance(Duration.ofHours(4).plusMinutes(1));
        try {
            assertThatThrownBy(() -> client.resolveCustomer(sub.registrationToken()))
                    .isInstanceOfSatisfying(MarketplaceException.class,
                            e -> assertThat(e.error()).isEqualTo(MarketplaceError.EXPIRED_TOKEN));
        } finally {
            simulator.clock().reset();
        }
    }

    @Test
    void getAllEntitlements_pagesByLicense_andReadsEveryValueType() {
        // GIVEN a Concurrent Agreements contract with 30 dimensions: more than one page of 25
        Product.Builder builder = Product.builder(code("ent"), PricingModel.CONTRACT).concurrentAgreements();
        for (int i = 0; i < 28; i++) {
            builder.contracted("dim" + i, ValueType.INTEGER);
        }
        builder.contracted("sso", ValueType.BOOLEAN).contracted("tier", ValueType.STRING);
        Product product = simulator.addProduct(builder.build());
        SubscribeResult sub = simulator.subscribe(SubscribeRequest.of(product.code())
                .withQuantity("dim3", 7).withQuantity("tier", "gold").activated());
        simulator.faults().entitlementEmptyPages(1);

        // WHEN
        List<Entitlement> all = client.getAllEntitlements(product.code(),
                Map.of(EntitlementFilter.LICENSE_ARN, List.of(sub.licenseArn())));

        // THEN
        assertThat(all).hasSize(30).allSatisfy(e -> {
            assertThat(e.licenseArn()).isEqualTo(sub.licenseArn());
            assertThat(e.customerIdentifier()).isNull();
            assertThat(e.expirationDate()).isAfter(Instant.now());
        });
        assertThat(all).filteredOn(e -> e.dimension().equals("dim3")).singleElement()
                .extracting(Entitlement::value).isEqualTo(new EntitlementValue.IntegerValue(7));
        assertThat(all).filteredOn(e -> e.dimension().equals("tier")).singleElement()
                .extracting(Entitlement::value).isEqualTo(new EntitlementValue.StringValue("gold"));
        assertThat(all).filteredOn(e -> e.dimension().equals("sso")).singleElement()
                .extracting(Entitlement::value).isEqualTo(new EntitlementValue.BooleanValue(true));
    }

    @Test
    void throttlingAndInternalErrors_areRetriedToSuccess() {
        Product product = simulator.addProduct(Product.builder(code("flaky"), PricingModel.SUBSCRIPTION)
                .concurrentAgreements().metered("requests").build());
        SubscribeResult sub = simulator.subscribe(SubscribeRequest.of(product.code()).activated());
        simulator.faults().failNext(Operation.RESOLVE_CUSTOMER, 1, "ThrottlingException");
        simulator.faults().failNext(Operation.RESOLVE_CUSTOMER, 1, "InternalServiceErrorException");

        ResolvedCustomer customer = client.resolveCustomer(sub.registrationToken());

        assertThat(customer.licenseArn()).isEqualTo(sub.licenseArn());
    }

    @Test
    void unprocessedRecords_comeBackAsUnprocessed_notAsResults() {
        Product product = simulator.addProduct(Product.builder(code("unproc"), PricingModel.SUBSCRIPTION)
                .concurrentAgreements().metered("requests").build());
        SubscribeResult sub = simulator.subscribe(SubscribeRequest.of(product.code()).activated());
        simulator.faults().set(Operation.BATCH_METER_USAGE, OperationFaults.NONE.withUnprocessedRate(1.0));

        BatchMeterUsageResult result = client.batchMeterUsage(new BatchMeterUsageRequest(null, List.of(
                UsageRecord.license(simulator.clock().instant().truncatedTo(ChronoUnit.HOURS),
                        sub.customerAWSAccountId(), sub.licenseArn(), "requests", 3))));

        assertThat(result.results()).isEmpty();
        assertThat(result.unprocessedRecords()).singleElement()
                .satisfies(r -> assertThat(r.quantity()).isEqualTo(3));
        assertThat(simulator.ledger().records(product.code(), sub.licenseArn())).isEmpty();
    }
}
