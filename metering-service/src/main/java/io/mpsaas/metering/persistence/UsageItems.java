package io.mpsaas.metering.persistence;

/**
 * Item layout of the usage table ({@code suite.tables.usage}), documented in docs/ARCHITECTURE.md. Five item types:
 * idempotency keys, hourly aggregates, their allocation buckets, the quota needs of hourly runs, and the replicas'
 * shared pace of BatchMeterUsage calls.
 */
final class UsageItems {

    // types and sort keys
    static final String TYPE = "type";
    static final String IDEMPOTENCY_SK = "IDEMPOTENCY";
    static final String AGGREGATE_SK = "AGGREGATE";
    static final String ALLOCATION_SK_PREFIX = "ALLOC#";

    // key prefixes
    static final String IDEMPOTENCY_PREFIX = "idem#";
    static final String AGGREGATE_PREFIX = "agg#";
    static final String PENDING_PREFIX = "pending#";
    static final String FAILED_PREFIX = "failed#";
    static final String CUSTOMER_PREFIX = "customer#";
    /** The partition of the hourly runs' quota needs (one item per run hour, sorted by hour). */
    static final String QUOTA_RUNS_PK = "quota#runs";

    // shared
    static final String CUSTOMER_KEY = "customerKey";
    static final String DIMENSION = "dimension";
    static final String QUANTITY = "quantity";

    // idempotency item: key, digest of the record, TTL, and the metered hour only when it is not the usage hour
    static final String FINGERPRINT_DIGEST = "fp";
    static final String METERED_HOUR = "meteredHour";
    /** The whole fingerprint as text: idempotency items written before the digest (read, never written). */
    static final String LEGACY_FINGERPRINT = "fingerprint";

    // aggregate item
    static final String IDENTITY_MODEL = "identityModel";
    static final String PRODUCT_CODE = "productCode";
    static final String CUSTOMER_IDENTIFIER = "customerIdentifier";
    static final String CUSTOMER_AWS_ACCOUNT_ID = "customerAwsAccountId";
    static final String LICENSE_ARN = "licenseArn";
    static final String HOUR = "hour";
    static final String EVENTS = "events";
    static final String CARRIED_QUANTITY = "carriedQuantity";
    /** Whether allocation buckets exist (absent on aggregates written before the flag: read the buckets). */
    static final String TAGGED = "tagged";
    static final String STATUS = "status";
    static final String CREATED_AT = "createdAt";
    static final String UPDATED_AT = "updatedAt";
    static final String FROZEN_QUANTITY = "frozenQuantity";
    static final String BILLED_QUANTITY = "billedQuantity";
    static final String ENTITLED_QUANTITY = "entitledQuantity";
    static final String FROZEN_AT = "frozenAt";
    static final String LEASE_OWNER = "leaseOwner";
    static final String LEASE_UNTIL = "leaseUntil";
    static final String ATTEMPTS = "attempts";
    static final String NEXT_ATTEMPT_AT = "nextAttemptAt";
    static final String METERING_RECORD_ID = "meteringRecordId";
    static final String RESULT_CODE = "resultCode";
    static final String RESULT_MESSAGE = "resultMessage";
    static final String SENT_AT = "sentAt";

    // allocation item
    static final String TAGS = "tags";

    // quota need of an hourly run
    static final String CALLS = "calls";
    static final String RECORDS = "records";

    private UsageItems() {
    }
}
