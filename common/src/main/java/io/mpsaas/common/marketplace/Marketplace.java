package io.mpsaas.common.marketplace;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Port to the AWS Marketplace Metering and Entitlement APIs, with every field current in 2026 (LicenseArn,
 * CustomerAWSAccountId, usage allocations).
 *
 * <p>Implementations retry throttling and server errors with backoff before they give up; a {@link MarketplaceException}
 * that reaches the caller has exhausted those retries (or was never retryable) and says which AWS error it was.
 */
public interface Marketplace {

    /** Upper bound AWS sets on records per BatchMeterUsage call. */
    int MAX_RECORDS_PER_BATCH = 25;

    /** Upper bound AWS sets on GetEntitlements' MaxResults. */
    int MAX_ENTITLEMENTS_PAGE = 25;

    /**
     * Exchanges the registration token from the fulfillment POST for the buyer's identifiers.
     *
     * @throws MarketplaceException {@code InvalidTokenException}, {@code ExpiredTokenException},
     *         {@code ThrottlingException} (after retries), {@code InternalServiceErrorException}, ...
     */
    ResolvedCustomer resolveCustomer(String registrationToken);

    /**
     * Sends at most 25 usage records of one product. Per-record outcomes come back in the result; a
     * {@link MarketplaceException} means the whole batch was refused (for example {@code TimestampOutOfBoundsException}).
     */
    BatchMeterUsageResult batchMeterUsage(BatchMeterUsageRequest request);

    /** Reads one page of entitlements; see {@link #getAllEntitlements(String, Map)} to read them all. */
    EntitlementsPage getEntitlements(GetEntitlementsRequest request);

    /**
     * Reads every page of entitlements matching the filter. Follows {@code NextToken} even through empty pages, which
     * AWS documents as possible.
     */
    default List<Entitlement> getAllEntitlements(String productCode, Map<EntitlementFilter, List<String>> filter) {
        List<Entitlement> all = new ArrayList<>();
        String nextToken = null;
        do {
            EntitlementsPage page = getEntitlements(
                    new GetEntitlementsRequest(productCode, filter, nextToken, MAX_ENTITLEMENTS_PAGE));
            all.addAll(page.entitlements());
            nextToken = page.nextToken();
        } while (nextToken != null);
        return all;
    }
}
