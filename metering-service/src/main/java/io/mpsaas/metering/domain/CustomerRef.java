package io.mpsaas.metering.domain;

import io.mpsaas.common.customer.CustomerKeys;

/**
 * How a usage record names its customer: a license ARN (Concurrent Agreements, with the buyer's account if the app
 * sent it) or a legacy CustomerIdentifier of a product (possibly with the license ARN AWS also gives legacy buyers).
 */
public record CustomerRef(String licenseArn, String customerAwsAccountId, String customerIdentifier,
        String productCode) {

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
        return customerIdentifier == null ? "license " + licenseArn
                : "customerIdentifier " + customerIdentifier + " of product " + productCode;
    }
}
