package io.mpsaas.entitlement.marketplace;

import io.mpsaas.common.customer.IdentityModel;
import io.mpsaas.common.marketplace.Entitlement;
import io.mpsaas.common.marketplace.EntitlementFilter;
import io.mpsaas.common.marketplace.Marketplace;
import io.mpsaas.entitlement.domain.Subscriber;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Reads one customer's entitlements with GetEntitlements, every page, filtered the way the identity model requires:
 * {@code CUSTOMER_IDENTIFIER} for legacy customers, {@code LICENSE_ARN} (and {@code CUSTOMER_AWS_ACCOUNT_ID} when
 * known) for Concurrent Agreements. Throttling and AWS errors are retried by the {@link Marketplace} adapter; what it
 * gives up on reaches the caller as a {@code MarketplaceException}.
 */
@ApplicationScoped
public class EntitlementReader {

    private final Marketplace marketplace;

    public EntitlementReader(Marketplace marketplace) {
        this.marketplace = marketplace;
    }

    public List<Entitlement> read(Subscriber subscriber) {
        return marketplace.getAllEntitlements(subscriber.productCode(), filter(subscriber));
    }

    static Map<EntitlementFilter, List<String>> filter(Subscriber subscriber) {
        Map<EntitlementFilter, List<String>> filter = new EnumMap<>(EntitlementFilter.class);
        if (subscriber.identityModel() == IdentityModel.LEGACY) {
            filter.put(EntitlementFilter.CUSTOMER_IDENTIFIER, List.of(subscriber.customerIdentifier()));
        } else {
            filter.put(EntitlementFilter.LICENSE_ARN, List.of(subscriber.licenseArn()));
            if (subscriber.customerAwsAccountId() != null) {
                filter.put(EntitlementFilter.CUSTOMER_AWS_ACCOUNT_ID, List.of(subscriber.customerAwsAccountId()));
            }
        }
        return filter;
    }
}
