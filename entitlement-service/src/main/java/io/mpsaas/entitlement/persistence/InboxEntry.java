package io.mpsaas.entitlement.persistence;

import java.time.Instant;

/**
 * A processed message in the inbox table ({@code msg#<channel>#<id>}, sk {@code MESSAGE}).
 *
 * @param status      {@code APPLIED} while its effects (events, commands) are not confirmed sent, then {@code DONE}
 * @param effectsJson the effects to (re)send, as JSON
 */
public record InboxEntry(String dedupeKey, Status status, String kind, String customerKey, String result,
        String effectsJson, Instant receivedAt) {

    /** Where a message stands. */
    public enum Status {
        APPLIED,
        DONE
    }
}
