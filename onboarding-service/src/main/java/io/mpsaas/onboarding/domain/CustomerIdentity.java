package io.mpsaas.onboarding.domain;

import io.mpsaas.common.customer.CustomerKeys;
import io.mpsaas.common.customer.IdentityModel;
import io.mpsaas.common.marketplace.ResolvedCustomer;
import java.util.Optional;

/**
 * Who a resolved buyer is in the customers table: the customer key and identity model derived from what
 * ResolveCustomer answered, plus every identifier AWS returned (kept as is).
 *
 * @param customerIdentifier null for Concurrent Agreements products
 * @param licenseArn         may be null for legacy products
 */
public record CustomerIdentity(String customerKey, IdentityModel identityModel, String productCode,
        String customerIdentifier, String customerAwsAccountId, String licenseArn) {

    /**
     * The identity of a ResolveCustomer answer: keyed by license when AWS gave no CustomerIdentifier (Concurrent
     * Agreements), else by product code and CustomerIdentifier. Empty when the answer cannot identify a customer (no
     * license and no CustomerIdentifier, or a legacy answer without product code).
     */
    public static Optional<CustomerIdentity> of(ResolvedCustomer resolved) {
        String customerIdentifier = blankToNull(resolved.customerIdentifier());
        String productCode = blankToNull(resolved.productCode());
        String licenseArn = blankToNull(resolved.licenseArn());
        String account = blankToNull(resolved.customerAwsAccountId());
        try {
            if (customerIdentifier == null) {
                if (licenseArn == null) {
                    return Optional.empty();
                }
                return Optional.of(new CustomerIdentity(CustomerKeys.forLicense(licenseArn),
                        IdentityModel.CONCURRENT_AGREEMENTS, productCode, null, account, licenseArn));
            }
            if (productCode == null) {
                return Optional.empty();
            }
            return Optional.of(new CustomerIdentity(CustomerKeys.forLegacy(productCode, customerIdentifier),
                    IdentityModel.LEGACY, productCode, customerIdentifier, account, licenseArn));
        } catch (IllegalArgumentException malformedLicenseArn) {
            return Optional.empty();
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
