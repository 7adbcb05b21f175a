package io.mpsaas.sandbox.marketplace;

import static io.mpsaas.sandbox.marketplace.SimulatorFixture.AUTH;
import static io.mpsaas.sandbox.marketplace.SimulatorFixture.currentHour;
import static io.mpsaas.sandbox.marketplace.SimulatorFixture.rawAws;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeRequest;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeResult;
import io.mpsaas.sandbox.marketplace.catalog.PricingModel;
import io.mpsaas.sandbox.marketplace.catalog.Product;
import io.mpsaas.sandbox.marketplace.catalog.ValueType;
import io.mpsaas.sandbox.marketplace.fault.QuotaSettings;
import io.mpsaas.sandbox.marketplace.ledger.AttemptOutcome;
import io.mpsaas.sandbox.marketplace.ledger.MeteredRecord;
import io.mpsaas.sandbox.marketplace.ledger.MeteringAttempt;
import io.mpsaas.sandbox.marketplace.ledger.UsageAllocation;
import io.mpsaas.sandbox.marketplace.ledger.UsageTag;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;
import software.amazon.awssdk.services.marketplacemetering.model.BatchMeterUsageResponse;
import software.amazon.awssdk.services.marketplacemetering.model.InvalidCustomerIdentifierException;
import software.amazon.awssdk.services.marketplacemetering.model.InvalidProductCodeException;
import software.amazon.awssdk.services.marketplacemetering.model.InvalidTagException;
import software.amazon.awssdk.services.marketplacemetering.model.InvalidUsageAllocationsException;
import software.amazon.awssdk.services.marketplacemetering.model.InvalidUsageDimensionException;
import software.amazon.awssdk.services.marketplacemetering.model.MarketplaceMeteringException;
import software.amazon.awssdk.services.marketplacemetering.model.Tag;
import software.amazon.awssdk.services.marketplacemetering.model.TimestampOutOfBoundsException;
import software.amazon.awssdk.services.marketplacemetering.model.UsageAllocation.Builder;
import software.amazon.awssdk.services.marketplacemetering.model.UsageRecord;
import software.amazon.awssdk.services.marketplacemetering.model.UsageRecordResult;
import software.amazon.awssdk.services.marketplacemetering.model.UsageRecordResultStatus;

/** BatchMeterUsage rules through the real SDK client (and raw JSON for Concurrent Agreements fields). */
class BatchMeterUsageTest {

    private final ObjectMapper json = new ObjectMapper();
    private MarketplaceSimulator sim;
    private MarketplaceMeteringClient metering;

    @BeforeEach
    void start() {
        // Quotas off: these tests make many quick calls; quotas have their own test.
        sim = MarketplaceSimulator.builder().quotas(QuotaSettings.OFF).build().start();
        metering = SimulatorFixture.metering(sim, false);
    }

    @AfterEach
    void stop() {
        metering.close();
        sim.close();
    }

    // ---------------------------------------------------------------- helpers

    /** An active legacy subscription whose agreement started {@code hoursAgo} hours ago. */
    private SubscribeResult activeSince(Product product, int hoursAgo) {
        sim.clock().setOffset(Duration.ofHours(-hoursAgo));
        try {
            return sim.subscribe(SubscribeRequest.of(product.code()).activated());
        } finally {
            sim.clock().setOffset(Duration.ZERO);
        }
    }

    private static UsageRecord record(String customerIdentifier, String dimension, int quantity, Instant timestamp) {
        return UsageRecord.builder().customerIdentifier(customerIdentifier).dimension(dimension).quantity(quantity)
                .timestamp(timestamp).build();
    }

    private BatchMeterUsageResponse meter(String productCode, UsageRecord... records) {
        return metering.batchMeterUsage(r -> r.productCode(productCode).usageRecords(records));
    }

    private static UsageRecordResult only(BatchMeterUsageResponse response) {
        assertThat(response.results()).hasSize(1);
        assertThat(response.unprocessedRecords()).isEmpty();
        return response.results().get(0);
    }

    private JsonNode rawMeter(ObjectNode request) throws Exception {
        HttpResponse<String> r = rawAws(sim, "AWSMPMeteringService.BatchMeterUsage",
                json.writeValueAsString(request), AUTH);
        JsonNode body = json.readTree(r.body());
        if (r.statusCode() != 200) {
            ((ObjectNode) body).put("httpStatus", r.statusCode());
        }
        return body;
    }

