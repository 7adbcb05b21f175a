package io.mpsaas.common.marketplace;

/**
 * A {@code SearchAgreements} query as the seller (the proposer) asks it. AWS accepts only some filter combinations:
 * {@code PartyType=Proposer} and an {@code AgreementType} always, then a product ({@code ResourceIdentifier}), an
 * offer, an acceptor account or a status; each filter takes exactly one value.
 *
 * @param agreementType      {@code PurchaseAgreement} (default)
 * @param resourceIdentifier the product id ({@code prod-...}); null for any
 * @param status             one status; null for any
 * @param acceptorAccountId  one buyer account; null for any
 * @param offerId            one offer; null for any
 * @param maxResults         page size, 1..50; null for AWS's default
 * @param nextToken          the previous page's token; null for the first page
 */
public record AgreementSearch(String agreementType, String resourceIdentifier, AgreementStatus status,
        String acceptorAccountId, String offerId, Integer maxResults, String nextToken) {

    /** AWS's upper bound on one page. */
    public static final int MAX_PAGE = 50;

    public AgreementSearch {
        agreementType = agreementType == null ? "PurchaseAgreement" : agreementType;
        if (maxResults != null && (maxResults < 1 || maxResults > MAX_PAGE)) {
            throw new IllegalArgumentException("maxResults must be 1.." + MAX_PAGE + ", not " + maxResults);
        }
        if (status == AgreementStatus.UNKNOWN) {
            throw new IllegalArgumentException("cannot search by an unknown status");
        }
    }

    /** Every purchase agreement of one product, in pages of {@code pageSize}. */
    public static AgreementSearch ofProduct(String productId, int pageSize) {
        return new AgreementSearch(null, productId, null, null, null, pageSize, null);
    }

    public AgreementSearch page(String token) {
        return new AgreementSearch(agreementType, resourceIdentifier, status, acceptorAccountId, offerId, maxResults,
                token);
    }
}
