package io.mpsaas.sandbox.marketplace.ledger;

import java.time.Instant;

/**
 * One usage record of one BatchMeterUsage call and what became of it; for a failed call, every record it carried
 * (or a single entry with a null dimension if it carried none).
 *
 * @param errorCode the AWS error type of a BATCH_ERROR, otherwise null
 */
public record MeteringAttempt(
        String requestId,
        Instant receivedAt,
        String productCode,
        String customerIdentifier,
        String customerAWSAccountId,
        String licenseArn,
        String dimension,
        Instant timestamp,
        Integer quantity,
        AttemptOutcome outcome,
        String meteringRecordId,
        String errorCode) {

    public boolean concerns(String customer) {
        return customer == null || customer.equals(customerIdentifier) || customer.equals(customerAWSAccountId)
                || customer.equals(licenseArn);
    }
}
