package io.mpsaas.metering.domain;

/** Why a usage record was not accepted; the code travels in API answers, DLQ park reasons and logs. */
public enum RejectionReason {
    /** A required field is missing or malformed (no customer, no dimension, ...). */
    INVALID_RECORD,
    /** The record has no idempotency key. */
    MISSING_IDEMPOTENCY_KEY,
    /** No customer with these identifiers (or the account does not match the license). */
    UNKNOWN_CUSTOMER,
    /** The dimension is not one of the product's configured dimensions. */
    UNKNOWN_DIMENSION,
    /** Negative or not a whole number. */
    INVALID_QUANTITY,
    /** Above {@code suite.metering.ingestion.max-quantity}. */
    QUANTITY_TOO_LARGE,
    /** The timestamp is missing or unreadable. */
    INVALID_TIMESTAMP,
    /** Too old to be sent before AWS's deadline for its hour (24 h, month-end grace) with the safety margin. */
    TIMESTAMP_TOO_OLD,
    /** In the future beyond the tolerated clock skew. */
    TIMESTAMP_IN_FUTURE,
    /** Allocations break AWS's rules (1..5 tags, key/value patterns, sums equal to the quantity, unique tag sets). */
    INVALID_ALLOCATIONS,
    /** The customer's subscription does not accept usage (pending, unsubscribed, failed, deprovisioned). */
    CUSTOMER_NOT_ACTIVE,
    /**
     * The usage hour is before the hour the customer's agreement starts (its terms, read from the Agreement API): AWS
     * would refuse it as {@code CustomerNotSubscribed}.
     */
    BEFORE_AGREEMENT_START,
    /** The product is a pure contract: AWS bills the contract, usage is not metered. */
    NOT_METERED,
    /** The hour was already sent to AWS (which keeps the first quantity per hour) and no later open hour can take it. */
    HOUR_ALREADY_METERED,
    /** The hour's total would exceed AWS's per-record maximum. */
    HOUR_QUANTITY_LIMIT,
    /** The idempotency key was already used for a different record. */
    IDEMPOTENCY_KEY_REUSED
}
