package io.mpsaas.entitlement.persistence;

/** How a transactional write ended. */
public enum CommitOutcome {
    /** Written. */
    COMMITTED,
    /** Someone wrote one of the items since it was read: read again and recompute. */
    CONFLICT,
    /** The message is already in the inbox: another worker processed it. */
    DUPLICATE
}
