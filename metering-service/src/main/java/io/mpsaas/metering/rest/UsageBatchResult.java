package io.mpsaas.metering.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.mpsaas.metering.domain.RejectionReason;
import io.mpsaas.metering.domain.UsageOutcome;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Answer of {@code POST /v1/usage}: counts and one result per record, in request order. */
public record UsageBatchResult(@Schema(required = true) int accepted, @Schema(required = true) int duplicates,
        @Schema(required = true) int rejected, @Schema(required = true) List<RecordResult> results) {

    /** The outcome of the record at {@code index}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Schema(name = "UsageRecordResult")
    public record RecordResult(@Schema(required = true) int index,
            @Schema(description = "Echoed; a rejected record's at most 64 characters, then ...") String idempotencyKey,
            @Schema(required = true) UsageOutcome.Status status,
            @Schema(description = "Why the record was rejected") RejectionReason reason,
            @Schema(description = "The rejection, in words") String message,
            @Schema(description = "The hour of the record's timestamp") Instant usageHour,
            @Schema(description = "The hour the quantity is billed in: usageHour, or the current hour when"
                    + " usageHour was already sent") Instant meteredHour) {
    }

    public static UsageBatchResult of(List<UsageOutcome> outcomes) {
        List<RecordResult> results = new ArrayList<>();
        int[] counts = new int[3];
        for (int i = 0; i < outcomes.size(); i++) {
            UsageOutcome o = outcomes.get(i);
            counts[o.status().ordinal()]++;
            results.add(new RecordResult(i, o.idempotencyKey(), o.status(), o.reason(), o.message(), o.usageHour(),
                    o.meteredHour()));
        }
        return new UsageBatchResult(counts[0], counts[1], counts[2], results);
    }
}