    private ObjectNode caRecord(SubscribeResult sub, String dimension, int quantity, Instant timestamp) {
        ObjectNode rec = json.createObjectNode();
        rec.put("Timestamp", timestamp.getEpochSecond());
        rec.put("CustomerAWSAccountId", sub.customerAWSAccountId());
        rec.put("LicenseArn", sub.licenseArn());
        rec.put("Dimension", dimension);
        rec.put("Quantity", quantity);
        return rec;
    }

    private ObjectNode batch(String productCode, ObjectNode... records) {
        ObjectNode req = json.createObjectNode();
        if (productCode != null) {
            req.put("ProductCode", productCode);
        }
        ArrayNode list = req.putArray("UsageRecords");
        for (ObjectNode r : records) {
            list.add(r);
        }
        return req;
    }

    private static String errorCode(Throwable e) {
        return ((MarketplaceMeteringException) e).awsErrorDetails().errorCode();
    }

    // ---------------------------------------------------------------- success and de-duplication

    @Test
    void meter_bills_andIdenticalRetryIsSuccessWithTheSameMeteringRecordId() {
        Product product = SimulatorFixture.addLegacySubscription(sim);
        SubscribeResult sub = sim.subscribe(SubscribeRequest.of(product.code()).activated());
        Instant hour = currentHour(sim);

        UsageRecordResult first = only(meter(product.code(), record(sub.customerIdentifier(), "requests", 42, hour)));
        UsageRecordResult retry = only(meter(product.code(), record(sub.customerIdentifier(), "requests", 42, hour)));

        assertThat(first.status()).isEqualTo(UsageRecordResultStatus.SUCCESS);
        assertThat(first.meteringRecordId()).isNotBlank();
        assertThat(first.usageRecord().timestamp()).isEqualTo(hour);
        assertThat(retry.status()).isEqualTo(UsageRecordResultStatus.SUCCESS);
        assertThat(retry.meteringRecordId()).isEqualTo(first.meteringRecordId());
        assertThat(sim.ledger().records(product.code(), sub.customerIdentifier()))
                .singleElement()
                .satisfies(r -> {
                    assertThat(r.quantity()).isEqualTo(42);
                    assertThat(r.hour()).isEqualTo(hour);
                    assertThat(r.customerAWSAccountId()).isEqualTo(sub.customerAWSAccountId());
                    assertThat(r.meteringRecordId()).isEqualTo(first.meteringRecordId());
                });
    }

    @Test
    void meter_differentQuantityInTheSameHour_isDuplicateRecord_andTheFirstQuantityStands() {
        Product product = SimulatorFixture.addLegacySubscription(sim);
        SubscribeResult sub = activeSince(product, 3);
        Instant lastHour = currentHour(sim).minus(Duration.ofHours(1));

        UsageRecordResult first = only(meter(product.code(),
                record(sub.customerIdentifier(), "requests", 10, lastHour.plusSeconds(60))));
        // Same hour, another minute, another quantity.
        UsageRecordResult second = only(meter(product.code(),
                record(sub.customerIdentifier(), "requests", 11, lastHour.plusSeconds(1800))));
        // Another dimension in the same hour is independent.
        UsageRecordResult users = only(meter(product.code(),
                record(sub.customerIdentifier(), "users", 3, lastHour)));

        assertThat(first.status()).isEqualTo(UsageRecordResultStatus.SUCCESS);
        assertThat(second.status()).isEqualTo(UsageRecordResultStatus.DUPLICATE_RECORD);
        assertThat(second.meteringRecordId()).isNull();
        assertThat(users.status()).isEqualTo(UsageRecordResultStatus.SUCCESS);
        assertThat(sim.ledger().totalQuantity(product.code(), sub.customerIdentifier(), "requests")).isEqualTo(10);
        assertThat(sim.ledger().attempts(product.code(), sub.customerIdentifier()))
                .extracting(MeteringAttempt::outcome)
                .containsExactly(AttemptOutcome.SUCCESS, AttemptOutcome.DUPLICATE_RECORD, AttemptOutcome.SUCCESS);
    }

