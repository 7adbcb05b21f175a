package io.mpsaas.entitlement.domain;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * What one notification says about a subscription's lifecycle, reduced to what the state machine needs.
 *
 * @param sourceId   the notification's dedupe key: effects derived from it get stable ids
 * @param occurredAt AWS's time of the notification
 * @param freeTrial  for {@link Kind#ACTIVATE}: the subscription is a free trial
 */
public record Step(String sourceId, Instant occurredAt, Kind kind, boolean freeTrial) {

    /** Agreement statuses of {@code Purchase Agreement Ended} that mean the license lives on under a new agreement. */
    private static final Set<String> SUCCEEDED = Set.of("RENEWED", "REPLACED", "SUPERSEDED");

    public Step {
        Objects.requireNonNull(sourceId, "sourceId");
        Objects.requireNonNull(occurredAt, "occurredAt");
        Objects.requireNonNull(kind, "kind");
    }

    /** The lifecycle meaning of a notification. */
    public enum Kind {
        /** No state change (entitlement-updated, an amendment, an agreement created or renewed). */
        NONE,
        /** subscribe-success: active (or free trial), also again after an unsubscribe (re-subscribe). */
        ACTIVATE,
        /** License Updated: activates a pending customer; on an active one it only means new entitlements. */
        ACTIVATE_LICENSE,
        /** subscribe-fail. */
        SUBSCRIBE_FAIL,
        /** unsubscribe-pending, Purchase Agreement Ended (cancelled, expired): the final-usage window opens. */
        CANCEL,
        /** Purchase Agreement Ended with TERMINATED: a payment failure before activation, a cancellation after. */
        TERMINATE,
        /** unsubscribe-success. */
        UNSUBSCRIBE,
        /** License Deprovisioned. */
        DEPROVISION
    }

    /** The lifecycle meaning of one notification. */
    public static Step of(Notification notification) {
        String source = notification.meta().dedupeKey();
        Instant at = notification.meta().occurredAt();
        return notification.accept(new Notification.Cases<>() {
            @Override
            public Step subscribeSuccess(Notification.SubscribeSuccess n) {
                return new Step(source, at, Kind.ACTIVATE, n.freeTrial());
            }

            @Override
            public Step subscribeFail(Notification.SubscribeFail n) {
                return new Step(source, at, Kind.SUBSCRIBE_FAIL, n.freeTrial());
            }

            @Override
            public Step unsubscribePending(Notification.UnsubscribePending n) {
                return new Step(source, at, Kind.CANCEL, false);
            }

            @Override
            public Step unsubscribeSuccess(Notification.UnsubscribeSuccess n) {
                return new Step(source, at, Kind.UNSUBSCRIBE, false);
            }

            @Override
            public Step entitlementUpdated(Notification.EntitlementUpdated n) {
                return new Step(source, at, Kind.NONE, false);
            }

            @Override
            public Step agreementCreated(Notification.AgreementCreated n) {
                return new Step(source, at, Kind.NONE, false);
            }

            @Override
            public Step agreementAmended(Notification.AgreementAmended n) {
                return new Step(source, at, Kind.NONE, false);
            }

            @Override
            public Step agreementEnded(Notification.AgreementEnded n) {
                return new Step(source, at, endedKind(n.status()), false);
            }

            @Override
            public Step licenseUpdated(Notification.LicenseUpdated n) {
                return new Step(source, at, Kind.ACTIVATE_LICENSE, false);
            }

            @Override
            public Step licenseDeprovisioned(Notification.LicenseDeprovisioned n) {
                return new Step(source, at, Kind.DEPROVISION, false);
            }
        });
    }

    /**
     * How an ended agreement affects the license: renewed or replaced agreements hand the license on (no change);
     * TERMINATED is the simulator's and AWS's payment failure; anything else (CANCELLED, EXPIRED, ...) opens the
     * final-usage window.
     */
    public static Kind endedKind(String status) {
        String s = status == null ? "" : status.strip().toUpperCase(Locale.ROOT);
        if (SUCCEEDED.contains(s)) {
            return Kind.NONE;
        }
        return "TERMINATED".equals(s) ? Kind.TERMINATE : Kind.CANCEL;
    }
}
