package io.mpsaas.metering.domain;

import io.mpsaas.common.customer.IdentityModel;
import java.time.Instant;
import java.util.List;

/**
 * The usage of one customer, dimension and hour, and what metering did with it.
 *
 * @param id               the aggregate's key
 * @param quantity         usage counted so far (grows until frozen)
 * @param carriedQuantity  the part of it that arrived for an hour already sent and was carried into this one
 * @param frozenQuantity   usage at freeze time: what every send repeats; null while open
 * @param billedQuantity   what is sent to AWS (the frozen usage, or its overage beyond the entitlement)
 * @param entitledQuantity the contracted quantity deducted (consumption contracts), else null
 * @param allocations      usage split by tags (read only for sending)
 * @param attempts         runs that tried and gave up (throttling, outages)
 * @param resultCode       AWS's status or error type of the last outcome
 * @param tagged           whether usage with allocations counted in it (its buckets are read for sending); null for
 *                         aggregates written before the flag existed (read the buckets to know)
 */
public record Aggregate(String id, String customerKey, IdentityModel identityModel, String productCode,
        String customerIdentifier, String customerAwsAccountId, String licenseArn, String dimension, Instant hour,
        long quantity, long events, long carriedQuantity, AggregateStatus status, Long frozenQuantity, Long billedQuantity,
        Double entitledQuantity, List<Allocation> allocations, String leaseOwner, Instant leaseUntil, int attempts,
        Instant nextAttemptAt, String meteringRecordId, String resultCode, String resultMessage, Instant sentAt,
        Instant updatedAt, Boolean tagged) {

    public Aggregate {
        allocations = allocations == null ? List.of() : List.copyOf(allocations);
    }

    public Aggregate withAllocations(List<Allocation> value) {
        return new Aggregate(id, customerKey, identityModel, productCode, customerIdentifier, customerAwsAccountId,
                licenseArn, dimension, hour, quantity, events, carriedQuantity, status, frozenQuantity, billedQuantity,
                entitledQuantity, value, leaseOwner, leaseUntil, attempts, nextAttemptAt, meteringRecordId, resultCode,
                resultMessage, sentAt, updatedAt, tagged);
    }

    /** This aggregate frozen and leased as a claim makes it: what is sent, and until when it is ours. */
    public Aggregate frozen(long frozen, long billed, Double entitled, String owner, Instant until) {
        return new Aggregate(id, customerKey, identityModel, productCode, customerIdentifier, customerAwsAccountId,
                licenseArn, dimension, hour, quantity, events, carriedQuantity, AggregateStatus.FROZEN, frozen, billed, entitled,
                allocations, owner, until, attempts, nextAttemptAt, meteringRecordId, resultCode, resultMessage, sentAt,
                updatedAt, tagged);
    }

    /** Whether allocation buckets may exist and must be read before sending. */
    public boolean mayHaveAllocations() {
        return tagged == null || tagged;
    }

    public boolean concurrentAgreements() {
        return identityModel == IdentityModel.CONCURRENT_AGREEMENTS
                || (identityModel == null && licenseArn != null && customerIdentifier == null);
    }

    /** The ids AWS knows the customer by, for logs. */
    public String ids() {
        return "customer " + customerKey + (concurrentAgreements()
                ? " (license " + licenseArn + ", account " + customerAwsAccountId + ")"
                : " (customerIdentifier " + customerIdentifier + ")") + ", product " + productCode + ", dimension "
                + dimension + ", hour " + hour;
    }
}