    @Test
    void meter_legacyCustomerByAccountId_dedupesWithItsCustomerIdentifier() {
        Product product = SimulatorFixture.addLegacySubscription(sim);
        SubscribeResult sub = sim.subscribe(SubscribeRequest.of(product.code()).activated());
        Instant hour = currentHour(sim);

        UsageRecordResult byId = only(meter(product.code(), record(sub.customerIdentifier(), "requests", 5, hour)));
        UsageRecordResult byAccount = only(meter(product.code(), UsageRecord.builder()
                .customerAWSAccountId(sub.customerAWSAccountId()).dimension("requests").quantity(5).timestamp(hour)
                .build()));
        UsageRecordResult byAccountOther = only(meter(product.code(), UsageRecord.builder()
                .customerAWSAccountId(sub.customerAWSAccountId()).dimension("requests").quantity(6).timestamp(hour)
                .build()));

        assertThat(byAccount.status()).isEqualTo(UsageRecordResultStatus.SUCCESS);
        assertThat(byAccount.meteringRecordId()).isEqualTo(byId.meteringRecordId());
        assertThat(byAccountOther.status()).isEqualTo(UsageRecordResultStatus.DUPLICATE_RECORD);
    }

    @Test
    void meter_emptyBatch_answersEmptyResults() {
        Product product = SimulatorFixture.addLegacySubscription(sim);

        BatchMeterUsageResponse r = meter(product.code());

        assertThat(r.results()).isEmpty();
        assertThat(r.unprocessedRecords()).isEmpty();
    }

    @Test
    void meter_25RecordsPass_26AreAValidationError() {
        Product product = SimulatorFixture.addLegacySubscription(sim);
        List<UsageRecord> records = new ArrayList<>();
        for (int i = 0; i < 26; i++) {
            SubscribeResult s = sim.subscribe(SubscribeRequest.of(product.code()).activated());
            records.add(record(s.customerIdentifier(), "requests", i, currentHour(sim)));
        }

        assertThatThrownBy(() -> metering.batchMeterUsage(r -> r.productCode(product.code()).usageRecords(records)))
                .isInstanceOf(MarketplaceMeteringException.class)
                .satisfies(e -> assertThat(errorCode(e)).isEqualTo("ValidationException"));
        assertThat(sim.ledger().records(product.code(), null)).isEmpty();
        assertThat(sim.ledger().count(product.code())).isZero();

        BatchMeterUsageResponse ok = metering.batchMeterUsage(r -> r.productCode(product.code())
                .usageRecords(records.subList(0, 25)));
        assertThat(ok.results()).hasSize(25).allMatch(x -> x.status() == UsageRecordResultStatus.SUCCESS);
        assertThat(sim.ledger().count(product.code())).isEqualTo(25);
        assertThat(sim.ledger().count("another-" + product.code())).isZero();
        assertThat(sim.ledger().count(null)).isEqualTo(sim.ledger().records().size()).isGreaterThanOrEqualTo(25);
        // the same records billed again count once; a reset forgets them
        metering.batchMeterUsage(r -> r.productCode(product.code()).usageRecords(records.subList(0, 25)));
        assertThat(sim.ledger().count(product.code())).isEqualTo(25);
        sim.reset();
        assertThat(sim.ledger().count(product.code())).isZero();
        assertThat(sim.ledger().count(null)).isZero();
    }

    @Test
    void meter_quantityBounds() {
        Product product = SimulatorFixture.addLegacySubscription(sim);
        SubscribeResult sub = sim.subscribe(SubscribeRequest.of(product.code()).activated());

        assertThat(only(meter(product.code(), record(sub.customerIdentifier(), "requests", Integer.MAX_VALUE,
                currentHour(sim)))).status()).isEqualTo(UsageRecordResultStatus.SUCCESS);
        assertThat(only(meter(product.code(), record(sub.customerIdentifier(), "users", 0, currentHour(sim))))
                .status()).isEqualTo(UsageRecordResultStatus.SUCCESS);
        assertThatThrownBy(() -> meter(product.code(), record(sub.customerIdentifier(), "requests", -1,
                currentHour(sim))))
                .satisfies(e -> assertThat(errorCode(e)).isEqualTo("ValidationException"));
    }

    // ---------------------------------------------------------------- batch-level errors

    @Test
    void meter_unknownProduct_isInvalidProductCodeException() {
        assertThatThrownBy(() -> meter("no-such-product", record("abc", "requests", 1, currentHour(sim))))
                .isInstanceOf(InvalidProductCodeException.class);
    }

