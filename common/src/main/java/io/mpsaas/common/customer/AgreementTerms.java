package io.mpsaas.common.customer;

import io.mpsaas.common.dynamo.Attr;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The terms of a customer's current agreement, as the Agreement API last described them (DescribeAgreement and
 * GetAgreementTerms), stored on the customer item as one map attribute.
 *
 * @param agreementId            the agreement
 * @param productId              the product's catalog id ({@code prod-...}) the agreement is for
 * @param offerType              {@link #PUBLIC_OFFER} or {@link #PRIVATE_OFFER} (the seller's offer, as the Catalog API's
 *                               DescribeEntity describes it), {@link #CPPO} (a channel partner proposed it), or
 *                               {@link #SELLER_OFFER} (the seller's offer, public or private not known: terms stored
 *                               before the suite asked the Catalog API, or when it could not answer)
 * @param channelPartnerAccountId the partner's account for a CPPO, else null
 * @param status                 the agreement status as AWS sent it ({@code ACTIVE}, {@code CANCELLED}, ...)
 * @param startsAt               when the terms start
 * @param endsAt                 when the agreement ends; null for pay-as-you-go
 * @param autoRenew              the buyer's auto-renewal choice; null when the agreement has no renewal term
 * @param freeTrialEndsAt        start plus the free-trial term's duration; null without a free trial
 * @param summary                one line for people (durations, units, prices, renewal)
 * @param readAt                 when the suite read them
 */
public record AgreementTerms(String agreementId, String productId, String offerType, String channelPartnerAccountId, String status,
        Instant startsAt, Instant endsAt, Boolean autoRenew, Instant freeTrialEndsAt, String summary,
        Instant readAt) {

    /** The seller's public offer: any buyer may accept it. */
    public static final String PUBLIC_OFFER = "PUBLIC";

    /** The seller's private offer: targeted at the buyer's account. */
    public static final String PRIVATE_OFFER = "PRIVATE";

    /**
     * Offered by the seller itself, public or private not known: what the suite stored before it asked the Catalog
     * API, and still stores when the Catalog API cannot answer. Read as such.
     */
    public static final String SELLER_OFFER = "SELLER";

    /** A channel partner's private offer: the partner proposed it, the seller is the manufacturer. */
    public static final String CPPO = "CPPO";

    /** Whether this is a contract that ends without renewing (no renewal term, or auto-renew turned off). */
    public boolean endsWithoutRenewal() {
        return endsAt != null && !Boolean.TRUE.equals(autoRenew);
    }

    public AttributeValue toAttribute() {
        Map<String, AttributeValue> m = new LinkedHashMap<>();
        put(m, "agreementId", agreementId);
        put(m, "productId", productId);
        put(m, "offerType", offerType);
        put(m, "channelPartnerAccountId", channelPartnerAccountId);
        put(m, "status", status);
        put(m, "startsAt", startsAt == null ? null : startsAt.toString());
        put(m, "endsAt", endsAt == null ? null : endsAt.toString());
        if (autoRenew != null) {
            m.put("autoRenew", Attr.bool(autoRenew));
        }
        put(m, "freeTrialEndsAt", freeTrialEndsAt == null ? null : freeTrialEndsAt.toString());
        put(m, "summary", summary);
        put(m, "readAt", readAt == null ? null : readAt.toString());
        return AttributeValue.fromM(m);
    }

    /** Reads the map attribute; null when absent. */
    public static AgreementTerms fromAttribute(AttributeValue value) {
        if (value == null || !value.hasM()) {
            return null;
        }
        Map<String, AttributeValue> m = value.m();
        AttributeValue renew = m.get("autoRenew");
        return new AgreementTerms(Attr.string(m, "agreementId"), Attr.string(m, "productId"),
                Attr.string(m, "offerType"),
                Attr.string(m, "channelPartnerAccountId"), Attr.string(m, "status"), Attr.instant(m, "startsAt"),
                Attr.instant(m, "endsAt"), renew == null ? null : renew.bool(), Attr.instant(m, "freeTrialEndsAt"),
                Attr.string(m, "summary"), Attr.instant(m, "readAt"));
    }

    private static void put(Map<String, AttributeValue> m, String name, String value) {
        if (value != null) {
            m.put(name, Attr.s(value));
        }
    }
}
