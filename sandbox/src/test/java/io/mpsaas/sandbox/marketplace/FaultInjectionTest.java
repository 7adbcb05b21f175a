package io.mpsaas.sandbox.marketplace;

import static io.mpsaas.sandbox.marketplace.SimulatorFixture.AUTH;
import static io.mpsaas.sandbox.marketplace.SimulatorFixture.currentHour;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeRequest;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeResult;
import io.mpsaas.sandbox.marketplace.catalog.Product;
import io.mpsaas.sandbox.marketplace.fault.FaultSettings;
import io.mpsaas.sandbox.marketplace.fault.Operation;
import io.mpsaas.sandbox.marketplace.fault.OperationFaults;
import io.mpsaas.sandbox.marketplace.fault.QuotaSettings;
import io.mpsaas.sandbox.marketplace.ledger.AttemptOutcome;
import io.mpsaas.sandbox.marketplace.ledger.MeteringAttempt;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.marketplaceentitlement.MarketplaceEntitlementClient;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;
import software.amazon.awssdk.services.marketplacemetering.model.BatchMeterUsageResponse;
import software.amazon.awssdk.services.marketplacemetering.model.DisabledApiException;
import software.amazon.awssdk.services.marketplacemetering.model.InternalServiceErrorException;
import software.amazon.awssdk.services.marketplacemetering.model.ThrottlingException;
import software.amazon.awssdk.services.marketplacemetering.model.UsageRecord;
import software.amazon.awssdk.services.marketplacemetering.model.UsageRecordResultStatus;

/** Fault injection and quotas, seen through the real SDK clients (which map them to their exception classes). */
class FaultInjectionTest {

    private final ObjectMapper json = new ObjectMapper();
    private MarketplaceSimulator sim;
    private MarketplaceMeteringClient metering;
    private MarketplaceEntitlementClient entitlement;
    private Product product;
    private SubscribeResult sub;

    @BeforeEach
    void start() {
        sim = MarketplaceSimulator.builder().quotas(QuotaSettings.OFF).build().start();
        metering = SimulatorFixture.metering(sim, false);
        entitlement = SimulatorFixture.entitlement(sim, false);
        product = SimulatorFixture.addLegacySubscription(sim);
        sub = sim.subscribe(SubscribeRequest.of(product.code()).activated());
    }

    @AfterEach
    void stop() {
        metering.close();
        entitlement.close();
        sim.close();
    }

    private BatchMeterUsageResponse meter(MarketplaceMeteringClient client, String dimension, int quantity) {
        return client.batchMeterUsage(r -> r.productCode(product.code()).usageRecords(UsageRecord.builder()
                .customerIdentifier(sub.customerIdentifier()).dimension(dimension).quantity(quantity)
                .timestamp(currentHour(sim)).build()));
    }

