package io.mpsaas.common.customer;

/** How AWS identifies a buyer of a product. */
public enum IdentityModel {
    /** {@code CustomerIdentifier} + {@code ProductCode}: products listed before June 2026 that did not opt in. */
    LEGACY,
    /** {@code CustomerAWSAccountId} + {@code LicenseArn}: Concurrent Agreements, mandatory for new products. */
    CONCURRENT_AGREEMENTS
}
