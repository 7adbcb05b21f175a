package io.mpsaas.onboarding.rest;

import io.mpsaas.onboarding.domain.LandingFailure;

/** Every page that is not the form or the confirmation, with its HTTP status. */
public enum ProblemKind {
    /** GET or HEAD on the fulfillment path: a visitor, or AWS checking the URL renders. */
    START(200),
    MISSING_TOKEN(400),
    INVALID_TOKEN(400),
    EXPIRED_TOKEN(400),
    /** AWS Marketplace (or our storage) throttled or down after retries: the retry button re-posts the same token. */
    TEMPORARILY_UNAVAILABLE(503),
    /** Only the seller can fix it: API disabled, access denied, an answer we cannot use. */
    SETUP_FAILED(502),
    /** The registration form's signed reference expired. */
    REFERENCE_EXPIRED(403),
    /** The registration form's signed reference is missing, forged or tampered with. */
    REFERENCE_INVALID(403),
    /** The CSRF check failed and the form cannot be shown again. */
    FORM_EXPIRED(403),
    /** A registration link (a purchase made through the API) past its {@code api-purchase.link-ttl}. */
    LINK_EXPIRED(410),
    /** A registration link that is malformed, forged, tampered with or names no customer we know. */
    LINK_INVALID(404),
    BAD_REQUEST(400),
    NOT_FOUND(404),
    METHOD_NOT_ALLOWED(405),
    TOO_LARGE(413),
    UNSUPPORTED_MEDIA_TYPE(415),
    /** One client sent more requests to the fulfillment URL than {@code suite.onboarding.rate-limit} allows. */
    TOO_MANY_REQUESTS(429),
    /** Our bug: logged with its stack trace, the buyer is told to try again or contact the seller. */
    INTERNAL_ERROR(500);

    private final int status;

    ProblemKind(int status) {
        this.status = status;
    }

    public int status() {
        return status;
    }

    public static ProblemKind of(LandingFailure failure) {
        return switch (failure) {
            case MISSING_TOKEN -> MISSING_TOKEN;
            case INVALID_TOKEN -> INVALID_TOKEN;
            case EXPIRED_TOKEN -> EXPIRED_TOKEN;
            case TEMPORARILY_UNAVAILABLE -> TEMPORARILY_UNAVAILABLE;
            case SETUP_FAILED -> SETUP_FAILED;
        };
    }

    /** The page for a bare error status of the HTTP layer. */
    public static ProblemKind ofStatus(int status) {
        return switch (status) {
            case 404 -> NOT_FOUND;
            case 405 -> METHOD_NOT_ALLOWED;
            case 413 -> TOO_LARGE;
            case 415 -> UNSUPPORTED_MEDIA_TYPE;
            case 429 -> TOO_MANY_REQUESTS;
            case 403 -> FORM_EXPIRED;
            case 503 -> TEMPORARILY_UNAVAILABLE;
            default -> status >= 500 ? INTERNAL_ERROR : BAD_REQUEST;
        };
    }
}
