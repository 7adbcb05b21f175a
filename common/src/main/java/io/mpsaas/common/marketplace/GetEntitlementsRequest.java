package io.mpsaas.common.marketplace;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/** A GetEntitlements call: one product, optional filters, paging. */
public record GetEntitlementsRequest(String productCode, Map<EntitlementFilter, List<String>> filter,
        String nextToken, Integer maxResults) {

    public GetEntitlementsRequest {
        Objects.requireNonNull(productCode, "productCode");
        filter = filter == null ? Map.of() : Map.copyOf(filter);
        if (maxResults != null && (maxResults < 1 || maxResults > Marketplace.MAX_ENTITLEMENTS_PAGE)) {
            throw new IllegalArgumentException("maxResults must be 1.." + Marketplace.MAX_ENTITLEMENTS_PAGE);
        }
    }
}
