package io.mpsaas.metering.domain;

import io.mpsaas.common.customer.CustomerKeys;

/**
 * How a usage record names its customer: a license ARN (Concurrent Agreements, with the buyer's account if the app
 * sent it) or a legacy CustomerIdentifier of a product.
 */
public record CustomerRef(String licenseArn, String customerAwsAccountId, String customerIdentifier,
        String productCode) {

    /** The customer item's key ({@link CustomerKeys}). */
    public String key() {
        return licenseArn != null ? CustomerKeys.forLicense(licenseArn)
                : CustomerKeys.forLegacy(productCode, customerIdentifier);
    }

    @Override
    public String toString() {
        return licenseArn != null ? "license " + licenseArn
                : "customerIdentifier " + customerIdentifier + " of product " + productCode;
    }
}
