package io.mpsaas.sandbox.marketplace.buyer;

import io.mpsaas.sandbox.marketplace.catalog.Product;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * All agreements, registration tokens and legacy customer identities of one simulator. Reads are lock-free;
 * creating an agreement is serialised so the legacy "one live subscription per account and product" rule holds.
 */
public final class SubscriptionRegistry {

    /** How long a registration token resolves (AWS: "an expiration window of 4 hours"). */
    public static final Duration TOKEN_VALIDITY = Duration.ofHours(4);

    /** How long the registration token of a purchase made through the Agreement API resolves (30 minutes). */
    public static final Duration API_TOKEN_VALIDITY = Duration.ofMinutes(30);

    private record TokenGrant(String subscriptionId, Instant issuedAt, Duration validity) { }

    private record LegacyKey(String productCode, String accountId) { }

    private final Ids ids;
    private final Map<String, Subscription> byId = new ConcurrentHashMap<>();
    private final Map<String, Subscription> byLicense = new ConcurrentHashMap<>();
    private final Map<String, TokenGrant> tokens = new ConcurrentHashMap<>();
    // Legacy identity is per (product, account) and survives resubscription, as AWS's CustomerIdentifier does.
    private final Map<LegacyKey, String> legacyCustomers = new ConcurrentHashMap<>();

    public SubscriptionRegistry(Ids ids) {
        this.ids = ids;
    }

    /** The result of {@link #create}: the new agreement and, for a legacy resubscription, the one it replaced. */
    public record Created(Subscription subscription, Subscription superseded) { }

    public synchronized Created create(Product product, SubscribeRequest request, Instant now) {
        if (request.freeTrial() && !product.freeTrial()) {
            throw new IllegalArgumentException("product " + product.code() + " has no free trial offer");
        }
        String account = request.buyerAccountId() != null ? request.buyerAccountId() : ids.accountId();
        Map<String, EntitlementValue> quantities =
                Subscription.contractQuantities(product, request.quantities(), true);
        String customerIdentifier = null;
        Subscription superseded = null;
        String newId = ids.subscriptionId();
        if (!product.concurrentAgreements()) {
            customerIdentifier = legacyCustomers.computeIfAbsent(new LegacyKey(product.code(), account),
                    k -> ids.customerIdentifier());
            for (Subscription s : forLegacyCustomer(product.code(), customerIdentifier)) {
                switch (s.state()) {
                    case PENDING, ACTIVE -> throw new IllegalStateException("account " + account
                            + " already has subscription " + s.id() + " (" + s.state() + ") to legacy product "
                            + product.code() + "; legacy products allow one agreement per account");
                    // AWS: resubscribing before unsubscribe-success suppresses it; a new subscribe-success follows.
                    case CANCEL_PENDING -> superseded = s;
                    default -> { }
                }
            }
        }
        Subscription sub = new Subscription(newId, product, account, customerIdentifier, ids.licenseArn(account),
                ids.agreementId(), request.offerId() != null ? request.offerId() : ids.offerId(),
                request.freeTrial(), now, quantities);
        if (superseded != null) {
            superseded.supersede(newId, now);
        }
        byId.put(sub.id(), sub);
        byLicense.put(sub.licenseArn(), sub);
        return new Created(sub, superseded);
    }

    /** Issues a new registration token for the subscription ("Set up your account" again). */
    public String issueToken(Subscription subscription, Instant now) {
        return issueToken(subscription, now, TOKEN_VALIDITY);
    }

    /**
     * Marks the subscription as bought through the Agreement API and issues the registration token
     * GetAgreementEntitlements hands the seller: valid {@link #API_TOKEN_VALIDITY}.
     */
    public String issueApiToken(Subscription subscription, Instant now) {
        subscription.markApiCreated();
        return issueToken(subscription, now, API_TOKEN_VALIDITY);
    }

    private String issueToken(Subscription subscription, Instant now, Duration validity) {
        String token = ids.registrationToken();
        tokens.put(token, new TokenGrant(subscription.id(), now, validity));
        subscription.addToken(token);
        return token;
    }

    /** Whether the token is still within its validity window. */
    public boolean tokenValid(String token, Instant now) {
        return lookupToken(token, now) instanceof TokenLookup.Valid;
    }

    public TokenLookup lookupToken(String token, Instant now) {
        TokenGrant grant = token == null ? null : tokens.get(token);
        if (grant == null) {
            return new TokenLookup.Unknown();
        }
        if (!now.isBefore(grant.issuedAt().plus(grant.validity()))) {
            return new TokenLookup.Expired();
        }
        return new TokenLookup.Valid(byId.get(grant.subscriptionId()));
    }

    public Optional<Subscription> find(String id) {
        return Optional.ofNullable(id == null ? null : byId.get(id));
    }

    public Subscription require(String id) {
        return find(id).orElseThrow(() -> new java.util.NoSuchElementException("no subscription " + id));
    }

    public Optional<Subscription> byLicenseArn(String licenseArn) {
        return Optional.ofNullable(licenseArn == null ? null : byLicense.get(licenseArn));
    }

    /** The legacy CustomerIdentifier of an account for a product, if that account ever subscribed. */
    public Optional<String> legacyCustomerOf(String productCode, String accountId) {
        return Optional.ofNullable(legacyCustomers.get(new LegacyKey(productCode, accountId)));
    }

    /** Every agreement (current and past) of a legacy customer. */
    public List<Subscription> forLegacyCustomer(String productCode, String customerIdentifier) {
        return all().stream()
                .filter(s -> s.productCode().equals(productCode)
                        && customerIdentifier.equals(s.customerIdentifier()))
                .toList();
    }

    /** All agreements in creation order. */
    public List<Subscription> all() {
        List<Subscription> list = new ArrayList<>(byId.values());
        list.sort(Comparator.comparing(Subscription::createdAt).thenComparing(Subscription::id));
        return list;
    }

    public List<Subscription> forProduct(String productCode) {
        return all().stream().filter(s -> s.productCode().equals(productCode)).toList();
    }

    public synchronized void reset() {
        byId.clear();
        byLicense.clear();
        tokens.clear();
        legacyCustomers.clear();
    }
}
