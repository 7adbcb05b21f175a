package io.mpsaas.sandbox.marketplace.ledger;

import java.time.Instant;
import java.util.List;

/**
 * A billed usage record: the first quantity AWS accepted for a customer, dimension and hour.
 *
 * @param hour            the usage hour (record timestamp truncated to the hour)
 * @param timestamp       the timestamp exactly as first received
 * @param firstReceivedAt simulator time of the call that metered it
 */
public record MeteredRecord(
        String productCode,
        String subscriptionId,
        String customerIdentifier,
        String customerAWSAccountId,
        String licenseArn,
        String dimension,
        Instant hour,
        Instant timestamp,
        int quantity,
        String meteringRecordId,
        List<UsageAllocation> allocations,
        Instant firstReceivedAt) {

    public MeteredRecord {
        allocations = allocations == null ? List.of() : List.copyOf(allocations);
    }

    /** Whether this record belongs to the customer named by a CustomerIdentifier, account id or license ARN. */
    public boolean concerns(String customer) {
        return customer == null || customer.equals(customerIdentifier) || customer.equals(customerAWSAccountId)
                || customer.equals(licenseArn);
    }
}
