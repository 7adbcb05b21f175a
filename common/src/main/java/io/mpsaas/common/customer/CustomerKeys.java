package io.mpsaas.common.customer;

import java.util.Objects;

/**
 * Partition keys of the customers table. A customer is one subscription: under Concurrent Agreements one AWS account
 * may hold several licenses of a product, so the license is the key; legacy customers are keyed by product code and
 * CustomerIdentifier, which is what SNS notifications carry.
 */
public final class CustomerKeys {

    public static final String LICENSE_PREFIX = "license#";
    public static final String LEGACY_PREFIX = "customer#";
    public static final String AGREEMENT_PREFIX = "agreement#";
    public static final String ACCOUNT_PREFIX = "account#";
    public static final String PRODUCT_PREFIX = "product#";

    /** Sort key of the customer item itself. */
    public static final String CUSTOMER_SK = "CUSTOMER";
    /** Sort key of the registration item (personal data, kept apart from the customer item). */
    public static final String REGISTRATION_SK = "REGISTRATION";
    /** Sort key of an agreement-to-customer pointer item. */
    public static final String AGREEMENT_SK = "AGREEMENT";

    private CustomerKeys() {
    }

    /** Key of a Concurrent Agreements customer: {@code license#l-<id>}, whatever form the ARN arrived in. */
    public static String forLicense(String licenseArn) {
        return LICENSE_PREFIX + licenseId(licenseArn);
    }

    /** Key of a legacy customer: {@code customer#<productCode>#<customerIdentifier>}. */
    public static String forLegacy(String productCode, String customerIdentifier) {
        Objects.requireNonNull(productCode, "productCode");
        Objects.requireNonNull(customerIdentifier, "customerIdentifier");
        return LEGACY_PREFIX + productCode + "#" + customerIdentifier.strip();
    }

    /** Key of the pointer item from an agreement id to its customer. */
    public static String forAgreement(String agreementId) {
        return AGREEMENT_PREFIX + Objects.requireNonNull(agreementId, "agreementId");
    }

    /**
     * The license id ({@code l-...}) of a license ARN, read whole by {@link LicenseArn#parse} (both spellings AWS
     * uses).
     *
     * @throws IllegalArgumentException when {@code licenseArn} is not a license ARN
     */
    public static String licenseId(String licenseArn) {
        Objects.requireNonNull(licenseArn, "licenseArn");
        return LicenseArn.parse(licenseArn).licenseId();
    }
}
