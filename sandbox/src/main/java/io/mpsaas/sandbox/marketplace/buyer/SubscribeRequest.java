package io.mpsaas.sandbox.marketplace.buyer;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A buyer's purchase.
 *
 * @param productCode    the product to subscribe to
 * @param buyerAccountId the buyer's 12-digit AWS account; null = generated
 * @param offerType      null, or {@code free-trial} for a product with a free trial
 * @param quantities     contract quantities per contracted dimension (Integer/Double/Boolean/String); missing ones
 *                       default to 1 / 1.0 / true / "standard"
 * @param autoActivate   send subscribe-success (License Updated) immediately
 * @param offerId        the offer accepted; null = a generated {@code offer-...} id
 */
public record SubscribeRequest(
        String productCode,
        String buyerAccountId,
        String offerType,
        Map<String, Object> quantities,
        boolean autoActivate,
        String offerId) {

    public static final String FREE_TRIAL = "free-trial";

    public SubscribeRequest {
        if (productCode == null || productCode.isBlank()) {
            throw new IllegalArgumentException("productCode is required");
        }
        if (offerType != null && !offerType.isBlank() && !FREE_TRIAL.equals(offerType)) {
            throw new IllegalArgumentException("offerType must be absent or '" + FREE_TRIAL + "', not '" + offerType
                    + "'");
        }
        offerType = offerType == null || offerType.isBlank() ? null : offerType;
        if (buyerAccountId != null && !buyerAccountId.matches("[0-9]{12}")) {
            throw new IllegalArgumentException("buyerAccountId must be 12 digits, not '" + buyerAccountId + "'");
        }
        quantities = quantities == null ? Map.of() : new LinkedHashMap<>(quantities);
    }

    public boolean freeTrial() {
        return FREE_TRIAL.equals(offerType);
    }

    public static SubscribeRequest of(String productCode) {
        return new SubscribeRequest(productCode, null, null, Map.of(), false, null);
    }

    public SubscribeRequest withBuyer(String accountId) {
        return new SubscribeRequest(productCode, accountId, offerType, quantities, autoActivate, offerId);
    }

    public SubscribeRequest withFreeTrial() {
        return new SubscribeRequest(productCode, buyerAccountId, FREE_TRIAL, quantities, autoActivate, offerId);
    }

    public SubscribeRequest withQuantity(String dimension, Object value) {
        Map<String, Object> q = new LinkedHashMap<>(quantities);
        q.put(dimension, value);
        return new SubscribeRequest(productCode, buyerAccountId, offerType, q, autoActivate, offerId);
    }

    public SubscribeRequest activated() {
        return new SubscribeRequest(productCode, buyerAccountId, offerType, quantities, true, offerId);
    }
}
