package io.mpsaas.common.marketplace;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One BatchMeterUsage record: exactly one customer identity ({@code customerIdentifier}, or
 * {@code customerAwsAccountId} with or without {@code licenseArn}), a dimension, a quantity and the usage hour.
 */
public record UsageRecord(Instant timestamp, String customerIdentifier, String customerAwsAccountId,
        String licenseArn, String dimension, int quantity, List<UsageAllocation> usageAllocations) {

    public UsageRecord {
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(dimension, "dimension");
        if (quantity < 0) {
            throw new IllegalArgumentException("quantity must be 0 or more, was " + quantity);
        }
        usageAllocations = usageAllocations == null ? List.of() : List.copyOf(usageAllocations);
    }

    /** A legacy record, identified by the CustomerIdentifier of a product. */
    public static UsageRecord legacy(Instant hour, String customerIdentifier, String dimension, int quantity) {
        return new UsageRecord(hour, customerIdentifier, null, null, dimension, quantity, List.of());
    }

    /** A Concurrent Agreements record, identified by account and license. */
    public static UsageRecord license(Instant hour, String customerAwsAccountId, String licenseArn, String dimension,
            int quantity) {
        return new UsageRecord(hour, null, customerAwsAccountId, licenseArn, dimension, quantity, List.of());
    }
}
