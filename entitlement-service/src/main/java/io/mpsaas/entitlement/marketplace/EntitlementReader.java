package io.mpsaas.entitlement.marketplace;

import io.mpsaas.common.customer.IdentityModel;
import io.mpsaas.common.marketplace.BatchMeterUsageRequest;
import io.mpsaas.common.marketplace.BatchMeterUsageResult;
import io.mpsaas.common.marketplace.Entitlement;
import io.mpsaas.common.marketplace.EntitlementFilter;
import io.mpsaas.common.marketplace.EntitlementsPage;
import io.mpsaas.common.marketplace.GetEntitlementsRequest;
import io.mpsaas.common.marketplace.Marketplace;
import io.mpsaas.common.marketplace.ResolvedCustomer;
import io.mpsaas.entitlement.config.EntitlementConfig;
import io.mpsaas.entitlement.domain.Subscriber;
import io.mpsaas.entitlement.service.EntitlementMetrics;
import io.mpsaas.entitlement.service.RateLimiter;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Reads one customer's entitlements with GetEntitlements, every page, filtered the way the identity model requires:
 * {@code CUSTOMER_IDENTIFIER} for legacy customers, {@code LICENSE_ARN} (and {@code CUSTOMER_AWS_ACCOUNT_ID} when
 * known) for Concurrent Agreements. Throttling and AWS errors are retried by the {@link Marketplace} adapter; what it
 * gives up on reaches the caller as a {@code MarketplaceException}.
 *
 * <p>Every page is one call under the replica's GetEntitlements pace
 * ({@code suite.entitlement.get-entitlements-rate-limit}, shared by the notification consumers and reconciliation):
 * AWS allows 20 calls per second per account, and a burst of notifications that called faster would be throttled, back
 * off and come back later instead of finishing in the time the quota allows. Calls are counted by purpose
 * ({@code mpsaas_entitlement_get_entitlements_total}).
 */
@ApplicationScoped
public class EntitlementReader {

    /** Why the entitlements are read: a tag of the calls metric. */
    public enum Purpose {
        NOTIFICATION, RECONCILIATION
    }

    private final Marketplace marketplace;
    private final RateLimiter pace;
    private final EntitlementMetrics metrics;

    public EntitlementReader(Marketplace marketplace, EntitlementConfig config, EntitlementMetrics metrics) {
        this.marketplace = marketplace;
        this.pace = new RateLimiter(config.getEntitlementsRateLimit());
        this.metrics = metrics;
    }

    public List<Entitlement> read(Subscriber subscriber, Purpose purpose) {
        return paced(purpose).getAllEntitlements(subscriber.productCode(), filter(subscriber));
    }

    /** The adapter, each page call waiting for its slot and counted (the paging itself stays the port's). */
    private Marketplace paced(Purpose purpose) {
        return new Marketplace() {
            @Override
            public EntitlementsPage getEntitlements(GetEntitlementsRequest request) {
                pace.acquire();
                metrics.getEntitlements(purpose);
                return marketplace.getEntitlements(request);
            }

            @Override
            public ResolvedCustomer resolveCustomer(String registrationToken) {
                return marketplace.resolveCustomer(registrationToken);
            }

            @Override
            public BatchMeterUsageResult batchMeterUsage(BatchMeterUsageRequest request) {
                return marketplace.batchMeterUsage(request);
            }
        };
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
