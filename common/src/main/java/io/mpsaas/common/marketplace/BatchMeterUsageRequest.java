package io.mpsaas.common.marketplace;

import java.util.List;

/**
 * A BatchMeterUsage call: records of one product. {@code productCode} is required for legacy records and optional for
 * license-identified ones.
 */
public record BatchMeterUsageRequest(String productCode, List<UsageRecord> usageRecords) {

    public BatchMeterUsageRequest {
        usageRecords = List.copyOf(usageRecords);
        if (usageRecords.size() > Marketplace.MAX_RECORDS_PER_BATCH) {
            throw new IllegalArgumentException("at most " + Marketplace.MAX_RECORDS_PER_BATCH
                    + " usage records per BatchMeterUsage call, got " + usageRecords.size());
        }
    }
}
