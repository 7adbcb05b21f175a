package io.mpsaas.entitlement.service;

import io.mpsaas.common.customer.CustomerKeys;
import io.mpsaas.common.customer.CustomerRecord;
import io.mpsaas.common.customer.RegistrationRecord;
import io.mpsaas.entitlement.domain.AccessDecision;
import io.mpsaas.entitlement.config.EntitlementConfig;
import io.mpsaas.entitlement.domain.AccessPolicy;
import io.mpsaas.entitlement.persistence.SubscriptionStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;

/** Read side for the API: customers by key, license or legacy identity, and the access check; DynamoDB only. */
@ApplicationScoped
public class CustomerQueries {

    private final SubscriptionStore store;
    private final Clock clock;
    private final EntitlementConfig config;

    public CustomerQueries(SubscriptionStore store, Clock clock, EntitlementConfig config) {
        this.store = store;
        this.clock = clock;
        this.config = config;
    }

    /** The key a request names: a key itself, a license ARN, or product code + CustomerIdentifier. */
    public static String keyOf(String licenseArn, String productCode, String customerIdentifier) {
        boolean byLicense = licenseArn != null && !licenseArn.isBlank();
        boolean byLegacy = productCode != null && !productCode.isBlank() && customerIdentifier != null
                && !customerIdentifier.isBlank();
        if (byLicense == byLegacy) {
            throw new IllegalArgumentException("name the customer by licenseArn, or by productCode and"
                    + " customerIdentifier");
        }
        return byLicense ? CustomerKeys.forLicense(licenseArn) : CustomerKeys.forLegacy(productCode.strip(),
                customerIdentifier);
    }

    public Optional<CustomerRecord> customer(String key) {
        return store.customerForRead(key);
    }

    /** Personal data: for the API answer only. */
    public Optional<RegistrationRecord> registration(String key) {
        return store.registration(key);
    }

    public Optional<AccessDecision> access(String key, String dimension) {
        return store.customerForRead(key).map(c -> AccessPolicy.decide(c.state(), c.entitlements(), dimension,
                meteredDimensions(c.productCode()), clock.instant()));
    }

    private Set<String> meteredDimensions(String productCode) {
        EntitlementConfig.Product product = productCode == null ? null : config.products().get(productCode);
        return product == null ? Set.of() : product.meteredDimensions().map(Set::copyOf).orElse(Set.of());
    }

    public Clock clock() {
        return clock;
    }
}
