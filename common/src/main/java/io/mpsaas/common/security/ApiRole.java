package io.mpsaas.common.security;

/** Who may call a protected endpoint: the seller's app, or an operator. An admin key also passes as an app key. */
public enum ApiRole {
    /** The seller's application: access checks, usage reports. Keys in {@code suite.api.keys}. */
    APP,
    /** Operators: admin views, replays, re-drives. Keys in {@code suite.api.admin-keys}. */
    ADMIN
}
