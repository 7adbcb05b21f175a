package io.mpsaas.sandbox.marketplace.catalog;

/** Which channels a product's lifecycle notifications use. */
public enum NotificationFormat {
    SNS,
    EVENTBRIDGE,
    BOTH;

    public boolean sns() {
        return this != EVENTBRIDGE;
    }

    public boolean eventBridge() {
        return this != SNS;
    }

    /** The default AWS applies: SNS topics for legacy listings, EventBridge for Concurrent Agreements. */
    public static NotificationFormat defaultFor(IdentityModel identityModel) {
        return identityModel == IdentityModel.LEGACY ? SNS : EVENTBRIDGE;
    }
}
