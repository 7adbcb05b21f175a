package io.mpsaas.sandbox.marketplace.buyer;

import io.mpsaas.sandbox.marketplace.catalog.Dimension;
import io.mpsaas.sandbox.marketplace.catalog.Product;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One simulated agreement (a buyer's subscription to a product). Mutable; every access goes through its monitor so
 * a state change and the notifications it causes are seen in one order by all threads.
 */
public final class Subscription {

    private final String id;
    private final Product product;
    private final String buyerAccountId;
    private final String customerIdentifier;
    private final String licenseArn;
    private final String agreementId;
    private final String offerId;
    private final boolean freeTrial;
    private final Instant createdAt;
    private final Instant contractEnd;
    private final Map<String, EntitlementValue> quantities = new LinkedHashMap<>();
    private final List<String> tokens = new ArrayList<>();

    private SubscriptionState state = SubscriptionState.PENDING;
    private Instant activatedAt;
    private Instant cancelRequestedAt;
    private Instant endedAt;
    private String supersededBy;
    private boolean autoRenew = true;
    private boolean apiCreated;
    private String channelPartnerAccountId;
    private boolean privateOffer;

    Subscription(String id, Product product, String buyerAccountId, String customerIdentifier, String licenseArn,
            String agreementId, String offerId, boolean freeTrial, Instant createdAt,
            Map<String, EntitlementValue> quantities) {
        this.id = id;
        this.product = product;
        this.buyerAccountId = buyerAccountId;
        this.customerIdentifier = customerIdentifier;
        this.licenseArn = licenseArn;
        this.agreementId = agreementId;
        this.offerId = offerId;
        this.freeTrial = freeTrial;
        this.createdAt = createdAt;
        this.contractEnd = product.pricingModel().hasContract()
                ? createdAt.atOffset(ZoneOffset.UTC).plusMonths(product.contractMonths()).toInstant()
                : null;
        this.quantities.putAll(quantities);
        this.channelPartnerAccountId = product.channelPartnerAccountId();
    }

    public String id() {
        return id;
    }

    public Product product() {
        return product;
    }

    public String productCode() {
        return product.code();
    }

    public String buyerAccountId() {
        return buyerAccountId;
    }

    /** The legacy CustomerIdentifier; null for Concurrent Agreements products. */
    public String customerIdentifier() {
        return customerIdentifier;
    }

    public String licenseArn() {
        return licenseArn;
    }

    public String agreementId() {
        return agreementId;
    }

    public String offerId() {
        return offerId;
    }

    public boolean freeTrial() {
        return freeTrial;
    }

    public Instant createdAt() {
        return createdAt;
    }

    /** The first usage hour the agreement covers: usage stamped earlier is CustomerNotSubscribed. */
    public Instant startHour() {
        return createdAt.truncatedTo(ChronoUnit.HOURS);
    }

    /** When the contract ends; null for pay-as-you-go (the Agreement API's {@code endTime} is null then too). */
    public Instant contractEnd() {
        return contractEnd;
    }

    /** The buyer's auto-renewal choice (the renewal term's {@code enableAutoRenew}); contracts only. */
    public synchronized boolean autoRenew() {
        return autoRenew;
    }

    public synchronized void autoRenew(boolean value) {
        autoRenew = value;
    }

    /** Whether the purchase was made through the Agreement API, without a browser visiting the fulfillment URL. */
    public synchronized boolean apiCreated() {
        return apiCreated;
    }

    synchronized void markApiCreated() {
        apiCreated = true;
    }

    /**
     * The channel partner that proposed the offer (CPPO), or null for the seller's own offer: the agreement's
     * proposer is then the partner, and the seller (the manufacturer) still serves the buyer.
     */
    public synchronized String channelPartnerAccountId() {
        return channelPartnerAccountId;
    }

    public synchronized void channelPartnerAccountId(String accountId) {
        channelPartnerAccountId = accountId;
    }

    /**
     * Whether the offer is private (targeted at the buyer's account): set by the seller, and always so for a channel
     * partner's offer (a CPPO is a private offer). The Catalog API's DescribeEntity says so; the Agreement API does not.
     */
    public synchronized boolean privateOffer() {
        return privateOffer || channelPartnerAccountId != null;
    }

    public synchronized void privateOffer(boolean value) {
        privateOffer = value;
    }

    /**
     * The resale authorization a CPPO was made under ({@code resaleauthz-} and 13 characters, stable per product
     * and partner, as the manufacturer's agreement events carry it), or null for the seller's own offer.
     */
    public synchronized String resaleAuthorizationId() {
        if (channelPartnerAccountId == null) {
            return null;
        }
        return Product.stableId("resaleauthz-", product.code() + "#" + channelPartnerAccountId);
    }

    /** Whether the agreement ended by a resubscription (the newer agreement replaced it). */
    public synchronized boolean superseded() {
        return supersededBy != null;
    }

    /** How long after License Deprovisioned final usage is accepted (the EventBridge page's reading). */
    public static final java.time.Duration FINAL_USAGE_WINDOW = java.time.Duration.ofHours(1);

    /**
     * Whether usage of {@code hour} is still accepted after the license was deprovisioned: EventBridge products only
     * (License Deprovisioned exists there), within {@link #FINAL_USAGE_WINDOW} of it, for hours that began before it.
     * SNS's unsubscribe-success keeps AWS's other reading: nothing more after it.
     */
    public synchronized boolean acceptsFinalUsage(Instant hour, Instant now) {
        return state == SubscriptionState.CANCELLED && supersededBy == null && endedAt != null
                && product.notificationFormat().eventBridge() && now.isBefore(endedAt.plus(FINAL_USAGE_WINDOW))
                && !hour.isAfter(endedAt);
    }

    public synchronized SubscriptionState state() {
        return state;
    }

    public synchronized Map<String, EntitlementValue> quantities() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(quantities));
    }

    /** The date GetEntitlements reports: the contract end, or the cancellation time once cancelled. */
    public synchronized Instant entitlementExpiration() {
        return cancelRequestedAt != null ? cancelRequestedAt : contractEnd;
    }

    /**
     * Whether GetEntitlements lists this agreement (simulator choice: contracts, from creation until the cancellation
     * completes or the payment fails).
     */
    public synchronized boolean hasEntitlements() {
        return product.pricingModel().hasContract()
                && state != SubscriptionState.FAILED && state != SubscriptionState.CANCELLED;
    }

    public synchronized String latestToken() {
        return tokens.isEmpty() ? null : tokens.get(tokens.size() - 1);
    }

    synchronized void addToken(String token) {
        tokens.add(token);
    }

    synchronized void transition(SubscriptionState from1, SubscriptionState from2, SubscriptionState to, Instant at,
            String action) {
        if (state != from1 && state != from2) {
            throw new IllegalStateException("cannot " + action + " subscription " + id + " in state " + state);
        }
        state = to;
        switch (to) {
            case ACTIVE -> activatedAt = at;
            case CANCEL_PENDING -> cancelRequestedAt = at;
            case FAILED, CANCELLED -> endedAt = at;
            default -> { }
        }
    }

    synchronized void supersede(String newSubscriptionId, Instant at) {
        state = SubscriptionState.CANCELLED;
        endedAt = at;
        supersededBy = newSubscriptionId;
    }

    synchronized void amend(Map<String, EntitlementValue> changes) {
        if (state != SubscriptionState.ACTIVE) {
            throw new IllegalStateException("cannot upgrade subscription " + id + " in state " + state
                    + ": only ACTIVE contracts can be amended");
        }
        quantities.putAll(changes);
    }

    /** Resolves raw quantities against the product's contracted dimensions. */
    static Map<String, EntitlementValue> contractQuantities(Product product, Map<String, Object> raw,
            boolean fillDefaults) {
        Map<String, Object> given = raw == null ? Map.of() : raw;
        if (!given.isEmpty() && !product.pricingModel().hasContract()) {
            throw new IllegalArgumentException("product " + product.code() + " is a "
                    + product.pricingModel() + ": it has no contract quantities");
        }
        Map<String, EntitlementValue> result = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : given.entrySet()) {
            Dimension d = product.dimension(e.getKey())
                    .filter(Dimension::contracted)
                    .orElseThrow(() -> new IllegalArgumentException("'" + e.getKey()
                            + "' is not a contracted dimension of product " + product.code()));
            result.put(d.name(), EntitlementValue.of(d, e.getValue()));
        }
        if (fillDefaults) {
            Map<String, EntitlementValue> ordered = new LinkedHashMap<>();
            for (Dimension d : product.contractedDimensions()) {
                ordered.put(d.name(), result.getOrDefault(d.name(), EntitlementValue.defaultFor(d)));
            }
            return ordered;
        }
        return result;
    }

    public synchronized SubscriptionView view(String launchUrl) {
        return new SubscriptionView(id, product.code(), product.identityModel(), product.pricingModel(), state,
                buyerAccountId, customerIdentifier, licenseArn, agreementId, offerId, freeTrial,
                new LinkedHashMap<>(quantities), createdAt, activatedAt, cancelRequestedAt, endedAt,
                entitlementExpiration(), supersededBy, latestToken(), launchUrl, agreementStatus(),
                channelPartnerAccountId, contractEnd, product.pricingModel().hasContract() ? autoRenew : null,
                privateOffer());
    }

    /**
     * The agreement's status as the Agreement API answers it (a simulator mapping): pending and active agreements are
     * ACTIVE; a failed payment TERMINATED; a cancellation CANCELLED, or REPLACED when a resubscription took over.
     */
    public synchronized String agreementStatus() {
        return switch (state) {
            case PENDING, ACTIVE -> "ACTIVE";
            case FAILED -> "TERMINATED";
            case CANCEL_PENDING, CANCELLED -> supersededBy != null ? "REPLACED" : "CANCELLED";
        };
    }

    @Override
    public String toString() {
        return "Subscription[" + id + ", product=" + product.code() + ", account=" + buyerAccountId + ", license="
                + licenseArn + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Subscription s && s.id.equals(id);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id);
    }
}
