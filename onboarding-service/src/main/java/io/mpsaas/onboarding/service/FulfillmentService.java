package io.mpsaas.onboarding.service;

import io.mpsaas.common.customer.CustomerRecord;
import io.mpsaas.common.customer.RegistrationRecord;
import io.mpsaas.common.logging.CustomerMdc;
import io.mpsaas.common.marketplace.Marketplace;
import io.mpsaas.common.marketplace.MarketplaceException;
import io.mpsaas.common.marketplace.ResolvedCustomer;
import io.mpsaas.common.messaging.Failures;
import io.mpsaas.common.rest.Problem;
import io.mpsaas.onboarding.domain.CustomerIdentity;
import io.mpsaas.onboarding.domain.Landing;
import io.mpsaas.onboarding.domain.LandingFailure;
import io.mpsaas.onboarding.persistence.CustomerStore;
import io.mpsaas.onboarding.persistence.RegistrationStore;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The fulfillment POST: resolves the registration token at once (AWS: tokens may expire within the hour), records the
 * landing on the customer item and issues the signed reference the registration form carries from then on. The token
 * itself goes nowhere else: not into storage, a log, a URL or a cookie.
 */
@ApplicationScoped
public class FulfillmentService {

    /** Real tokens are a few hundred characters; a longer value is refused without asking AWS. */
    static final int MAX_TOKEN_LENGTH = 4096;

    private final Marketplace marketplace;
    private final CustomerStore customers;
    private final RegistrationStore registrations;
    private final ReferenceSigner signer;
    private final Clock clock;
    private final OnboardingMetrics metrics;

    public FulfillmentService(Marketplace marketplace, CustomerStore customers, RegistrationStore registrations,
            ReferenceSigner signer, Clock clock, OnboardingMetrics metrics) {
        this.marketplace = marketplace;
        this.customers = customers;
        this.registrations = registrations;
        this.signer = signer;
        this.clock = clock;
        this.metrics = metrics;
    }

    /**
     * Handles one landing.
     *
     * @param token     {@code x-amzn-marketplace-token} as posted, possibly null
     * @param offerType {@code x-amzn-marketplace-offer-type} as posted, possibly null
     */
    public LandingResult land(String token, String offerType) {
        LandingResult result = resolveAndRecord(token, offerType);
        if (result instanceof LandingResult.Failed failed) {
            metrics.landingFailed(failed.failure());
        } else {
            metrics.landed();
        }
        return result;
    }

    private LandingResult resolveAndRecord(String token, String offerType) {
        if (token == null || token.isBlank()) {
            Log.info("Fulfillment POST without a registration token; showing the start-from-AWS-Marketplace page");
            return new LandingResult.Failed(LandingFailure.MISSING_TOKEN);
        }
        if (token.length() > MAX_TOKEN_LENGTH) {
            Log.infof("Fulfillment POST with a %d-character registration token refused without calling AWS",
                    token.length());
            return new LandingResult.Failed(LandingFailure.INVALID_TOKEN);
        }
        ResolvedCustomer resolved;
        try {
            resolved = marketplace.resolveCustomer(token.strip());
        } catch (MarketplaceException e) {
            return new LandingResult.Failed(resolveFailed(e, token));
        }
        Optional<CustomerIdentity> identity = CustomerIdentity.of(resolved);
        if (identity.isEmpty()) {
            // quoted as bounded excerpts: an answer this broken may carry anything
            Log.errorf("ResolveCustomer answered without a usable identity (product %s, account %s, license %s,"
                    + " customerIdentifier %s); nothing was stored and the buyer was told to contact the seller",
                    Problem.excerpt(resolved.productCode()), Problem.excerpt(resolved.customerAwsAccountId()),
                    Problem.excerpt(resolved.licenseArn()), Problem.excerpt(resolved.customerIdentifier()));
            return new LandingResult.Failed(LandingFailure.SETUP_FAILED);
        }
        CustomerIdentity id = identity.get();
        try (CustomerMdc ignored = CustomerMdc.of(id.customerKey(), id.productCode(), id.licenseArn(),
                id.customerIdentifier())) {
            return record(id, offerType);
        }
    }

    private LandingResult record(CustomerIdentity id, String offerType) {
        CustomerRecord customer;
        try {
            customer = customers.recordLanding(Landing.of(id, offerType, clock.instant()));
        } catch (SdkException e) {
            java.util.Optional<String> permanent = Failures.permanent(e);
            if (permanent.isPresent()) {
                // DynamoDB refuses this identity for good: a retry page would invite a retry that cannot succeed
                Log.errorf("Could not store the landing of customer %s (product %s): %s; the buyer was told to contact"
                        + " the seller", Problem.excerpt(id.customerKey()), Problem.excerpt(id.productCode()),
                        permanent.get());
                return new LandingResult.Failed(LandingFailure.SETUP_FAILED);
            }
            Log.warnf("Could not store the landing of customer %s (product %s, license %s, customerIdentifier %s):"
                    + " %s; the buyer got the retry page", id.customerKey(), id.productCode(), id.licenseArn(),
                    id.customerIdentifier(), e.getClass().getSimpleName());
            return new LandingResult.Failed(LandingFailure.TEMPORARILY_UNAVAILABLE);
        }
        Optional<RegistrationRecord> registration = Optional.empty();
        if (customer.registered()) {
            try {
                registration = registrations.find(id.customerKey());
            } catch (SdkException e) {
                Log.warnf("Could not read the registration of customer %s (%s); showing an empty form",
                        id.customerKey(), e.getClass().getSimpleName());
            }
        }
        Log.infof("Buyer landed: customer %s (%s, product %s, account %s, license %s, customerIdentifier %s),"
                + " landing %d, offer type hint %s, state %s, registered %s", customer.key(), id.identityModel(),
                id.productCode(), id.customerAwsAccountId(), id.licenseArn(), id.customerIdentifier(),
                customer.landings(), customer.offerTypeHint(), customer.state(), customer.registered());
        return new LandingResult.Landed(customer, signer.issue(customer.key()), registration);
    }

    private static LandingFailure resolveFailed(MarketplaceException e, String token) {
        LandingFailure failure = LandingFailure.of(e.error());
        switch (failure) {
            case INVALID_TOKEN, EXPIRED_TOKEN -> Log.infof("ResolveCustomer refused the registration token: %s"
                    + " (request %s); the buyer was sent back to AWS Marketplace", e.errorType(), e.requestId());
            case TEMPORARILY_UNAVAILABLE -> Log.warnf("ResolveCustomer failed with %s (HTTP %d, request %s) after %d"
                    + " attempts; the buyer got the retry page", e.errorType(), e.httpStatus(), e.requestId(),
                    e.attempts());
            default -> Log.errorf("ResolveCustomer failed with %s (HTTP %d, request %s): %s. The seller must fix this"
                    + " (permissions of aws-marketplace:ResolveCustomer, the publishing account, the region); the"
                    + " buyer was told to contact the seller", e.errorType(), e.httpStatus(), e.requestId(),
                    redact(e.getMessage(), token));
        }
        return failure;
    }

    /** AWS's message, with the token cut out should AWS ever echo it. */
    static String redact(String message, String token) {
        if (message == null) {
            return "";
        }
        String stripped = token.strip();
        return stripped.isEmpty() ? message : message.replace(stripped, "<registration token>");
    }
}
