package io.mpsaas.sandbox.marketplace.catalog;

/** How buyers are identified: the legacy CustomerIdentifier, or Concurrent Agreements (account + license ARN). */
public enum IdentityModel {
    LEGACY,
    CONCURRENT_AGREEMENTS
}
