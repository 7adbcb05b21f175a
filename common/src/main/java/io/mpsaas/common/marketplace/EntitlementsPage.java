package io.mpsaas.common.marketplace;

import java.util.List;

/** One page of GetEntitlements; {@code nextToken} is null on the last page and may be set on an empty one. */
public record EntitlementsPage(List<Entitlement> entitlements, String nextToken) {

    public EntitlementsPage {
        entitlements = List.copyOf(entitlements);
    }
}