    @Test
    void meter_dimensionThatIsNotMetered_isInvalidUsageDimensionException() {
        Product product = sim.addProduct(Product.builder(SimulatorFixture.uniqueCode("ccp"),
                PricingModel.CONTRACT_WITH_CONSUMPTION).contracted("seats", ValueType.INTEGER)
                .metered("overage").build());
        SubscribeResult sub = sim.subscribe(SubscribeRequest.of(product.code()).activated());

        assertThatThrownBy(() -> meter(product.code(), record(sub.customerIdentifier(), "nope", 1, currentHour(sim))))
                .isInstanceOf(InvalidUsageDimensionException.class);
        // Contracted dimensions are not metered.
        assertThatThrownBy(() -> meter(product.code(), record(sub.customerIdentifier(), "seats", 1, currentHour(sim))))
                .isInstanceOf(InvalidUsageDimensionException.class);
        assertThat(only(meter(product.code(), record(sub.customerIdentifier(), "overage", 1, currentHour(sim))))
                .status()).isEqualTo(UsageRecordResultStatus.SUCCESS);
    }

    @Test
    void meter_customerIdentifierAndAccountTogether_isInvalidCustomerIdentifierException() {
        Product product = SimulatorFixture.addLegacySubscription(sim);
        SubscribeResult sub = sim.subscribe(SubscribeRequest.of(product.code()).activated());
        Instant hour = currentHour(sim);

        assertThatThrownBy(() -> meter(product.code(), UsageRecord.builder()
                .customerIdentifier(sub.customerIdentifier()).customerAWSAccountId(sub.customerAWSAccountId())
                .dimension("requests").quantity(1).timestamp(hour).build()))
                .isInstanceOf(InvalidCustomerIdentifierException.class);
        // Simulator choice: one kind of id per batch.
        assertThatThrownBy(() -> meter(product.code(), record(sub.customerIdentifier(), "requests", 1, hour),
                UsageRecord.builder().customerAWSAccountId(sub.customerAWSAccountId()).dimension("users").quantity(1)
                        .timestamp(hour).build()))
                .isInstanceOf(InvalidCustomerIdentifierException.class);
        assertThat(sim.ledger().records(product.code(), null)).isEmpty();
    }

    @Test
    void meter_timestamp24HoursOld_failsTheWholeBatch() {
        Product product = SimulatorFixture.addLegacySubscription(sim);
        SubscribeResult sub = activeSince(product, 30);
        Instant now = sim.clock().instant();
        UsageRecord good = record(sub.customerIdentifier(), "requests", 1, currentHour(sim));
        UsageRecord old = record(sub.customerIdentifier(), "users", 1, now.minus(Duration.ofHours(24)));

        assertThatThrownBy(() -> meter(product.code(), good, old)).isInstanceOf(TimestampOutOfBoundsException.class);

        // Nothing of the batch was billed, and the ledger shows why.
        assertThat(sim.ledger().records(product.code(), null)).isEmpty();
        assertThat(sim.ledger().attempts(product.code(), null))
                .hasSize(2)
                .allSatisfy(a -> {
                    assertThat(a.outcome()).isEqualTo(AttemptOutcome.BATCH_ERROR);
                    assertThat(a.errorCode()).isEqualTo("TimestampOutOfBoundsException");
                });
        // Just inside the window is fine.
        assertThat(only(meter(product.code(), record(sub.customerIdentifier(), "users", 1,
                now.minus(Duration.ofHours(23)).plusSeconds(1)))).status()).isEqualTo(UsageRecordResultStatus.SUCCESS);
    }

    @Test
    void meter_timestampInTheFuture_isTimestampOutOfBounds() {
        Product product = SimulatorFixture.addLegacySubscription(sim);
        SubscribeResult sub = sim.subscribe(SubscribeRequest.of(product.code()).activated());

        assertThatThrownBy(() -> meter(product.code(), record(sub.customerIdentifier(), "requests", 1,
                sim.clock().instant().plus(Duration.ofMinutes(5)))))
                .isInstanceOf(TimestampOutOfBoundsException.class);
    }

