package io.mpsaas.common.marketplace;

import java.util.ArrayList;
import java.util.List;

/**
 * Port to the AWS Marketplace Agreement API (the seller's view of its agreements). Implementations retry throttling
 * and AWS-side errors with backoff before a {@link MarketplaceException} reaches the caller, as {@link Marketplace}
 * does.
 */
public interface Agreements {

    /**
     * One agreement.
     *
     * @throws MarketplaceException {@code ResourceNotFoundException} for an id this seller cannot see,
     *         {@code ValidationException} for a malformed id, ...
     */
    Agreement describeAgreement(String agreementId);

    /** Every accepted term of the agreement (all pages), unknown kinds kept as {@link AgreementTerm.Other}. */
    List<AgreementTerm> getAgreementTerms(String agreementId);

    /** One page of the seller's agreements matching the search. */
    AgreementPage searchAgreements(AgreementSearch search);

    /** Every entitlement of the agreement (all pages). */
    List<AgreementEntitlement> getAgreementEntitlements(String agreementId);

    /** Every page of a search; follows {@code nextToken} through empty pages. */
    default List<Agreement> searchAllAgreements(AgreementSearch search) {
        List<Agreement> all = new ArrayList<>();
        AgreementSearch page = search;
        do {
            AgreementPage answer = searchAgreements(page);
            all.addAll(answer.agreements());
            page = answer.nextToken() == null ? null : search.page(answer.nextToken());
        } while (page != null);
        return all;
    }
}
