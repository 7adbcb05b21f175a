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

    /** The kind's name, as its record is named ({@code SubscribeSuccess}): each kind says its own. */
    static final Notification.Cases<String> KIND = new Notification.Cases<>() {
        @Override
        public String subscribeSuccess(Notification.SubscribeSuccess n) {
            return "SubscribeSuccess";
        }

        @Override
        public String subscribeFail(Notification.SubscribeFail n) {
            return "SubscribeFail";
        }

        @Override
        public String unsubscribePending(Notification.UnsubscribePending n) {
            return "UnsubscribePending";
        }

        @Override
        public String unsubscribeSuccess(Notification.UnsubscribeSuccess n) {
            return "UnsubscribeSuccess";
        }

        @Override
        public String entitlementUpdated(Notification.EntitlementUpdated n) {
            return "EntitlementUpdated";
        }

        @Override
        public String agreementCreated(Notification.AgreementCreated n) {
            return "AgreementCreated";
        }

        @Override
        public String agreementAmended(Notification.AgreementAmended n) {
            return "AgreementAmended";
        }

        @Override
        public String agreementEnded(Notification.AgreementEnded n) {
            return "AgreementEnded";
        }

        @Override
        public String licenseUpdated(Notification.LicenseUpdated n) {
            return "LicenseUpdated";
        }

        @Override
        public String licenseDeprovisioned(Notification.LicenseDeprovisioned n) {
            return "LicenseDeprovisioned";
        }
    };

    /** The agreement status a {@code Purchase Agreement Ended} event carries; null for every other kind. */
    static final Notification.Cases<String> ENDED_STATUS = new Notification.Cases<>() {
        @Override
        public String subscribeSuccess(Notification.SubscribeSuccess n) {
            return null;
        }

        @Override
        public String subscribeFail(Notification.SubscribeFail n) {
            return null;
        }

        @Override
        public String unsubscribePending(Notification.UnsubscribePending n) {
            return null;
        }

        @Override
        public String unsubscribeSuccess(Notification.UnsubscribeSuccess n) {
            return null;
        }

        @Override
        public String entitlementUpdated(Notification.EntitlementUpdated n) {
            return null;
        }

        @Override
        public String agreementCreated(Notification.AgreementCreated n) {
            return null;
        }

        @Override
        public String agreementAmended(Notification.AgreementAmended n) {
            return null;
        }

        @Override
        public String agreementEnded(Notification.AgreementEnded n) {
            return n.status();
        }

        @Override
        public String licenseUpdated(Notification.LicenseUpdated n) {
            return null;
        }

        @Override
        public String licenseDeprovisioned(Notification.LicenseDeprovisioned n) {
            return null;
        }
    };

    /** Whether the kind may bring new or changed agreement terms: a new or amended agreement, or its license. */
    static final Notification.Cases<Boolean> MAY_CHANGE_TERMS = new Notification.Cases<>() {
        @Override
        public Boolean subscribeSuccess(Notification.SubscribeSuccess n) {
            return false;
        }

        @Override
        public Boolean subscribeFail(Notification.SubscribeFail n) {
            return false;
        }

        @Override
        public Boolean unsubscribePending(Notification.UnsubscribePending n) {
            return false;
        }

        @Override
        public Boolean unsubscribeSuccess(Notification.UnsubscribeSuccess n) {
            return false;
        }

        @Override
        public Boolean entitlementUpdated(Notification.EntitlementUpdated n) {
            return false;
        }

        @Override
        public Boolean agreementCreated(Notification.AgreementCreated n) {
            return true;
        }

        @Override
        public Boolean agreementAmended(Notification.AgreementAmended n) {
            return true;
        }

        @Override
        public Boolean agreementEnded(Notification.AgreementEnded n) {
            return false;
        }

        @Override
        public Boolean licenseUpdated(Notification.LicenseUpdated n) {
            return true;
        }

        @Override
        public Boolean licenseDeprovisioned(Notification.LicenseDeprovisioned n) {
            return false;
        }
    };
}