    @Test
    void meter_previousMonth_isAcceptedUntil0600UtcOnThe1st() {
        Product product = SimulatorFixture.addLegacySubscription(sim);
        Instant firstOfMonth = ZonedDateTime.of(2031, 3, 1, 0, 0, 0, 0, ZoneOffset.UTC).toInstant();
        sim.clock().setNow(firstOfMonth.minus(Duration.ofHours(5)));
        SubscribeResult sub = sim.subscribe(SubscribeRequest.of(product.code()).activated());
        Instant lastHourOfFebruary = firstOfMonth.minus(Duration.ofHours(1));

        sim.clock().setNow(firstOfMonth.plus(Duration.ofHours(5)).plus(Duration.ofMinutes(59)));
        assertThat(only(meter(product.code(), record(sub.customerIdentifier(), "requests", 7, lastHourOfFebruary)))
                .status()).isEqualTo(UsageRecordResultStatus.SUCCESS);

        sim.clock().setNow(firstOfMonth.plus(Duration.ofHours(6)));
        // Within 24 hours, but the February billing month is closed now.
        assertThatThrownBy(() -> meter(product.code(), record(sub.customerIdentifier(), "users", 7,
                lastHourOfFebruary))).isInstanceOf(TimestampOutOfBoundsException.class);
        // March usage is fine.
        assertThat(only(meter(product.code(), record(sub.customerIdentifier(), "users", 7, firstOfMonth)))
                .status()).isEqualTo(UsageRecordResultStatus.SUCCESS);
    }

    // ---------------------------------------------------------------- allocations and tags

    private static software.amazon.awssdk.services.marketplacemetering.model.UsageAllocation allocation(int quantity,
            Consumer<Builder> tags) {
        Builder b = software.amazon.awssdk.services.marketplacemetering.model.UsageAllocation.builder()
                .allocatedUsageQuantity(quantity);
        tags.accept(b);
        return b.build();
    }

    @Test
    void meter_allocationsThatSumToTheQuantity_areBilledWithTheirTags() {
        Product product = SimulatorFixture.addLegacySubscription(sim);
        SubscribeResult sub = sim.subscribe(SubscribeRequest.of(product.code()).activated());
        UsageRecord rec = record(sub.customerIdentifier(), "requests", 10, currentHour(sim)).toBuilder()
                .usageAllocations(
                        allocation(6, b -> b.tags(Tag.builder().key("team").value("blue").build(),
                                Tag.builder().key("env").value("prod:eu-1/a@b").build())),
                        allocation(4, b -> { }))
                .build();

        assertThat(only(meter(product.code(), rec)).status()).isEqualTo(UsageRecordResultStatus.SUCCESS);

        MeteredRecord billed = sim.ledger().records(product.code(), sub.customerIdentifier()).get(0);
        assertThat(billed.allocations()).containsExactly(
                new UsageAllocation(6, List.of(new UsageTag("team", "blue"), new UsageTag("env", "prod:eu-1/a@b"))),
                new UsageAllocation(4, List.of()));
    }

    @Test
    void meter_allocationsNotSummingToTheQuantity_isInvalidUsageAllocationsException() {
        Product product = SimulatorFixture.addLegacySubscription(sim);
        SubscribeResult sub = sim.subscribe(SubscribeRequest.of(product.code()).activated());
        UsageRecord rec = record(sub.customerIdentifier(), "requests", 10, currentHour(sim)).toBuilder()
                .usageAllocations(allocation(6, b -> { }),
                        allocation(3, b -> b.tags(Tag.builder().key("k").value("v").build())))
                .build();

        assertThatThrownBy(() -> meter(product.code(), rec)).isInstanceOf(InvalidUsageAllocationsException.class)
                .hasMessageContaining("not equal");
    }

    @Test
    void meter_tooManyOrMalformedTags_isInvalidTagException() {
        Product product = SimulatorFixture.addLegacySubscription(sim);
        SubscribeResult sub = sim.subscribe(SubscribeRequest.of(product.code()).activated());
        List<Tag> six = IntStream.range(0, 6).mapToObj(i -> Tag.builder().key("k" + i).value("v").build()).toList();
        UsageRecord tooMany = record(sub.customerIdentifier(), "requests", 1, currentHour(sim)).toBuilder()
                .usageAllocations(allocation(1, b -> b.tags(six))).build();
        UsageRecord badChars = record(sub.customerIdentifier(), "requests", 1, currentHour(sim)).toBuilder()
                .usageAllocations(allocation(1, b -> b.tags(Tag.builder().key("team{x}").value("v").build()))).build();

        assertThatThrownBy(() -> meter(product.code(), tooMany)).isInstanceOf(InvalidTagException.class);
        assertThatThrownBy(() -> meter(product.code(), badChars)).isInstanceOf(InvalidTagException.class);
    }

