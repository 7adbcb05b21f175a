package io.mpsaas.metering.domain;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.mpsaas.common.rest.Problem;
import java.time.Instant;

/**
 * The answer for one usage record.
 *
 * @param usageHour   the hour of the record's timestamp
 * @param meteredHour the hour the quantity counts in: the usage hour, or a later open hour when the usage hour had
 *                    already been sent to AWS
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record UsageOutcome(String idempotencyKey, Status status, RejectionReason reason, String message,
        String customerKey, Instant usageHour, Instant meteredHour) {

    /** What became of the record. */
    public enum Status {
        /** Stored durably and counted in its hour. */
        @JsonProperty("accepted")
        ACCEPTED,
        /** The idempotency key was seen before with the same record: counted once, earlier. */
        @JsonProperty("duplicate")
        DUPLICATE,
        /** Not stored; {@code reason} says why. */
        @JsonProperty("rejected")
        REJECTED
    }

    /**
     * A refused record. Its idempotency key is echoed as {@link Problem#excerpt} quotes it (at most 64 characters,
     * then {@code ...}): a refusal never sends a client's oversized value back to it.
     */
    public static UsageOutcome rejected(String idempotencyKey, RejectionReason reason, String message) {
        return rejected(idempotencyKey, null, reason, message);
    }

    public static UsageOutcome rejected(String idempotencyKey, String customerKey, RejectionReason reason,
            String message) {
        return new UsageOutcome(idempotencyKey == null ? null : Problem.excerpt(idempotencyKey), Status.REJECTED,
                reason, message, customerKey, null, null);
    }

    public boolean rejected() {
        return status == Status.REJECTED;
    }
}
