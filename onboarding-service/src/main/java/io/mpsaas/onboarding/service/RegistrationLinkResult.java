package io.mpsaas.onboarding.service;

import io.mpsaas.common.customer.CustomerRecord;
import java.time.Instant;

/** What a seller's request for the registration link of a purchase made through the API led to. */
public sealed interface RegistrationLinkResult {

    /**
     * The customer is stored and the link's reference signed.
     *
     * @param reference     the link's signed reference ({@link ReferenceSigner#issueLink}): a bearer of the form, never
     *                      logged
     * @param tokenResolved whether this call resolved the agreement's registration token (false: an earlier call or
     *                      a landing on the fulfillment URL did, and AWS no longer hands the token out)
     */
    record Issued(String agreementId, CustomerRecord customer, String reference, Instant expiresAt,
            boolean tokenResolved) implements RegistrationLinkResult {
    }

    /** No link: why, in the seller's terms. */
    record Refused(Reason reason, String detail) implements RegistrationLinkResult {
    }

    /** Why no link was issued, each with the HTTP status and problem type the seller's call answers. */
    enum Reason {
        /** Not an agreement id AWS would accept. */
        INVALID_AGREEMENT_ID(400, "invalid-agreement-id", "Invalid agreement id"),
        /** AWS knows no agreement of this seller with that id. */
        AGREEMENT_NOT_FOUND(404, "agreement-not-found", "Agreement not found"),
        /**
         * GetAgreementEntitlements carries no registration token and no customer of the agreement is stored: the
         * agreement was not bought through the API, or its token expired before anyone asked.
         */
        NO_REGISTRATION_TOKEN(409, "no-registration-token", "No registration token"),
        /** ResolveCustomer answered ExpiredTokenException (the 30 minutes ran out between the two calls). */
        TOKEN_EXPIRED(410, "registration-token-expired", "Registration token expired"),
        /** AWS Marketplace refused the token it handed out itself, or our seller's access: only the seller can fix it. */
        MARKETPLACE_REFUSED(502, "marketplace-refused", "AWS Marketplace refused the request"),
        /** AWS Marketplace or our storage throttled or down after the retries: ask again later. */
        TEMPORARILY_UNAVAILABLE(503, "unavailable", "Service unavailable");

        private final int status;
        private final String slug;
        private final String title;

        Reason(int status, String slug, String title) {
            this.status = status;
            this.slug = slug;
            this.title = title;
        }

        public int status() {
            return status;
        }

        public String slug() {
            return slug;
        }

        public String title() {
            return title;
        }
    }
}
