package io.mpsaas.common.marketplace;

import java.util.List;

/** Part of a usage record's quantity attributed to up to five tags (vendor-metered tagging). */
public record UsageAllocation(int allocatedUsageQuantity, List<Tag> tags) {

    public UsageAllocation {
        if (allocatedUsageQuantity < 0) {
            throw new IllegalArgumentException("allocatedUsageQuantity must be 0 or more");
        }
        tags = tags == null ? List.of() : List.copyOf(tags);
    }

    /** A cost-allocation tag the buyer sees as {@code aws:marketplace:isv:<key>}. */
    public record Tag(String key, String value) {
    }
}
