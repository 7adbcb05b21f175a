package io.mpsaas.common.marketplace;

/**
 * Port to the AWS Marketplace Catalog API for what the Agreement API does not say about an offer: whether it is public
 * or private. Implementations retry throttling and AWS-side errors with backoff before a {@link MarketplaceException}
 * reaches the caller, as {@link Marketplace} does.
 */
public interface Offers {

    /**
     * The visibility of one offer ({@code DescribeEntity} of {@code offer-...}).
     *
     * @param offerId the offer's catalog id, as {@link Agreement#offerId()} gives it
     * @return {@link OfferVisibility#UNKNOWN} when the answer holds no readable offer details
     * @throws MarketplaceException {@code ResourceNotFoundException} for an offer this seller cannot see,
     *         {@code ValidationException} for a malformed id, {@code AccessDeniedException} without
     *         {@code aws-marketplace:DescribeEntity}, ...
     */
    OfferVisibility offerVisibility(String offerId);
}
