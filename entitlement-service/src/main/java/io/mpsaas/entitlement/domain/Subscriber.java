package io.mpsaas.entitlement.domain;

import io.mpsaas.common.customer.CustomerKeys;
import io.mpsaas.common.customer.IdentityModel;
import java.util.Objects;

/**
 * Who a notification is about, as AWS names them: legacy {@code ProductCode} + {@code CustomerIdentifier}, or a
 * Concurrent Agreements license (with the buyer's account when known).
 */
public record Subscriber(IdentityModel identityModel, String productCode, String customerIdentifier,
        String customerAwsAccountId, String licenseArn) {

    public Subscriber {
        Objects.requireNonNull(identityModel, "identityModel");
        customerIdentifier = blankToNull(customerIdentifier);
        customerAwsAccountId = blankToNull(customerAwsAccountId);
        licenseArn = blankToNull(licenseArn);
        productCode = blankToNull(productCode);
        if (identityModel == IdentityModel.LEGACY && (productCode == null || customerIdentifier == null)) {
            throw new IllegalArgumentException("a legacy customer needs a product code and a customer identifier");
        }
        if (identityModel == IdentityModel.CONCURRENT_AGREEMENTS && licenseArn == null) {
            throw new IllegalArgumentException("a Concurrent Agreements customer needs a license ARN");
        }
    }

    public static Subscriber legacy(String productCode, String customerIdentifier) {
        return new Subscriber(IdentityModel.LEGACY, productCode, customerIdentifier, null, null);
    }

    public static Subscriber license(String productCode, String accountId, String licenseArn) {
        return new Subscriber(IdentityModel.CONCURRENT_AGREEMENTS, productCode, null, accountId, licenseArn);
    }

    /** The customer item's partition key ({@link CustomerKeys}). */
    public String key() {
        return identityModel == IdentityModel.LEGACY ? CustomerKeys.forLegacy(productCode, customerIdentifier)
                : CustomerKeys.forLicense(licenseArn);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
