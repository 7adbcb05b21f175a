package io.mpsaas.metering.domain;

/** How AWS bills a product, which decides what metering-service sends for it. */
public enum PricingModel {
    /** Pay as you go: every unit of usage is metered. */
    SUBSCRIPTION,
    /** Upfront contract only: AWS bills the contract; usage is never metered (rejected with {@code NOT_METERED}). */
    CONTRACT,
    /** Contract plus pay-as-you-go: per hour only usage beyond the contracted quantity is metered. */
    CONTRACT_WITH_CONSUMPTION;

    public boolean metered() {
        return this != CONTRACT;
    }
}