    @Test
    void failNext_failsExactlyTheNextNCallsOfThatOperation() {
        sim.faults().failNext(Operation.BATCH_METER_USAGE, 2, "InternalServiceErrorException");

        // Another operation is not affected and does not consume the rule.
        assertThat(metering.resolveCustomer(r -> r.registrationToken(sub.registrationToken())).customerIdentifier())
                .isEqualTo(sub.customerIdentifier());
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> meter(metering, "requests", 1))
                    .isInstanceOf(InternalServiceErrorException.class)
                    .satisfies(e -> assertThat(((InternalServiceErrorException) e).statusCode()).isEqualTo(500));
        }
        assertThat(meter(metering, "requests", 1).results().get(0).status()).isEqualTo(UsageRecordResultStatus.SUCCESS);
        assertThat(sim.ledger().attempts(product.code(), null)).extracting(MeteringAttempt::outcome)
                .containsExactly(AttemptOutcome.BATCH_ERROR, AttemptOutcome.BATCH_ERROR, AttemptOutcome.SUCCESS);
    }

    @Test
    void failNext_anyOperation_withAnyAwsErrorType() {
        sim.faults().failNext(null, 1, "DisabledApiException");

        assertThatThrownBy(() -> metering.resolveCustomer(r -> r.registrationToken(sub.registrationToken())))
                .isInstanceOf(DisabledApiException.class);
        assertThat(metering.resolveCustomer(r -> r.registrationToken(sub.registrationToken()))).isNotNull();
    }

    @Test
    void throttlingRate_one_throttlesOnlyThatOperation() {
        sim.faults().set(Operation.GET_ENTITLEMENTS, OperationFaults.NONE.withThrottlingRate(1.0));

        assertThatThrownBy(() -> entitlement.getEntitlements(b -> b.productCode(product.code())))
                .isInstanceOf(software.amazon.awssdk.services.marketplaceentitlement.model.ThrottlingException.class);
        assertThat(meter(metering, "requests", 1).results()).hasSize(1);
    }

    @Test
    void internalErrorRate_one_isInternalServiceErrorOnAllOperations() {
        sim.faults().set(null, OperationFaults.NONE.withInternalErrorRate(1.0));

        assertThatThrownBy(() -> meter(metering, "requests", 1)).isInstanceOf(InternalServiceErrorException.class);
        assertThatThrownBy(() -> entitlement.getEntitlements(b -> b.productCode(product.code())))
                .isInstanceOf(software.amazon.awssdk.services.marketplaceentitlement.model
                        .InternalServiceErrorException.class);
    }

    @Test
    void unprocessedRate_one_returnsEveryRecordUnprocessed_andNothingIsBilledUntilTheRetry() {
        sim.faults().set(Operation.BATCH_METER_USAGE, OperationFaults.NONE.withUnprocessedRate(1.0));

        BatchMeterUsageResponse r = meter(metering, "requests", 12);

        assertThat(r.results()).isEmpty();
        assertThat(r.unprocessedRecords()).singleElement()
                .satisfies(u -> assertThat(u.quantity()).isEqualTo(12));
        assertThat(sim.ledger().records(product.code(), null)).isEmpty();
        assertThat(sim.ledger().attempts(product.code(), null)).extracting(MeteringAttempt::outcome)
                .containsExactly(AttemptOutcome.UNPROCESSED);

        sim.faults().reset();
        assertThat(meter(metering, "requests", 12).results().get(0).status())
                .isEqualTo(UsageRecordResultStatus.SUCCESS);
        assertThat(sim.ledger().totalQuantity(product.code(), sub.customerIdentifier(), "requests")).isEqualTo(12);
    }

    @Test
    void randomFaults_areDeterministicForASeed() throws Exception {
        List<List<Integer>> patterns = new ArrayList<>();
        for (int run = 0; run < 2; run++) {
            try (MarketplaceSimulator s = MarketplaceSimulator.builder().quotas(QuotaSettings.OFF)
                    .faults(new FaultSettings(7L, Map.of(Operation.BATCH_METER_USAGE,
                            OperationFaults.NONE.withUnprocessedRate(0.5)), List.of(), 0))
                    .build()) {
                // In-process: no server needed for the Java API and handleAws.
                Product p = s.addProduct(Product.builder("seeded", product.pricingModel()).metered("requests").build());
                StringBuilder records = new StringBuilder();
                for (int i = 0; i < 25; i++) {
                    SubscribeResult c = s.subscribe(SubscribeRequest.of(p.code()).activated());
                    records.append(i == 0 ? "" : ",").append("{\"Timestamp\":")
                            .append(currentHour(s).getEpochSecond()).append(",\"CustomerIdentifier\":\"")
                            .append(c.customerIdentifier()).append("\",\"Dimension\":\"requests\",\"Quantity\":")
                            .append(i).append('}');
                }
                byte[] body = ("{\"ProductCode\":\"seeded\",\"UsageRecords\":[" + records + "]}")
                        .getBytes(StandardCharsets.UTF_8);
                JsonNode answer = json.readTree(s.handleAws("AWSMPMeteringService.BatchMeterUsage", AUTH, body).body());
                List<Integer> unprocessed = new ArrayList<>();
                answer.get("UnprocessedRecords").forEach(u -> unprocessed.add(u.get("Quantity").asInt()));
                assertThat(unprocessed.size() + answer.get("Results").size()).isEqualTo(25);
                patterns.add(unprocessed);
            }
        }
        assertThat(patterns.get(0)).isNotEmpty().hasSizeLessThan(25).isEqualTo(patterns.get(1));
    }

    @Test
    void latency_delaysTheAnswer() {
        sim.faults().set(Operation.RESOLVE_CUSTOMER, OperationFaults.NONE.withLatencyMs(300));

        long started = System.nanoTime();
        metering.resolveCustomer(r -> r.registrationToken(sub.registrationToken()));

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    @Test
    void defaultSdkClient_retriesThrottlingToSuccess() {
        sim.faults().failNext(Operation.BATCH_METER_USAGE, 2, "ThrottlingException");

        try (MarketplaceMeteringClient retrying = SimulatorFixture.metering(sim, true)) {
            BatchMeterUsageResponse r = meter(retrying, "requests", 4);
            assertThat(r.results().get(0).status()).isEqualTo(UsageRecordResultStatus.SUCCESS);
        }
        assertThat(sim.faults().settings().failNext()).isEmpty();
        assertThat(sim.ledger().attempts(product.code(), null))
                .extracting(MeteringAttempt::outcome, MeteringAttempt::errorCode)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(AttemptOutcome.BATCH_ERROR, "ThrottlingException"),
                        org.assertj.core.groups.Tuple.tuple(AttemptOutcome.BATCH_ERROR, "ThrottlingException"),
                        org.assertj.core.groups.Tuple.tuple(AttemptOutcome.SUCCESS, null));
    }

    @Test
    void reset_restoresTheFaultsTheSimulatorWasBuiltWith() {
        try (MarketplaceSimulator s = MarketplaceSimulator.builder()
                .faults(new FaultSettings(1L, Map.of(Operation.RESOLVE_CUSTOMER,
                        OperationFaults.NONE.withLatencyMs(5)), List.of(), 0)).build()) {
            s.faults().set(null, OperationFaults.NONE.withThrottlingRate(1.0));
            s.faults().failNext(Operation.GET_ENTITLEMENTS, 3, "ThrottlingException");

            s.faults().reset();

            assertThat(s.faults().settings().failNext()).isEmpty();
            assertThat(s.faults().settings().of(Operation.RESOLVE_CUSTOMER).latencyMs()).isEqualTo(5);
            assertThat(s.faults().settings().of(Operation.BATCH_METER_USAGE)).isEqualTo(OperationFaults.NONE);
        }
    }

    @Test
    void quotas_throttleBeyondTheLimitInTheWindow() {
        // A one-minute window makes the assertion independent of machine speed.
        sim.quotas(new QuotaSettings(true, 0, 3, 2, 60_000));

        for (int i = 0; i < 3; i++) {
            meter(metering, "requests", 1);
        }
        assertThatThrownBy(() -> meter(metering, "requests", 1)).isInstanceOf(ThrottlingException.class);
        entitlement.getEntitlements(b -> b.productCode(product.code()));
        entitlement.getEntitlements(b -> b.productCode(product.code()));
        assertThatThrownBy(() -> entitlement.getEntitlements(b -> b.productCode(product.code())))
                .isInstanceOf(software.amazon.awssdk.services.marketplaceentitlement.model.ThrottlingException.class);
        // ResolveCustomer has no published quota.
        for (int i = 0; i < 5; i++) {
            metering.resolveCustomer(r -> r.registrationToken(sub.registrationToken()));
        }
    }

    @Test
    void quotas_defaultToAwsLimitsPerSecond() {
        try (MarketplaceSimulator s = MarketplaceSimulator.builder().build()) {
            assertThat(s.quotas()).isEqualTo(new QuotaSettings(true, 0, 10, 20, 1000));
            byte[] body = "{\"ProductCode\":\"sbx-legacy-subscription\",\"UsageRecords\":[]}"
                    .getBytes(StandardCharsets.UTF_8);
            // In-process calls take microseconds: far more than 10 fit in one second.
            long throttled = java.util.stream.IntStream.range(0, 15)
                    .mapToObj(i -> s.handleAws("AWSMPMeteringService.BatchMeterUsage", AUTH, body))
                    .filter(r -> r.status() == 400 && new String(r.body(), StandardCharsets.UTF_8)
                            .contains("ThrottlingException"))
                    .count();
            // 5 unless the JVM stalled for a second mid-loop; the exact count is proven with a wide window above.
            assertThat(throttled).isBetween(1L, 5L);
        }
    }
}
