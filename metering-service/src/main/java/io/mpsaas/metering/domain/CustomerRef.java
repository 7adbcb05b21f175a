package io.mpsaas.metering.domain;

import io.mpsaas.common.customer.CustomerKeys;
import io.mpsaas.common.rest.Problem;

/**
 * How a usage record names its customer: a license ARN (Concurrent Agreements, with the buyer's account if the app
 * sent it) or a legacy CustomerIdentifier of a product (possibly with the license ARN AWS also gives legacy buyers).
 */
public record CustomerRef(String licenseArn, String customerAwsAccountId, String customerIdentifier,
        String productCode) {

    /**
     * Longest customer key, in UTF-8 bytes, that can name a customer: DynamoDB refuses partition keys over 2048 bytes,
     * and the usage table's keys put a dimension and an idempotency key next to the customer key. No real key comes
     * close (AWS's ids are short); a longer one is refused as input instead of failing in storage.
     */
    public static final int MAX_KEY_BYTES = 1024;

    /** Whether {@code key} is short enough to be a customer key ({@link #MAX_KEY_BYTES}). */
    public static boolean fitsKey(String key) {
        return key != null && key.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= MAX_KEY_BYTES;
    }

    /** The customer item's key ({@link CustomerKeys}): legacy customers by product and identifier, others by license. */
    public String key() {
        return customerIdentifier != null ? CustomerKeys.forLegacy(productCode, customerIdentifier)
                : CustomerKeys.forLicense(licenseArn);
    }

    /**
     * The customer key from whichever ids are given: the key itself, a license ARN, or a legacy identifier with its
     * product; null when none of these is complete.
     */
    public static String keyOf(String customerKey, String licenseArn, String customerIdentifier, String productCode) {
        if (customerKey != null && !customerKey.isBlank()) {
            return customerKey.strip();
        }
        if (licenseArn != null && !licenseArn.isBlank()) {
            return CustomerKeys.forLicense(licenseArn);
        }
        if (customerIdentifier != null && !customerIdentifier.isBlank() && productCode != null
                && !productCode.isBlank()) {
            return CustomerKeys.forLegacy(productCode.strip(), customerIdentifier);
        }
        return null;
    }

    @Override
    public String toString() {
        // quoted in answers and logs: bounded excerpts of the client's values
        return customerIdentifier == null ? "license " + Problem.excerpt(licenseArn)
                : "customerIdentifier " + Problem.excerpt(customerIdentifier) + " of product "
                        + Problem.excerpt(productCode);
    }
}
