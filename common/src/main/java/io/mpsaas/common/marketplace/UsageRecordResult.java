package io.mpsaas.common.marketplace;

/** The outcome AWS gives one usage record, with the record as AWS echoed it. */
public record UsageRecordResult(UsageRecord usageRecord, String meteringRecordId, UsageRecordStatus status) {
}
