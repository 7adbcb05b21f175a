package io.mpsaas.sandbox.marketplace.buyer;

/**
 * What a purchase hands the buyer and the test: the ids AWS would know, the registration token, and the
 * auto-submitting form that takes the buyer's browser to the seller's fulfillment URL.
 */
public record SubscribeResult(
        String subscriptionId,
        String productCode,
        SubscriptionState state,
        String registrationToken,
        String customerIdentifier,
        String customerAWSAccountId,
        String licenseArn,
        String agreementId,
        String offerId,
        boolean freeTrial,
        String launchUrl,
        String launchHtml) {
}
