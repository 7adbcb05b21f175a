package io.mpsaas.metering.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UsageValidatorTest {

    static final Instant NOW = Instant.parse("2026-11-22T10:30:00Z");
    final UsageValidator validator = new UsageValidator(new UsageLimits(1000, Duration.ofHours(4),
            Duration.ofMinutes(5)));

    static UsageRecordInput record(Object timestamp, List<UsageRecordInput.AllocationInput> allocations) {
        return new UsageRecordInput("arn:aws:license-manager::111122223333:license:l-abc", "111122223333", null, null,
                "requests", BigDecimal.TEN, String.valueOf(timestamp), allocations, "k");
    }

    static UsageRecordInput.AllocationInput alloc(long q, Map<String, String> tags) {
        return new UsageRecordInput.AllocationInput(BigDecimal.valueOf(q), tags);
    }

    RejectionReason reason(UsageRecordInput in) {
        UsageValidator.Result r = validator.validate(in, NOW);
        return r instanceof UsageValidator.Invalid i ? i.reason() : null;
    }

    @Test
    void timestamps_areReadAsIsoOrEpochSeconds_andBucketedByHour() {
        UsageValidator.Result iso = validator.validate(record("2026-11-22T09:59:59.900Z", null), NOW);
        UsageValidator.Result epoch = validator.validate(record(Instant.parse("2026-11-22T09:00:00Z")
                .getEpochSecond() + ".5", null), NOW);

        assertThat(((UsageValidator.Valid) iso).usage().hour()).isEqualTo(Instant.parse("2026-11-22T09:00:00Z"));
        assertThat(((UsageValidator.Valid) epoch).usage().usageAt())
                .isEqualTo(Instant.parse("2026-11-22T09:00:00.500Z"));
        assertThat(reason(record("yesterday", null))).isEqualTo(RejectionReason.INVALID_TIMESTAMP);
    }

    @Test
    void theWindow_keepsTheSendMarginBeforeAwsDeadline_andAllowsSmallSkew() {
        // hour 14:00 the day before has its deadline at 14:00 today; ingestion closes 4 h earlier, at 10:00
        assertThat(reason(record("2026-11-21T14:10:00Z", null))).isEqualTo(RejectionReason.TIMESTAMP_TOO_OLD);
        assertThat(reason(record("2026-11-21T15:00:00Z", null))).isNull();
        assertThat(reason(record("2026-11-22T10:34:00Z", null))).isNull();
        assertThat(reason(record("2026-11-22T10:36:00Z", null))).isEqualTo(RejectionReason.TIMESTAMP_IN_FUTURE);
    }

    @Test
    void allocations_followAwsRules() {
        String t = NOW.toString();
        assertThat(reason(record(t, List.of(alloc(6, Map.of("team", "a")), alloc(4, Map.of()))))).isNull();
        assertThat(reason(record(t, List.of(alloc(6, Map.of("team", "a")), alloc(3, Map.of())))))
                .isEqualTo(RejectionReason.INVALID_ALLOCATIONS);
        assertThat(reason(record(t, List.of(alloc(5, Map.of("team", "a")), alloc(5, Map.of("team", "a"))))))
                .isEqualTo(RejectionReason.INVALID_ALLOCATIONS);
        assertThat(reason(record(t, List.of(alloc(10, Map.of("a", "1", "b", "2", "c", "3", "d", "4", "e", "5",
                "f", "6")))))).isEqualTo(RejectionReason.INVALID_ALLOCATIONS);
        assertThat(reason(record(t, List.of(alloc(10, Map.of("team", "a\u00e9")))))).isEqualTo(
                RejectionReason.INVALID_ALLOCATIONS);
    }

    @Test
    void aCustomerIsNamedByLicenseOrByLegacyIdentifierAndProduct() {
        UsageRecordInput neither = new UsageRecordInput(null, null, "abc", null, "requests", BigDecimal.ONE,
                NOW.toString(), null, "k");
        UsageRecordInput legacy = new UsageRecordInput(null, null, "abc", "prod", "requests", BigDecimal.ONE,
                NOW.toString(), null, "k");

        UsageRecordInput legacyWithLicense = new UsageRecordInput("arn:aws:license-manager::1:license:l-9", null,
                "abc", "prod", "requests", BigDecimal.ONE, NOW.toString(), null, "k");

        assertThat(reason(neither)).isEqualTo(RejectionReason.INVALID_RECORD);
        assertThat(((UsageValidator.Valid) validator.validate(legacyWithLicense, NOW)).usage().customer().key())
                .isEqualTo("customer#prod#abc");
        assertThat(((UsageValidator.Valid) validator.validate(legacy, NOW)).usage().customer().key())
                .isEqualTo("customer#prod#abc");
    }

    @Test
    void customerIdsLongerThanAwsAllows_orAnUnreadableLicense_areInvalidRecords_notStorageErrors() {
        String t = NOW.toString();
        String longCode = "é".repeat(300);
        assertThat(reason(new UsageRecordInput(null, null, "cust-1", longCode, "requests", BigDecimal.ONE, t, null,
                "k"))).isEqualTo(RejectionReason.INVALID_RECORD);
        assertThat(reason(new UsageRecordInput(null, null, "\uD83D\uDE00".repeat(200), "prod", "requests",
                BigDecimal.ONE, t, null, "k"))).isEqualTo(RejectionReason.INVALID_RECORD);
        assertThat(reason(new UsageRecordInput("arn:aws:license-manager::111122223333:license:l-../../../", null,
                null, null, "requests", BigDecimal.ONE, t, null, "k"))).isEqualTo(RejectionReason.INVALID_RECORD);
        assertThat(reason(new UsageRecordInput("l-" + "x".repeat(5000), null, null, null, "requests",
                BigDecimal.ONE, t, null, "k"))).isEqualTo(RejectionReason.INVALID_RECORD);
        // the longest ids AWS allows are fine
        assertThat(reason(new UsageRecordInput(null, null, "c".repeat(255), "p".repeat(255), "requests",
                BigDecimal.ONE, t, null, "k"))).isNull();
    }
}
