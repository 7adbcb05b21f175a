package io.mpsaas.common.marketplace;

/** {@code UsageRecordResult.Status}: whether AWS will bill the record. */
public enum UsageRecordStatus {
    /** Accepted (or an identical retry of an accepted record): billed once. */
    SUCCESS("Success"),
    /** Unknown customer, no active subscription or agreement, or suspended account: not billed. */
    CUSTOMER_NOT_SUBSCRIBED("CustomerNotSubscribed"),
    /** Same customer, dimension and hour already metered with another quantity: the first quantity stands. */
    DUPLICATE_RECORD("DuplicateRecord");

    private final String wireName;

    UsageRecordStatus(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** Parses the wire value; an unknown status is a protocol error, not something to bill on. */
    public static UsageRecordStatus fromWire(String value) {
        for (UsageRecordStatus status : values()) {
            if (status.wireName.equals(value)) {
                return status;
            }
        }
        throw new IllegalArgumentException("unknown UsageRecordResult status: " + value);
    }
}
