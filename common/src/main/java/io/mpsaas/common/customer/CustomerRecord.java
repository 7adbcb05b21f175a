package io.mpsaas.common.customer;

import static io.mpsaas.common.customer.CustomerAttributes.*;

import io.mpsaas.common.dynamo.Attr;
import io.mpsaas.common.dynamo.SuiteTables;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Read view of a customer item, shared by the three services. Fields not written yet are null (or false, 0, empty).
 *
 * @param offerTypeHint the offer type the buyer's browser posted on a landing ({@code free-trial}): a hint only
 * @param freeTrial     whether AWS confirmed a free trial (subscribe-success's {@code isFreeTrialTermPresent})
 * @param agreementTerms the current agreement's terms as the Agreement API described them; null until read
 */
public record CustomerRecord(String key, IdentityModel identityModel, String productCode, String customerIdentifier,
        String customerAwsAccountId, String licenseArn, String agreementId, String offerId, Instant createdAt,
        Instant firstLandedAt, Instant lastLandedAt, long landings, String offerTypeHint, boolean registered,
        Instant registeredAt, SubscriptionState subscriptionState, Instant stateChangedAt, Instant stateEventAt,
        boolean freeTrial, Map<String, StoredEntitlement> entitlements, Instant entitlementsRefreshedAt,
        long version, AgreementTerms agreementTerms) {

    public CustomerRecord {
        entitlements = entitlements == null ? Map.of() : Map.copyOf(entitlements);
    }

    /** The state, with a customer nobody has confirmed yet counted as pending. */
    public SubscriptionState state() {
        return subscriptionState == null ? SubscriptionState.PENDING : subscriptionState;
    }

    /** Reads a customer item ({@code sk = CUSTOMER}). */
    public static CustomerRecord fromItem(Map<String, AttributeValue> item) {
        Map<String, StoredEntitlement> entitlements = new TreeMap<>();
        AttributeValue stored = item.get(ENTITLEMENTS);
        if (stored != null && stored.hasM()) {
            stored.m().forEach((dimension, value) -> entitlements.put(dimension,
                    StoredEntitlement.fromAttribute(dimension, value)));
        }
        String model = Attr.string(item, IDENTITY_MODEL);
        String state = Attr.string(item, SUBSCRIPTION_STATE);
        Long landings = Attr.number(item, LANDINGS);
        Long version = Attr.number(item, VERSION);
        return new CustomerRecord(Attr.string(item, SuiteTables.PK),
                model == null ? null : IdentityModel.valueOf(model),
                Attr.string(item, PRODUCT_CODE), Attr.string(item, CUSTOMER_IDENTIFIER),
                Attr.string(item, CUSTOMER_AWS_ACCOUNT_ID), Attr.string(item, LICENSE_ARN),
                Attr.string(item, AGREEMENT_ID), Attr.string(item, OFFER_ID), Attr.instant(item, CREATED_AT),
                Attr.instant(item, FIRST_LANDED_AT), Attr.instant(item, LAST_LANDED_AT),
                landings == null ? 0 : landings, offerTypeHint(item), Attr.flag(item, REGISTERED),
                Attr.instant(item, REGISTERED_AT), state == null ? null : SubscriptionState.valueOf(state),
                Attr.instant(item, STATE_CHANGED_AT), Attr.instant(item, STATE_EVENT_AT), Attr.flag(item, FREE_TRIAL),
                entitlements, Attr.instant(item, ENTITLEMENTS_REFRESHED_AT), version == null ? 0 : version,
                AgreementTerms.fromAttribute(item.get(AGREEMENT_TERMS)));
    }

    /** The hint, or on an item written before it had its own attribute, what the former attributes said. */
    private static String offerTypeHint(Map<String, AttributeValue> item) {
        String hint = Attr.string(item, OFFER_TYPE_HINT);
        if (hint == null) {
            hint = Attr.string(item, LEGACY_OFFER_TYPE);
        }
        return hint == null && Attr.flag(item, LEGACY_FREE_TRIAL_OFFER) ? "free-trial" : hint;
    }
}
