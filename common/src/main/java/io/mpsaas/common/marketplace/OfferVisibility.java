package io.mpsaas.common.marketplace;

/** Who may accept an offer, as the Catalog API describes it. */
public enum OfferVisibility {
    /** Any buyer: the offer targets no buyer accounts. */
    PUBLIC,
    /** Targeted at buyer accounts ({@code TargetingRule.PositiveTargeting.BuyerAccounts}), or a channel partner's. */
    PRIVATE,
    /** The Catalog API answered an offer without readable details. */
    UNKNOWN
}
