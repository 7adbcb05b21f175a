package io.mpsaas.metering.domain;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
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

    /**
     * The {@link #fingerprint()} as the 16 first bytes of its SHA-256: what the idempotency item stores, so the item
     * stays small whatever the record says (a collision, which would answer a reused key {@code duplicate}, has odds
     * of 2^-128).
     */
    public byte[] fingerprintDigest() {
        try {
            return Arrays.copyOf(MessageDigest.getInstance("SHA-256")
                    .digest(fingerprint().getBytes(StandardCharsets.UTF_8)), 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