    // ---------------------------------------------------------------- subscription state

    @Test
    void meter_customerNotSubscribed_perRecord_forUnknownPendingFailedAndCancelledCustomers() {
        Product product = SimulatorFixture.addLegacySubscription(sim);
        Instant hour = currentHour(sim);
        SubscribeResult active = sim.subscribe(SubscribeRequest.of(product.code()).activated());
        SubscribeResult pending = sim.subscribe(product.code());
        SubscribeResult failed = sim.subscribe(product.code());
        sim.failPayment(failed.subscriptionId());
        SubscribeResult cancelled = sim.subscribe(SubscribeRequest.of(product.code()).activated());
        sim.cancel(cancelled.subscriptionId());
        sim.completeCancellation(cancelled.subscriptionId());

        BatchMeterUsageResponse r = meter(product.code(),
                record(active.customerIdentifier(), "requests", 1, hour),
                record("unknownCust1", "requests", 1, hour),
                record(pending.customerIdentifier(), "requests", 1, hour),
                record(failed.customerIdentifier(), "requests", 1, hour),
                record(cancelled.customerIdentifier(), "requests", 1, hour));

        assertThat(r.results()).extracting(UsageRecordResult::status).containsExactly(
                UsageRecordResultStatus.SUCCESS,
                UsageRecordResultStatus.CUSTOMER_NOT_SUBSCRIBED,
                UsageRecordResultStatus.CUSTOMER_NOT_SUBSCRIBED,
                UsageRecordResultStatus.CUSTOMER_NOT_SUBSCRIBED,
                UsageRecordResultStatus.CUSTOMER_NOT_SUBSCRIBED);
        assertThat(r.results().get(1).meteringRecordId()).isNull();
        assertThat(sim.ledger().records(product.code(), null)).hasSize(1);

        // Once the pending one is activated, its usage is accepted.
        sim.activate(pending.subscriptionId());
        assertThat(only(meter(product.code(), record(pending.customerIdentifier(), "requests", 1, hour))).status())
                .isEqualTo(UsageRecordResultStatus.SUCCESS);
    }

    @Test
    void meter_isAcceptedBetweenUnsubscribePendingAndUnsubscribeSuccess() {
        Product product = SimulatorFixture.addLegacySubscription(sim);
        SubscribeResult sub = sim.subscribe(SubscribeRequest.of(product.code()).activated());
        Instant hour = currentHour(sim);

        sim.cancel(sub.subscriptionId());
        assertThat(only(meter(product.code(), record(sub.customerIdentifier(), "requests", 3, hour))).status())
                .isEqualTo(UsageRecordResultStatus.SUCCESS);

        sim.completeCancellation(sub.subscriptionId());
        assertThat(only(meter(product.code(), record(sub.customerIdentifier(), "users", 3, hour))).status())
                .isEqualTo(UsageRecordResultStatus.CUSTOMER_NOT_SUBSCRIBED);
    }

    @Test
    void meter_usageBeforeTheSubscriptionStartHour_isCustomerNotSubscribed() {
        Product product = SimulatorFixture.addLegacySubscription(sim);
        SubscribeResult sub = activeSince(product, 2);
        Instant startHour = sim.subscription(sub.subscriptionId()).createdAt()
                .truncatedTo(java.time.temporal.ChronoUnit.HOURS);

        BatchMeterUsageResponse r = meter(product.code(),
                record(sub.customerIdentifier(), "requests", 1, startHour.minusSeconds(1)),
                record(sub.customerIdentifier(), "users", 1, startHour));

        assertThat(r.results()).extracting(UsageRecordResult::status).containsExactly(
                UsageRecordResultStatus.CUSTOMER_NOT_SUBSCRIBED, UsageRecordResultStatus.SUCCESS);
    }

