package io.mpsaas.metering.service;

import io.mpsaas.metering.config.MeteringConfig;
import io.mpsaas.metering.domain.ProductPolicy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The products of {@code suite.metering.products}, with unlisted products metered as subscriptions. */
@ApplicationScoped
public class ProductPolicies {

    private final Map<String, ProductPolicy> policies = new HashMap<>();

    public ProductPolicies(MeteringConfig config) {
        config.products().forEach((code, p) -> policies.put(code,
                new ProductPolicy(p.pricingModel(), p.dimensions().orElse(List.of()), p.entitlementDimensions())));
    }

    public ProductPolicy of(String productCode) {
        return productCode == null ? ProductPolicy.DEFAULT : policies.getOrDefault(productCode, ProductPolicy.DEFAULT);
    }

    /** Configured products, by code. */
    public Map<String, ProductPolicy> configured() {
        return Map.copyOf(policies);
    }
}
