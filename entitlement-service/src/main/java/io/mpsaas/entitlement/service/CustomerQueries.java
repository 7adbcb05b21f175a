package io.mpsaas.entitlement.service;

import io.mpsaas.common.customer.LicenseArn;
import io.mpsaas.common.customer.CustomerKeys;
import io.mpsaas.common.customer.CustomerRecord;
import io.mpsaas.common.customer.RegistrationRecord;
import io.mpsaas.entitlement.config.EntitlementConfig;
import io.mpsaas.entitlement.domain.AccessDecision;
import io.mpsaas.entitlement.domain.AccessPolicy;
import io.mpsaas.entitlement.persistence.SubscriptionStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Read side for the API: customers by key, license or legacy identity, and the access check; DynamoDB only. */
@ApplicationScoped
public class CustomerQueries {

    private final SubscriptionStore store;
    private final Clock clock;
    /** Each configured product's metered dimensions, read once from the configuration. */
    private final Map<String, Set<String>> meteredDimensions = new HashMap<>();

    public CustomerQueries(SubscriptionStore store, Clock clock, EntitlementConfig config) {
        this.store = store;
        this.clock = clock;
        config.products().forEach((code, product) -> product.meteredDimensions()
                .ifPresent(dimensions -> meteredDimensions.put(code, Set.copyOf(dimensions))));
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

    /**
     * The customer of {@code key}; when the caller named it by {@code licenseArn} (null otherwise), only if that is
     * the customer's license read whole ({@link LicenseArn#sameLicense}: partition, account and license id), so an
     * ARN of another account, or anything ending in the license id, is no customer.
     */
    public Optional<CustomerRecord> customer(String key, String licenseArn) {
        return store.customerForRead(key).filter(c -> licenseArn == null || LicenseArn.sameLicense(licenseArn,
                c.licenseArn()));
    }

    /** Personal data: for the API answer only. */
    public Optional<RegistrationRecord> registration(String key) {
        return store.registration(key);
    }

    /** The access decision for the customer {@link #customer(String, String)} finds. */
    public Optional<AccessDecision> access(String key, String licenseArn, String dimension) {
        return customer(key, licenseArn).map(c -> AccessPolicy.decide(c.state(), c.entitlements(), dimension,
                c.productCode() == null ? Set.of() : meteredDimensions.getOrDefault(c.productCode(), Set.of()),
                clock.instant()));
    }

    public Clock clock() {
        return clock;
    }
}
