package io.mpsaas.sandbox.marketplace.ledger;

/** A vendor-metered tag of a usage allocation. */
public record UsageTag(String key, String value) { }
