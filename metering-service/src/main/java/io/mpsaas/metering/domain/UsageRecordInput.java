package io.mpsaas.metering.domain;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * One usage record as the seller's app reports it, through {@code POST /v1/usage} or the usage queue (the same
 * schema). The customer is named by {@code licenseArn} (Concurrent Agreements, optionally with
 * {@code customerAwsAccountId}) or by the legacy {@code customerIdentifier} + {@code productCode}. Fields are loosely
 * typed on purpose: a bad value rejects this record with a reason, not the whole batch.
 *
 * @param quantity       whole units, 0 or more
 * @param timestamp      when the usage happened: ISO-8601 ({@code 2026-11-22T06:10:00Z}) or epoch seconds
 * @param allocations    optional split of the quantity by tags (AWS vendor-metered tagging)
 * @param idempotencyKey the app's id of this usage event, unique per customer; a repeat is answered
 *                       {@code duplicate} and never counted twice
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record UsageRecordInput(String licenseArn, String customerAwsAccountId, String customerIdentifier,
        String productCode, String dimension, BigDecimal quantity, String timestamp,
        List<AllocationInput> allocations, String idempotencyKey) {

    /** Part of the quantity attributed to up to five tags; no tags = the untagged part. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record AllocationInput(BigDecimal quantity, Map<String, String> tags) {
    }
}
