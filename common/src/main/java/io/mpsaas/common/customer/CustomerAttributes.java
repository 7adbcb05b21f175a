package io.mpsaas.common.customer;

/**
 * Attribute names of the customer item ({@code sk = CUSTOMER}) in the customers table. Each service writes only its
 * own attributes, with UpdateItem and conditions, never a whole-item put: onboarding the landing ones,
 * entitlement-service the subscription and entitlement ones. {@link #VERSION} is incremented by every write.
 */
public final class CustomerAttributes {

    // identity (written by whoever creates the item first, never changed afterwards)
    public static final String IDENTITY_MODEL = "identityModel";
    public static final String PRODUCT_CODE = "productCode";
    public static final String CUSTOMER_IDENTIFIER = "customerIdentifier";
    public static final String CUSTOMER_AWS_ACCOUNT_ID = "customerAwsAccountId";
    public static final String LICENSE_ARN = "licenseArn";
    public static final String AGREEMENT_ID = "agreementId";
    public static final String OFFER_ID = "offerId";
    public static final String CREATED_AT = "createdAt";

    // onboarding-service
    public static final String FIRST_LANDED_AT = "firstLandedAt";
    public static final String LAST_LANDED_AT = "lastLandedAt";
    public static final String LANDINGS = "landings";
    /**
     * The {@code x-amzn-marketplace-offer-type} of the latest landing that carried one (AWS's launch form says
     * {@code free-trial}). A hint, never a fact: the buyer's own browser posts it and can post anything. Whether the
     * customer really is on a free trial is {@link #FREE_TRIAL}, which only AWS's notification sets.
     */
    public static final String OFFER_TYPE_HINT = "offerTypeHint";
    /**
     * Former attributes of the same hint ({@code freeTrialOffer}: "once true it stays"; {@code offerType}): read as
     * the hint on items written before, removed by the next landing, never written.
     */
    public static final String LEGACY_FREE_TRIAL_OFFER = "freeTrialOffer";
    public static final String LEGACY_OFFER_TYPE = "offerType";
    public static final String REGISTERED = "registered";
    public static final String REGISTERED_AT = "registeredAt";

    // entitlement-service
    public static final String SUBSCRIPTION_STATE = "subscriptionState";
    public static final String STATE_CHANGED_AT = "stateChangedAt";
    /** Time of the notification that set the current state; older notifications never move the state back. */
    public static final String STATE_EVENT_AT = "stateEventAt";
    /** Whether AWS's subscribe-success said {@code isFreeTrialTermPresent}: the only source of a free trial. */
    public static final String FREE_TRIAL = "freeTrial";
    public static final String ENTITLEMENTS = "entitlements";
    public static final String ENTITLEMENTS_REFRESHED_AT = "entitlementsRefreshedAt";

    public static final String VERSION = "version";

    /** The current agreement's terms ({@link AgreementTerms}), a map written by entitlement-service. */
    public static final String AGREEMENT_TERMS = "agreementTerms";

    /**
     * When those terms were read (epoch milliseconds): a write of terms read earlier than the stored ones is refused,
     * so a slow reader never overwrites newer terms.
     */
    public static final String AGREEMENT_TERMS_READ_AT = "agreementTermsReadAt";

    private CustomerAttributes() {
    }
}
