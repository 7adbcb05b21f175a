package io.mpsaas.metering.domain;

import java.util.List;
import java.util.Map;

/**
 * How one product is metered.
 *
 * @param dimensions            the known metered dimensions; empty = any dimension is accepted
 * @param entitlementDimensions consumption contracts: metered dimension -> entitled dimension (default: same name)
 */
public record ProductPolicy(PricingModel pricingModel, List<String> dimensions,
        Map<String, String> entitlementDimensions) {

    /** A product nobody configured: a subscription with any dimension. */
    public static final ProductPolicy DEFAULT = new ProductPolicy(PricingModel.SUBSCRIPTION, List.of(), Map.of());

    public ProductPolicy {
        dimensions = dimensions == null ? List.of() : List.copyOf(dimensions);
        entitlementDimensions = entitlementDimensions == null ? Map.of() : Map.copyOf(entitlementDimensions);
    }

    public boolean knows(String dimension) {
        return dimensions.isEmpty() || dimensions.contains(dimension);
    }

    /** The entitled dimension whose quantity is free each hour for usage of {@code meteredDimension}. */
    public String entitledDimension(String meteredDimension) {
        return entitlementDimensions.getOrDefault(meteredDimension, meteredDimension);
    }

    /**
     * What is billed for an hour's usage: everything (subscription), the overage beyond the entitlement (consumption
     * contract), nothing (contract).
     *
     * @param entitlements entitled quantity per dimension (unexpired)
     */
    public long billed(String dimension, long hourlyUsage, Map<String, Double> entitlements) {
        return switch (pricingModel) {
            case SUBSCRIPTION -> hourlyUsage;
            case CONTRACT -> 0;
            case CONTRACT_WITH_CONSUMPTION -> Overage.billed(hourlyUsage,
                    entitlements.getOrDefault(entitledDimension(dimension), 0.0));
        };
    }
}
