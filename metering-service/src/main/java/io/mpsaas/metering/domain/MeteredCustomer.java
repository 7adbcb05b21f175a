package io.mpsaas.metering.domain;

import io.mpsaas.common.customer.IdentityModel;
import io.mpsaas.common.customer.SubscriptionState;
import java.time.Instant;
import java.util.Map;

/**
 * What metering needs of a customer item: identity, state and entitled quantities per dimension (contracts).
 *
 * @param entitlements entitled quantity per dimension, only entitlements not expired at read time
 */
public record MeteredCustomer(String key, IdentityModel identityModel, String productCode, String customerIdentifier,
        String customerAwsAccountId, String licenseArn, SubscriptionState state, Map<String, Double> entitlements,
        Instant agreementStart, Instant stateEventAt) {

    public MeteredCustomer {
        entitlements = entitlements == null ? Map.of() : Map.copyOf(entitlements);
    }

    /** Concurrent Agreements customers are metered by account and license, legacy ones by CustomerIdentifier. */
    public boolean concurrentAgreements() {
        return identityModel == IdentityModel.CONCURRENT_AGREEMENTS
                || (identityModel == null && licenseArn != null && customerIdentifier == null);
    }

    /** For logs: the ids AWS knows the customer by (never personal data). */
    public String ids() {
        return concurrentAgreements()
                ? "customer " + key + " (license " + licenseArn + ", account " + customerAwsAccountId + ", product "
                        + productCode + ")"
                : "customer " + key + " (customerIdentifier " + customerIdentifier + ", product " + productCode + ")";
    }
}
