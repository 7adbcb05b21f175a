package io.mpsaas.metering.marketplace;

/** What became of one usage record sent to AWS. */
public sealed interface SendOutcome {

    /** {@code Success}: billed (or an identical repeat of a billed record). */
    record Sent(String meteringRecordId) implements SendOutcome {
    }

    /** {@code CustomerNotSubscribed}. */
    record NotSubscribed() implements SendOutcome {
    }

    /** {@code DuplicateRecord}: AWS holds another quantity for this customer, dimension and hour. */
    record Duplicate() implements SendOutcome {
    }

    /** AWS refused this record itself (its batch was split down to it). */
    record Refused(String errorCode, String message) implements SendOutcome {
    }

    /** Not settled in this run (throttling, outage, unprocessed, a systemic error): send again later, same quantity. */
    record Retry(String errorCode, String message) implements SendOutcome {
    }
}
