package io.mpsaas.metering.domain;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

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
@Schema(name = "UsageRecord", description = "One usage event; name the customer by licenseArn, or by"
        + " customerIdentifier and productCode")
public record UsageRecordInput(
        @Schema(description = "Concurrent Agreements customer: arn:<partition>:license-manager::<account>:license:l-<id>",
                example = "arn:aws:license-manager::111122223333:license:l-0123456789abcdef0123456789abcdef")
        String licenseArn,
        @Schema(description = "Optional with licenseArn; checked against the customer", pattern = "^[0-9]{12}$")
        String customerAwsAccountId,
        @Schema(description = "Legacy customer, with productCode", maxLength = 255) String customerIdentifier,
        @Schema(description = "Legacy customer's product code", maxLength = 255) String productCode,
        @Schema(required = true, description = "The dimension's API name") String dimension,
        @Schema(required = true, description = "Whole units, 0..suite.metering.ingestion.max-quantity; a JSON"
                + " number, never a string", minimum = "0") BigDecimal quantity,
        @Schema(required = true, description = "When the usage happened: ISO-8601 or epoch seconds; it decides"
                + " the usage hour (UsageSchemaFilter gives it both types)") String timestamp,
        @Schema(description = "AWS usage allocation: up to 20 parts whose quantities add up to quantity",
                maxItems = 20) List<AllocationInput> allocations,
        @Schema(required = true, description = "The app's id of the event, unique per customer", maxLength = 256)
        String idempotencyKey) {

    /** Part of the quantity attributed to up to five tags; no tags = the untagged part. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    @Schema(name = "UsageAllocation")
    public record AllocationInput(@Schema(required = true, minimum = "0") BigDecimal quantity,
            @Schema(description = "0..5 tags (key 1..100, value 1..256 characters); none: the untagged part",
                    maxProperties = 5) Map<String, String> tags) {
    }
}
