package io.mpsaas.onboarding.domain;

import io.mpsaas.common.customer.CustomerKeys;
import io.mpsaas.common.customer.IdentityModel;
import io.mpsaas.common.customer.LicenseArn;
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
     * license and no CustomerIdentifier, or a legacy answer without product code) or breaks AWS's own limits (an id
     * over 255 characters, an account id that is not digits, a license ARN {@link LicenseArn} does not read): such an
     * answer is never stored as it came, and no retry of the same token can make it usable.
     */
    public static Optional<CustomerIdentity> of(ResolvedCustomer resolved) {
        String customerIdentifier = blankToNull(resolved.customerIdentifier());
        String productCode = blankToNull(resolved.productCode());
        String licenseArn = blankToNull(resolved.licenseArn());
        String account = blankToNull(resolved.customerAwsAccountId());
        if (tooLong(customerIdentifier) || tooLong(productCode) || tooLong(account)
                || account != null && !account.chars().allMatch(c -> c >= '0' && c <= '9')
                || licenseArn != null && !LicenseArn.isValid(licenseArn)) {
            return Optional.empty();
        }
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

    /** Longest CustomerIdentifier, product code and account id ResolveCustomer answers (AWS's model: 1..255). */
    public static final int MAX_ID_LENGTH = 255;

    private static boolean tooLong(String value) {
        return value != null && value.length() > MAX_ID_LENGTH;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
