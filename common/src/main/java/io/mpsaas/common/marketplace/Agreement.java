package io.mpsaas.common.marketplace;

import java.time.Instant;
import java.util.List;

/**
 * An agreement as {@code DescribeAgreement} or one {@code SearchAgreements} summary gives it.
 *
 * @param agreementId       {@code agmt-...}
 * @param agreementType     {@code PurchaseAgreement} for SaaS purchases
 * @param status            the status; {@link AgreementStatus#UNKNOWN} for one this suite does not know
 * @param statusText        the status as sent (kept for a status AWS adds later)
 * @param acceptorAccountId the buyer's AWS account
 * @param proposerAccountId the account that made the offer: the seller, or for a channel-partner private offer (CPPO)
 *                          the partner
 * @param offerId           the accepted offer
 * @param productIds        the resources (products, {@code prod-...}) the agreement covers
 * @param startTime         when the terms start (differs from the acceptance for future-dated agreements)
 * @param endTime           when the agreement ends; null for pay-as-you-go agreements
 * @param acceptanceTime    when the buyer accepted
 * @param agreementValue    estimated total value (DescribeAgreement only; null in search summaries)
 * @param currencyCode      currency of {@code agreementValue}
 */
public record Agreement(String agreementId, String agreementType, AgreementStatus status, String statusText,
        String acceptorAccountId, String proposerAccountId, String offerId, List<String> productIds,
        Instant startTime, Instant endTime, Instant acceptanceTime, String agreementValue, String currencyCode) {

    public Agreement {
        productIds = productIds == null ? List.of() : List.copyOf(productIds);
    }

    /**
     * Whether someone other than the seller proposed the offer: a channel partner's private offer (CPPO). The seller
     * (the manufacturer) is the caller; AWS names the partner as the proposer.
     */
    public boolean channelPartnerOffer(String sellerAccountId) {
        return proposerAccountId != null && sellerAccountId != null && !proposerAccountId.equals(sellerAccountId);
    }
}
