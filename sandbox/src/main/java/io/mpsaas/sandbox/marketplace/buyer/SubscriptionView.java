package io.mpsaas.sandbox.marketplace.buyer;

import io.mpsaas.sandbox.marketplace.catalog.IdentityModel;
import io.mpsaas.sandbox.marketplace.catalog.PricingModel;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An immutable snapshot of a subscription, returned by the Java and HTTP control APIs. The agreement's side:
 * {@code agreementStatus} as the Agreement API answers it, {@code channelPartnerAccountId} the proposer of a CPPO (null
 * for the seller's own offer), {@code agreementEnd} the contract's end (null for pay-as-you-go), {@code autoRenew} the
 * renewal term's choice (null without a contract), {@code privateOffer} whether the offer targets the buyer's account
 * (always for a CPPO; the Catalog API's DescribeEntity answers it).
 */
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
        String launchUrl,
        String agreementStatus,
        String channelPartnerAccountId,
        Instant agreementEnd,
        Boolean autoRenew,
        boolean privateOffer) {

    public SubscriptionView {
        // Keep the catalog's dimension order (Map.copyOf would not).
        quantities = Collections.unmodifiableMap(new LinkedHashMap<>(quantities));
    }
}
