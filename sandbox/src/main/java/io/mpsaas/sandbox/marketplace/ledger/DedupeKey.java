package io.mpsaas.sandbox.marketplace.ledger;

import java.time.Instant;

/**
 * What AWS deduplicates usage on: the customer identity (legacy: product + CustomerIdentifier; Concurrent
 * Agreements: account + license ARN), the dimension and the usage hour.
 */
public record DedupeKey(String identity, String dimension, Instant hour) {

    public static DedupeKey legacy(String productCode, String customerIdentifier, String dimension, Instant hour) {
        return new DedupeKey("legacy|" + productCode + "|" + customerIdentifier, dimension, hour);
    }

    public static DedupeKey concurrentAgreement(String accountId, String licenseArn, String dimension, Instant hour) {
        return new DedupeKey("ca|" + accountId + "|" + licenseArn, dimension, hour);
    }
}
