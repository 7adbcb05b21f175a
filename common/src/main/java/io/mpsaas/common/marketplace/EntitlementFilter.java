package io.mpsaas.common.marketplace;

/** GetEntitlements filter keys. Values in one key are OR-ed, keys are AND-ed. */
public enum EntitlementFilter {
    CUSTOMER_IDENTIFIER,
    CUSTOMER_AWS_ACCOUNT_ID,
    LICENSE_ARN,
    DIMENSION
}
