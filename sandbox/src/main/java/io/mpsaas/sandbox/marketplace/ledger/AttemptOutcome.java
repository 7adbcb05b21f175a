package io.mpsaas.sandbox.marketplace.ledger;

/** What happened to one usage record of one BatchMeterUsage call. */
public enum AttemptOutcome {
    /** Metered now, or an identical retry of a metered record (same MeteringRecordId). */
    SUCCESS,
    /** Same customer, dimension and hour as a metered record but a different quantity: not billed. */
    DUPLICATE_RECORD,
    /** No active agreement for the customer at call time, or usage before the agreement's start hour. */
    CUSTOMER_NOT_SUBSCRIBED,
    /** Returned in UnprocessedRecords (injected fault): not billed, the caller should retry. */
    UNPROCESSED,
    /** The whole call failed (validation error, injected fault, throttling...): nothing billed. */
    BATCH_ERROR
}
