package io.mpsaas.sandbox.marketplace.catalog;

/** The SaaS pricing models AWS Marketplace offers; contract models get entitlements and the entitlement topic. */
public enum PricingModel {
    SUBSCRIPTION,
    CONTRACT,
    CONTRACT_WITH_CONSUMPTION;

    /** Whether buyers hold contracted entitlements (GetEntitlements, entitlement-updated notifications). */
    public boolean hasContract() {
        return this != SUBSCRIPTION;
    }

    /** Whether the seller meters usage through BatchMeterUsage. */
    public boolean isMetered() {
        return this != CONTRACT;
    }
}
