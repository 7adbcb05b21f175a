package io.mpsaas.common.marketplace;

import java.util.List;

/** One page of {@code SearchAgreements}; {@code nextToken} null on the last. */
public record AgreementPage(List<Agreement> agreements, String nextToken) {

    public AgreementPage {
        agreements = List.copyOf(agreements);
    }
}
