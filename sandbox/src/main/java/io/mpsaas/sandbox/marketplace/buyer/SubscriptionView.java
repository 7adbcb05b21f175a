package io.mpsaas.sandbox.marketplace.buyer;

import io.mpsaas.sandbox.marketplace.catalog.IdentityModel;
import io.mpsaas.sandbox.marketplace.catalog.PricingModel;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** An immutable snapshot of a subscription, returned by the Java and HTTP control APIs. */
public record SubscriptionView(
        String subscriptionId,
        String productCode,
        IdentityModel identityModel,
        PricingModel pricingModel,
        SubscriptionState state,
        String customerAWSAccountId,
        String customerIdentifier,
        String licenseArn,
        String agreementId,
        String offerId,
        boolean freeTrial,
        Map<String, EntitlementValue> quantities,
        Instant createdAt,
        Instant activatedAt,
        Instant cancelRequestedAt,
        Instant endedAt,
        Instant entitlementExpiration,
        String supersededBy,
        String latestRegistrationToken,
        String launchUrl) {

    public SubscriptionView {
        // Keep the catalog's dimension order (Map.copyOf would not).
        quantities = Collections.unmodifiableMap(new LinkedHashMap<>(quantities));
    }
}
