package io.mpsaas.onboarding.service;

import io.mpsaas.common.customer.CustomerKeys;
import io.mpsaas.common.customer.CustomerRecord;
import io.mpsaas.common.customer.RegistrationRecord;
import io.mpsaas.common.marketplace.AgreementEntitlement;
import io.mpsaas.common.marketplace.Agreements;
import io.mpsaas.common.marketplace.MarketplaceException;
import io.mpsaas.common.rest.Problem;
import io.mpsaas.onboarding.config.OnboardingConfig;
import io.mpsaas.onboarding.domain.ReferenceCheck;
import io.mpsaas.onboarding.persistence.CustomerStore;
import io.mpsaas.onboarding.persistence.RegistrationStore;
import io.mpsaas.onboarding.service.RegistrationLinkResult.Reason;
import io.mpsaas.onboarding.service.RegistrationLinkResult.Refused;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Purchases made through the Agreement API: no buyer's browser brings a token to the fulfillment URL, so the seller
 * asks for the agreement's registration link. GetAgreementEntitlements hands over the registration token (AWS: valid
 * 30 minutes); it is resolved at once through the fulfillment's own path ({@link FulfillmentService#land}: the same
 * identity rules, the same customer item, idempotent on repeat), so the 30 minutes are the seller's call, not the
 * buyer's e-mail. The link carries a signed reference to the resolved customer, valid
 * {@code suite.onboarding.api-purchase.link-ttl}; the token itself goes nowhere else.
 */
@ApplicationScoped
public class ApiPurchaseService {

    /** botocore's {@code ResourceId} without {@code /} (the id is a path segment of the seller's call). */
    private static final Pattern AGREEMENT_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private final Agreements agreements;
    private final FulfillmentService fulfillment;
    private final CustomerStore customers;
    private final RegistrationStore registrations;
    private final ReferenceSigner signer;
    private final Clock clock;
    private final Duration linkTtl;

    public ApiPurchaseService(Agreements agreements, FulfillmentService fulfillment, CustomerStore customers,
            RegistrationStore registrations, ReferenceSigner signer, Clock clock, OnboardingConfig config) {
        this.agreements = agreements;
        this.registrations = registrations;
        this.fulfillment = fulfillment;
        this.customers = customers;
        this.signer = signer;
        this.clock = clock;
        this.linkTtl = config.apiPurchase().linkTtl();
    }

    /** What opening a registration link led to. */
    public sealed interface Opening {

        /** The link is good: the registration form, as a landing shows it (a fresh form reference). */
        record Opened(CustomerRecord customer, String reference, Optional<RegistrationRecord> registration)
                implements Opening {
        }

        /** Signed by us, past its lifetime. */
        record Expired() implements Opening {
        }

        /** Malformed, forged, tampered with, or naming no stored customer. */
        record Invalid() implements Opening {
        }

        /** Our storage did not answer. */
        record Unavailable() implements Opening {
        }
    }

    /**
     * Opens a registration link: checks its signature and lifetime, reads the customer it names and issues the
     * registration form's own reference ({@code reference-ttl}), exactly what a landing gives the form. Writes nothing.
     */
    public Opening open(String link) {
        ReferenceCheck check = signer.checkLink(link);
        if (check instanceof ReferenceCheck.Expired expired) {
            Log.infof("Registration link of customer %s opened after it expired (%s)",
                    Problem.excerpt(expired.customerKey()), expired.expiredAt());
            return new Opening.Expired();
        }
        if (!(check instanceof ReferenceCheck.Valid valid)) {
            Log.infof("Registration link refused: %s", ((ReferenceCheck.Invalid) check).reason());
            return new Opening.Invalid();
        }
        try {
            Optional<CustomerRecord> customer = customers.find(valid.customerKey());
            if (customer.isEmpty()) {
                Log.warnf("Registration link names customer %s, which is not stored", valid.customerKey());
                return new Opening.Invalid();
            }
            CustomerRecord found = customer.get();
            Optional<RegistrationRecord> registration = found.registered() ? registrations.find(found.key())
                    : Optional.empty();
            Log.infof("Registration link opened: customer %s (product %s, license %s), state %s, registered %s",
                    found.key(), found.productCode(), found.licenseArn(), found.state(), found.registered());
            return new Opening.Opened(found, signer.issue(found.key()), registration);
        } catch (SdkException e) {
            Log.warnf("Could not read customer %s for a registration link (%s)", valid.customerKey(),
                    e.getClass().getSimpleName());
            return new Opening.Unavailable();
        }
    }

    /** The registration link of the agreement's customer, resolving the agreement's registration token if AWS has one. */
    public RegistrationLinkResult issue(String agreementId) {
        if (agreementId == null || !AGREEMENT_ID.matcher(agreementId).matches()) {
            return new Refused(Reason.INVALID_AGREEMENT_ID, "An agreement id is 1 to 64 letters, digits, '-' or '_'"
                    + " (AWS's agmt-...), not '" + Problem.excerpt(agreementId) + "'.");
        }
        List<AgreementEntitlement> entitlements;
        try {
            entitlements = agreements.getAgreementEntitlements(agreementId);
        } catch (MarketplaceException e) {
            return entitlementsFailed(agreementId, e);
        }
        Optional<AgreementEntitlement> withToken = entitlements.stream()
                .filter(e -> e.registrationToken() != null && !e.registrationToken().isBlank()).findFirst();
        if (withToken.isPresent()) {
            return resolve(agreementId, withToken.get());
        }
        try {
            // the token is handed out only while it resolves: a repeat after that finds the customer it made
            Optional<CustomerRecord> known = known(entitlements);
            if (known.isPresent()) {
                return issued(agreementId, known.get(), false);
            }
        } catch (SdkException e) {
            Log.warnf("Could not read the customer of agreement %s (%s); the seller was asked to try again",
                    agreementId, e.getClass().getSimpleName());
            return new Refused(Reason.TEMPORARILY_UNAVAILABLE, "Our storage did not answer; ask again in a minute.");
        }
        String statuses = entitlements.isEmpty() ? "no entitlement"
                : String.join(", ", entitlements.stream().map(e -> e.status() + (e.statusReasonCode() == null ? ""
                        : " (" + e.statusReasonCode() + ")")).toList());
        Log.infof("No registration link for agreement %s: GetAgreementEntitlements carries no registration token and"
                + " no customer of it is stored (entitlements: %s)", agreementId, statuses);
        return new Refused(Reason.NO_REGISTRATION_TOKEN, "AWS Marketplace hands out no registration token for"
                + " agreement " + agreementId + " (entitlements: " + statuses + ") and no customer of it has been"
                + " set up: either it was not purchased through the API (its buyer sets up through the fulfillment"
                + " URL, from Your Marketplace Software), or its token expired (30 minutes after the purchase) before"
                + " anyone asked for the link. A buyer of an expired token sets up from Your Marketplace Software too.");
    }

