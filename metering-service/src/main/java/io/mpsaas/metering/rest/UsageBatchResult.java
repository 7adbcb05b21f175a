package io.mpsaas.metering.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.mpsaas.metering.domain.RejectionReason;
import io.mpsaas.metering.domain.UsageOutcome;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Answer of {@code POST /v1/usage}: counts and one result per record, in request order. */
public record UsageBatchResult(int accepted, int duplicates, int rejected, List<RecordResult> results) {

    /** The outcome of the record at {@code index}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RecordResult(int index, String idempotencyKey, UsageOutcome.Status status, RejectionReason reason,
            String message, Instant usageHour, Instant meteredHour) {
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
