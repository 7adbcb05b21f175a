package io.mpsaas.sandbox.marketplace.ledger;

import java.util.List;

/** A slice of a usage record's quantity, optionally tagged (no tags = the untagged bucket). */
public record UsageAllocation(int allocatedUsageQuantity, List<UsageTag> tags) {

    public UsageAllocation {
        tags = tags == null ? List.of() : List.copyOf(tags);
    }
}