    @Test
    void meter_legacyResubscribeDuringUnsubscribePending_keepsTheCustomerIdentifier() {
        Product product = SimulatorFixture.addLegacySubscription(sim);
        SubscribeResult first = sim.subscribe(SubscribeRequest.of(product.code()).withBuyer("333344445555")
                .activated());
        sim.cancel(first.subscriptionId());

        SubscribeResult again = sim.subscribe(SubscribeRequest.of(product.code()).withBuyer("333344445555")
                .activated());

        assertThat(again.customerIdentifier()).isEqualTo(first.customerIdentifier());
        assertThat(sim.subscription(first.subscriptionId()).supersededBy()).isEqualTo(again.subscriptionId());
        assertThat(only(meter(product.code(), record(again.customerIdentifier(), "requests", 1, currentHour(sim))))
                .status()).isEqualTo(UsageRecordResultStatus.SUCCESS);
        // A legacy account cannot hold two live subscriptions to one product.
        assertThatThrownBy(() -> sim.subscribe(SubscribeRequest.of(product.code()).withBuyer("333344445555")))
                .isInstanceOf(IllegalStateException.class);
    }

    // ---------------------------------------------------------------- Concurrent Agreements (raw JSON)

    @Test
    void meter_concurrentAgreements_withLicenseArn_andWithoutProductCode() throws Exception {
        Product product = SimulatorFixture.addCaSubscription(sim);
        SubscribeResult sub = sim.subscribe(SubscribeRequest.of(product.code()).activated());
        Instant hour = currentHour(sim);

        JsonNode withCode = rawMeter(batch(product.code(), caRecord(sub, "requests", 9, hour)));
        JsonNode withoutCode = rawMeter(batch(null, caRecord(sub, "requests", 9, hour)));
        JsonNode duplicate = rawMeter(batch(null, caRecord(sub, "requests", 8, hour)));

        assertThat(withCode.at("/Results/0/Status").asText()).isEqualTo("Success");
        assertThat(withCode.at("/Results/0/UsageRecord/LicenseArn").asText()).isEqualTo(sub.licenseArn());
        assertThat(withoutCode.at("/Results/0/Status").asText()).isEqualTo("Success");
        assertThat(withoutCode.at("/Results/0/MeteringRecordId").asText())
                .isEqualTo(withCode.at("/Results/0/MeteringRecordId").asText());
        assertThat(duplicate.at("/Results/0/Status").asText()).isEqualTo("DuplicateRecord");
        assertThat(sim.ledger().records(product.code(), sub.licenseArn())).singleElement()
                .satisfies(r -> {
                    assertThat(r.quantity()).isEqualTo(9);
                    assertThat(r.customerIdentifier()).isNull();
                    assertThat(r.customerAWSAccountId()).isEqualTo(sub.customerAWSAccountId());
                });
    }

    @Test
    void meter_fractionalEpochSecondTimestamps_areReadExactly_andDedupeWithinTheHour() throws Exception {
        Product product = SimulatorFixture.addCaSubscription(sim);
        SubscribeResult sub = sim.subscribe(SubscribeRequest.of(product.code()).activated());
        Instant hour = currentHour(sim);
        ObjectNode fractional = caRecord(sub, "gb", 4, hour);
        fractional.put("Timestamp", new java.math.BigDecimal(hour.getEpochSecond() + ".75"));

        JsonNode first = rawMeter(batch(null, fractional));
        JsonNode sameHour = rawMeter(batch(null, caRecord(sub, "gb", 4, hour)));

        assertThat(first.at("/Results/0/Status").asText()).isEqualTo("Success");
        assertThat(first.at("/Results/0/UsageRecord/Timestamp").decimalValue())
                .isEqualByComparingTo(new java.math.BigDecimal(hour.getEpochSecond() + ".75"));
        assertThat(sameHour.at("/Results/0/MeteringRecordId").asText())
                .isEqualTo(first.at("/Results/0/MeteringRecordId").asText());
        assertThat(sim.ledger().records(product.code(), sub.licenseArn())).singleElement()
                .satisfies(r -> assertThat(r.timestamp()).isEqualTo(hour.plusMillis(750)));
    }

    @Test
    void meter_concurrentAgreements_dedupePerLicense_soTwoAgreementsOfOneAccountBillSeparately() throws Exception {
        Product product = SimulatorFixture.addCaSubscription(sim);
        SubscribeResult a = sim.subscribe(SubscribeRequest.of(product.code()).withBuyer("444455556666").activated());
        SubscribeResult b = sim.subscribe(SubscribeRequest.of(product.code()).withBuyer("444455556666").activated());
        Instant hour = currentHour(sim);

        JsonNode r = rawMeter(batch(product.code(), caRecord(a, "requests", 1, hour),
                caRecord(b, "requests", 2, hour)));

        assertThat(r.at("/Results/0/Status").asText()).isEqualTo("Success");
        assertThat(r.at("/Results/1/Status").asText()).isEqualTo("Success");
        assertThat(sim.ledger().records(product.code(), "444455556666")).extracting(MeteredRecord::quantity)
                .containsExactlyInAnyOrder(1, 2);
    }

