package io.mpsaas.entitlement.domain;

/**
 * An AWS Marketplace notification, whatever its wire format: the legacy SNS actions and the EventBridge agreement and
 * license events. Java 17 has no pattern-matching {@code switch} (a preview feature there), so the exhaustive dispatch
 * is {@link Cases}: a new kind must implement {@link #accept}, which needs a new method in {@code Cases}, which every
 * handler must then implement: it does not compile until every handler knows it.
 */
public sealed interface Notification {

    NotificationMeta meta();

    /** Dispatches to the case of this kind. */
    <R> R accept(Cases<R> cases);

    /** The customer it names (SNS messages, License events); null for Purchase Agreement events. */
    default Subscriber namedSubscriber() {
        return accept(Named.SUBSCRIBER);
    }

    /** The agreement it names (EventBridge events); null for SNS messages. */
    default Agreement namedAgreement() {
        return accept(Named.AGREEMENT);
    }

    /** The name of its kind, as its record is named ({@code SubscribeSuccess}, {@code LicenseUpdated}, ...). */
    default String kindName() {
        return accept(Named.KIND);
    }

    /** The agreement status of a {@code Purchase Agreement Ended} event; null for every other kind. */
    default String endedStatus() {
        return accept(Named.ENDED_STATUS);
    }

    /** Whether it may bring new or changed agreement terms (a new or amended agreement, or its license). */
    default boolean mayChangeTerms() {
        return accept(Named.MAY_CHANGE_TERMS);
    }

    /** One method per kind of notification. */
    interface Cases<R> {
        R subscribeSuccess(SubscribeSuccess n);

        R subscribeFail(SubscribeFail n);

        R unsubscribePending(UnsubscribePending n);

        R unsubscribeSuccess(UnsubscribeSuccess n);

        R entitlementUpdated(EntitlementUpdated n);

        R agreementCreated(AgreementCreated n);

        R agreementAmended(AgreementAmended n);

        R agreementEnded(AgreementEnded n);

        R licenseUpdated(LicenseUpdated n);

        R licenseDeprovisioned(LicenseDeprovisioned n);
    }

    /** SNS {@code subscribe-success}: the buyer paid; access and metering may start. */
    record SubscribeSuccess(NotificationMeta meta, Subscriber subscriber, String offerId, boolean freeTrial)
            implements Notification {
        @Override
        public <R> R accept(Cases<R> cases) {
            return cases.subscribeSuccess(this);
        }
    }

    /** SNS {@code subscribe-fail}: payment failed; no access. */
    record SubscribeFail(NotificationMeta meta, Subscriber subscriber, String offerId, boolean freeTrial)
            implements Notification {
        @Override
        public <R> R accept(Cases<R> cases) {
            return cases.subscribeFail(this);
        }
    }

    /** SNS {@code unsubscribe-pending}: the buyer cancelled; about an hour remains for final usage. */
    record UnsubscribePending(NotificationMeta meta, Subscriber subscriber) implements Notification {
        @Override
        public <R> R accept(Cases<R> cases) {
            return cases.unsubscribePending(this);
        }
    }

    /** SNS {@code unsubscribe-success}: cancellation complete; no access, no more usage. */
    record UnsubscribeSuccess(NotificationMeta meta, Subscriber subscriber) implements Notification {
        @Override
        public <R> R accept(Cases<R> cases) {
            return cases.unsubscribeSuccess(this);
        }
    }

    /** SNS {@code entitlement-updated}: entitlements changed; read them with GetEntitlements. */
    record EntitlementUpdated(NotificationMeta meta, Subscriber subscriber) implements Notification {
        @Override
        public <R> R accept(Cases<R> cases) {
            return cases.entitlementUpdated(this);
        }
    }

    /** EventBridge {@code Purchase Agreement Created - Proposer|Manufacturer}: an agreement exists, not paid yet. */
    record AgreementCreated(NotificationMeta meta, Agreement agreement, String intent, String status)
            implements Notification {
        @Override
        public <R> R accept(Cases<R> cases) {
            return cases.agreementCreated(this);
        }
    }

    /** EventBridge {@code Purchase Agreement Amended - Proposer|Manufacturer}: terms changed. */
    record AgreementAmended(NotificationMeta meta, Agreement agreement, String intent, String status)
            implements Notification {
        @Override
        public <R> R accept(Cases<R> cases) {
            return cases.agreementAmended(this);
        }
    }

    /** EventBridge {@code Purchase Agreement Ended - Proposer|Manufacturer}: cancelled, expired, terminated... */
    record AgreementEnded(NotificationMeta meta, Agreement agreement, String status) implements Notification {
        @Override
        public <R> R accept(Cases<R> cases) {
            return cases.agreementEnded(this);
        }
    }

    /** EventBridge {@code License Updated - Manufacturer}: the license is live or its entitlements changed. */
    record LicenseUpdated(NotificationMeta meta, Agreement agreement, Subscriber subscriber) implements Notification {
        @Override
        public <R> R accept(Cases<R> cases) {
            return cases.licenseUpdated(this);
        }
    }

    /** EventBridge {@code License Deprovisioned - Manufacturer}: entitlements revoked, no more usage. */
    record LicenseDeprovisioned(NotificationMeta meta, Agreement agreement, Subscriber subscriber)
            implements Notification {
        @Override
        public <R> R accept(Cases<R> cases) {
            return cases.licenseDeprovisioned(this);
        }
    }
}
