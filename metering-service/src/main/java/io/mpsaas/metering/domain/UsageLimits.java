package io.mpsaas.metering.domain;

import java.time.Duration;

/**
 * The ingestion rules that need no customer.
 *
 * @param maxQuantity   largest quantity of one record
 * @param sendMargin    time kept before an hour's AWS deadline for the job to send it
 * @param maxClockSkew  tolerated future timestamps
 */
public record UsageLimits(long maxQuantity, Duration sendMargin, Duration maxClockSkew) {

    /** AWS's UsageRecord.Quantity upper bound. */
    public static final long AWS_MAX_QUANTITY = Integer.MAX_VALUE;

    /** Most allocations we accept per record (each becomes one write of the record's transaction). */
    public static final int MAX_ALLOCATIONS = 20;

    /** AWS: at most five tags per allocation. */
    public static final int MAX_TAGS = 5;

    public UsageLimits {
        if (maxQuantity < 1 || maxQuantity > AWS_MAX_QUANTITY) {
            throw new IllegalArgumentException("max-quantity must be 1.." + AWS_MAX_QUANTITY);
        }
    }
}