    @Test
    void meter_concurrentAgreements_rejectsCustomerIdentifierAndBadLicenses() throws Exception {
        Product product = SimulatorFixture.addCaSubscription(sim);
        SubscribeResult sub = sim.subscribe(SubscribeRequest.of(product.code()).activated());
        SubscribeResult other = sim.subscribe(SubscribeRequest.of(product.code()).activated());
        Instant hour = currentHour(sim);

        // SDK: CustomerIdentifier on a CA product.
        assertThatThrownBy(() -> meter(product.code(), record("abcdefghijk", "requests", 1, hour)))
                .isInstanceOf(InvalidCustomerIdentifierException.class);
        // SDK: account without LicenseArn (the pinned SDK cannot send one).
        assertThatThrownBy(() -> meter(product.code(), UsageRecord.builder()
                .customerAWSAccountId(sub.customerAWSAccountId()).dimension("requests").quantity(1).timestamp(hour)
                .build()))
                .satisfies(e -> assertThat(errorCode(e)).isEqualTo("InvalidLicenseException"));

        ObjectNode unknown = caRecord(sub, "requests", 1, hour)
                .put("LicenseArn", "arn:aws:license-manager::" + sub.customerAWSAccountId()
                        + ":license:l-00000000000000000000000000000000");
        ObjectNode malformed = caRecord(sub, "requests", 1, hour).put("LicenseArn", "l-123");
        ObjectNode someoneElses = caRecord(sub, "requests", 1, hour).put("LicenseArn", other.licenseArn());
        for (ObjectNode bad : List.of(unknown, malformed, someoneElses)) {
            JsonNode answer = rawMeter(batch(product.code(), bad));
            assertThat(answer.get("__type").asText()).as(bad.toString()).isEqualTo("InvalidLicenseException");
            assertThat(answer.get("httpStatus").asInt()).isEqualTo(400);
        }
        // Without ProductCode every record needs a LicenseArn.
        ObjectNode noLicense = caRecord(sub, "requests", 1, hour);
        noLicense.remove("LicenseArn");
        assertThat(rawMeter(batch(null, noLicense)).get("__type").asText()).isEqualTo("InvalidProductCodeException");
        assertThat(sim.ledger().records(product.code(), null)).isEmpty();
    }

    // ---------------------------------------------------------------- concurrency

    @Test
    void meter_sameRecordFromManyThreads_billsOnceWithOneMeteringRecordId() throws Exception {
        Product product = SimulatorFixture.addLegacySubscription(sim);
        SubscribeResult sub = sim.subscribe(SubscribeRequest.of(product.code()).activated());
        byte[] body = json.writeValueAsBytes(json.readTree("{\"ProductCode\":\"" + product.code()
                + "\",\"UsageRecords\":[{\"Timestamp\":" + currentHour(sim).getEpochSecond()
                + ",\"CustomerIdentifier\":\"" + sub.customerIdentifier()
                + "\",\"Dimension\":\"requests\",\"Quantity\":77}]}"));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<JsonNode>> calls = IntStream.range(0, 32).<Callable<JsonNode>>mapToObj(i -> () ->
                    json.readTree(new String(sim.handleAws("AWSMPMeteringService.BatchMeterUsage", AUTH, body).body(),
                            StandardCharsets.UTF_8))).toList();
            Set<String> ids = new java.util.HashSet<>();
            for (Future<JsonNode> f : pool.invokeAll(calls)) {
                JsonNode r = f.get();
                assertThat(r.at("/Results/0/Status").asText()).isEqualTo("Success");
                ids.add(r.at("/Results/0/MeteringRecordId").asText());
            }
            assertThat(ids).hasSize(1);
            assertThat(sim.ledger().records(product.code(), null)).hasSize(1);
            assertThat(sim.ledger().attempts(product.code(), null).stream().map(MeteringAttempt::outcome)
                    .collect(Collectors.toSet())).containsExactly(AttemptOutcome.SUCCESS);
        } finally {
            pool.shutdownNow();
        }
    }
}