    private RegistrationLinkResult resolve(String agreementId, AgreementEntitlement entitlement) {
        LandingResult result = fulfillment.land(entitlement.registrationToken(), null);
        if (result instanceof LandingResult.Landed landed) {
            if (entitlement.licenseArn() != null && landed.customer().licenseArn() != null
                    && !entitlement.licenseArn().equals(landed.customer().licenseArn())) {
                // AWS's two answers disagree: the token (what ResolveCustomer said) is the authority, as on a landing
                Log.warnf("Agreement %s: GetAgreementEntitlements names license %s, ResolveCustomer %s; the link is for"
                        + " the resolved customer %s", agreementId, entitlement.licenseArn(),
                        landed.customer().licenseArn(), landed.customer().key());
            }
            return issued(agreementId, landed.customer(), true);
        }
        return switch (((LandingResult.Failed) result).failure()) {
            case EXPIRED_TOKEN -> new Refused(Reason.TOKEN_EXPIRED, "The registration token of agreement " + agreementId
                    + " expired before it could be resolved (AWS gives 30 minutes from the purchase). The buyer sets"
                    + " up from Your Marketplace Software in AWS Marketplace instead.");
            case TEMPORARILY_UNAVAILABLE -> new Refused(Reason.TEMPORARILY_UNAVAILABLE, "AWS Marketplace or our storage"
                    + " did not answer after the retries; ask again in a minute (the token resolves for 30 minutes"
                    + " from the purchase).");
            case MISSING_TOKEN, INVALID_TOKEN, SETUP_FAILED -> new Refused(Reason.MARKETPLACE_REFUSED, "AWS"
                    + " Marketplace refused to resolve the registration token of agreement " + agreementId + " (see"
                    + " the service's log: permissions of aws-marketplace:ResolveCustomer, the publishing account).");
        };
    }

    private Optional<CustomerRecord> known(List<AgreementEntitlement> entitlements) {
        for (AgreementEntitlement entitlement : entitlements) {
            String key;
            try {
                key = entitlement.licenseArn() == null ? null : CustomerKeys.forLicense(entitlement.licenseArn());
            } catch (IllegalArgumentException e) {
                key = null;
            }
            Optional<CustomerRecord> customer = key == null ? Optional.empty() : customers.find(key);
            if (customer.isPresent()) {
                return customer;
            }
        }
        return Optional.empty();
    }

    private RegistrationLinkResult issued(String agreementId, CustomerRecord customer, boolean tokenResolved) {
        Instant expiresAt = clock.instant().plus(linkTtl);
        String reference = signer.issueLink(customer.key(), expiresAt);
        Log.infof("Registration link issued for agreement %s: customer %s (product %s, license %s), valid until %s,"
                + " token resolved now: %s", agreementId, customer.key(), customer.productCode(),
                customer.licenseArn(), expiresAt, tokenResolved);
        return new RegistrationLinkResult.Issued(agreementId, customer, reference, expiresAt, tokenResolved);
    }

    private static RegistrationLinkResult entitlementsFailed(String agreementId, MarketplaceException e) {
        switch (e.error()) {
            case RESOURCE_NOT_FOUND:
                Log.infof("GetAgreementEntitlements: agreement %s not found (request %s)", agreementId,
                        e.requestId());
                return new Refused(Reason.AGREEMENT_NOT_FOUND, "AWS Marketplace knows no agreement " + agreementId
                        + " of this seller.");
            case VALIDATION:
                Log.infof("GetAgreementEntitlements refused agreement id %s: %s", agreementId, e.errorType());
                return new Refused(Reason.INVALID_AGREEMENT_ID, "AWS Marketplace refused the agreement id "
                        + agreementId + ".");
            default:
                if (e.error().retryable()) {
                    Log.warnf("GetAgreementEntitlements failed with %s (HTTP %d, request %s) after %d attempts",
                            e.errorType(), e.httpStatus(), e.requestId(), e.attempts());
                    return new Refused(Reason.TEMPORARILY_UNAVAILABLE, "AWS Marketplace is throttling or not"
                            + " answering; ask again in a minute.");
                }
                Log.errorf("GetAgreementEntitlements failed with %s (HTTP %d, request %s). The seller must fix this"
                        + " (aws-marketplace:GetAgreementEntitlements permission, the publishing account)",
                        e.errorType(), e.httpStatus(), e.requestId());
                return new Refused(Reason.MARKETPLACE_REFUSED, "AWS Marketplace refused GetAgreementEntitlements ("
                        + e.errorType() + "); check the service's permissions.");
        }
    }
}
