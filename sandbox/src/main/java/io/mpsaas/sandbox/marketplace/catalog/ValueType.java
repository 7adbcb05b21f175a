package io.mpsaas.sandbox.marketplace.catalog;

/** The type of a dimension's entitlement value, matching the members of the EntitlementValue union. */
public enum ValueType {
    INTEGER,
    BOOLEAN,
    DOUBLE,
    STRING
}
