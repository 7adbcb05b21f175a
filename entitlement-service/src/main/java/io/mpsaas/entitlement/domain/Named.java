package io.mpsaas.entitlement.domain;

/**
 * Who and what a notification names, read through {@link Notification.Cases} so that a new kind of notification does
 * not compile until it says: SNS messages and License events name the customer ({@link Subscriber}); EventBridge
 * events name their agreement ({@link Agreement}); Purchase Agreement events name only the agreement.
 */
final class Named {

    private Named() {
    }

    static final Notification.Cases<Subscriber> SUBSCRIBER = new Notification.Cases<>() {
        @Override
        public Subscriber subscribeSuccess(Notification.SubscribeSuccess n) {
            return n.subscriber();
        }

        @Override
        public Subscriber subscribeFail(Notification.SubscribeFail n) {
            return n.subscriber();
        }

        @Override
        public Subscriber unsubscribePending(Notification.UnsubscribePending n) {
            return n.subscriber();
        }

        @Override
        public Subscriber unsubscribeSuccess(Notification.UnsubscribeSuccess n) {
            return n.subscriber();
        }

        @Override
        public Subscriber entitlementUpdated(Notification.EntitlementUpdated n) {
            return n.subscriber();
        }

        @Override
        public Subscriber agreementCreated(Notification.AgreementCreated n) {
            return null;
        }

        @Override
        public Subscriber agreementAmended(Notification.AgreementAmended n) {
            return null;
        }

        @Override
        public Subscriber agreementEnded(Notification.AgreementEnded n) {
            return null;
        }

        @Override
        public Subscriber licenseUpdated(Notification.LicenseUpdated n) {
            return n.subscriber();
        }

        @Override
        public Subscriber licenseDeprovisioned(Notification.LicenseDeprovisioned n) {
            return n.subscriber();
        }
    };

    static final Notification.Cases<Agreement> AGREEMENT = new Notification.Cases<>() {
        @Override
        public Agreement subscribeSuccess(Notification.SubscribeSuccess n) {
            return null;
        }

        @Override
        public Agreement subscribeFail(Notification.SubscribeFail n) {
            return null;
        }

        @Override
        public Agreement unsubscribePending(Notification.UnsubscribePending n) {
            return null;
        }

        @Override
        public Agreement unsubscribeSuccess(Notification.UnsubscribeSuccess n) {
            return null;
        }

        @Override
        public Agreement entitlementUpdated(Notification.EntitlementUpdated n) {
            return null;
        }

        @Override
        public Agreement agreementCreated(Notification.AgreementCreated n) {
            return n.agreement();
        }

        @Override
        public Agreement agreementAmended(Notification.AgreementAmended n) {
            return n.agreement();
        }

        @Override
        public Agreement agreementEnded(Notification.AgreementEnded n) {
            return n.agreement();
        }

        @Override
        public Agreement licenseUpdated(Notification.LicenseUpdated n) {
            return n.agreement();
        }

        @Override
        public Agreement licenseDeprovisioned(Notification.LicenseDeprovisioned n) {
            return n.agreement();
        }
    };
}
