package io.mpsaas.metering.domain;

import java.time.Instant;
import java.util.List;

/**
 * A usage record that passed the checks that need no customer: its customer reference, dimension, quantity, usage
 * time and hour, allocations and idempotency key.
 */
public record ValidatedUsage(CustomerRef customer, String dimension, long quantity, Instant usageAt, Instant hour,
        List<Allocation> allocations, String idempotencyKey) {

    public ValidatedUsage {
        allocations = allocations == null ? List.of() : List.copyOf(allocations);
    }

    /**
     * A stable digest of what the record says, stored with its idempotency key so a reused key with a different
     * record is told apart from a true repeat.
     */
    public String fingerprint() {
        StringBuilder b = new StringBuilder().append(dimension).append('|').append(quantity).append('|')
                .append(usageAt.toEpochMilli());
        for (Allocation a : allocations) {
            b.append('|').append(a.tagSetKey()).append(':').append(a.quantity());
        }
        return b.toString();
    }
}
