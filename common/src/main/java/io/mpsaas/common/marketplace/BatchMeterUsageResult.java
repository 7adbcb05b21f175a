package io.mpsaas.common.marketplace;

import java.util.List;

/** Per-record outcomes of a BatchMeterUsage call; {@code unprocessedRecords} are to be retried. */
public record BatchMeterUsageResult(List<UsageRecordResult> results, List<UsageRecord> unprocessedRecords) {

    public BatchMeterUsageResult {
        results = List.copyOf(results);
        unprocessedRecords = List.copyOf(unprocessedRecords);
    }
}
