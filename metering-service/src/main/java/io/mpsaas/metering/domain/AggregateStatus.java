package io.mpsaas.metering.domain;

import java.util.EnumSet;
import java.util.Set;

/** Where an hourly aggregate (customer, dimension, usage hour) stands. */
public enum AggregateStatus {
    /** Collecting usage; the hour may still be open. */
    OPEN,
    /** Quantity frozen by the job: being sent, or waiting to be sent again with exactly this quantity. */
    FROZEN,
    /** AWS answered {@code Success}; {@code meteringRecordId} set. */
    SENT,
    /** Dry run or a customer outside the test-account allow-list: recorded, not sent. */
    DRY_RUN,
    /** The product's pricing model meters nothing (pure contract): recorded, not sent. */
    NOT_METERED,
    /** AWS answered {@code CustomerNotSubscribed}. Re-drivable while the window is open. */
    CUSTOMER_NOT_SUBSCRIBED,
    /** AWS answered {@code DuplicateRecord}: it already holds another quantity for this hour. Alerted; not re-drivable. */
    DUPLICATE_RECORD,
    /** AWS refused the record itself (isolated by splitting its batch). Re-drivable while the window is open. */
    FAILED,
    /** Not sent before AWS's deadline for the hour. Alerted; cannot be sent any more. */
    EXPIRED;

    /** Still to be sent: in the pending index. */
    public static final Set<AggregateStatus> PENDING = EnumSet.of(OPEN, FROZEN);

    /** Ended without billing and worth an operator's look: in the failures index. */
    public static final Set<AggregateStatus> FAILURES = EnumSet.of(CUSTOMER_NOT_SUBSCRIBED, DUPLICATE_RECORD, FAILED,
            EXPIRED);

    /** Failures an operator may send again (same frozen quantity, inside the window). */
    public static final Set<AggregateStatus> REDRIVABLE = EnumSet.of(CUSTOMER_NOT_SUBSCRIBED, FAILED);

    public boolean pending() {
        return PENDING.contains(this);
    }

    public boolean failure() {
        return FAILURES.contains(this);
    }
}
