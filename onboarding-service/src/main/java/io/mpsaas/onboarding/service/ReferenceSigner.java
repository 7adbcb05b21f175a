package io.mpsaas.onboarding.service;

import io.mpsaas.common.security.SignedToken;
import io.mpsaas.onboarding.config.OnboardingConfig;
import io.mpsaas.onboarding.domain.ReferenceCheck;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

/**
 * Issues and checks the short-lived signed reference to a resolved customer that the registration form carries
 * instead of the registration token: common's {@link SignedToken} of the customer key (base64url) and the expiry
 * (epoch seconds), {@code v1.<base64url(customer key)>.<expiry epoch seconds>.<base64url(HMAC)>}, keyed with
 * {@code suite.onboarding.signing-secret}. AWS's guidance: trust only identifiers AWS just returned or that your
 * system signed.
 */
@ApplicationScoped
public class ReferenceSigner {

    /** Shortest accepted signing secret (characters). */
    public static final int MIN_SECRET_LENGTH = SignedToken.MIN_SECRET_LENGTH;

    /** A real reference is well under this; anything longer is refused before any work. */
    private static final int MAX_LENGTH = 1024;

    private final SignedToken tokens;
    private final Duration ttl;
    private final Clock clock;

    @Inject
    public ReferenceSigner(OnboardingConfig config, Clock clock) {
        this(config.signingSecret().orElse(null), config.referenceTtl(), clock);
    }

    public ReferenceSigner(String secret, Duration ttl, Clock clock) {
        if (secret == null || secret.length() < MIN_SECRET_LENGTH) {
            throw new IllegalStateException("suite.onboarding.signing-secret must be set to at least "
                    + MIN_SECRET_LENGTH + " characters");
        }
        this.tokens = new SignedToken(secret, MAX_LENGTH);
        this.ttl = ttl;
        this.clock = clock;
    }

    /** A reference to the customer valid for the configured lifetime from now. */
    public String issue(String customerKey) {
        return issue(customerKey, clock.instant().plus(ttl));
    }

    /** A reference to the customer valid until {@code expiresAt} (whole seconds). */
    public String issue(String customerKey, Instant expiresAt) {
        String encodedKey = Base64.getUrlEncoder().withoutPadding()
                .encodeToString(customerKey.getBytes(StandardCharsets.UTF_8));
        return tokens.sign(encodedKey, Long.toString(expiresAt.getEpochSecond()));
    }

    /** Checks a posted reference: the signature first (constant time), then the expiry. */
    public ReferenceCheck check(String reference) {
        if (reference == null || reference.isBlank()) {
            return new ReferenceCheck.Invalid("missing");
        }
        if (reference.length() > MAX_LENGTH) {
            return new ReferenceCheck.Invalid("too long");
        }
        SignedToken.Verified verified = tokens.verify(reference, 2);
        if (verified.status() == SignedToken.Status.BAD_SIGNATURE) {
            return new ReferenceCheck.Invalid("bad signature");
        }
        if (!verified.valid()) {
            return new ReferenceCheck.Invalid("malformed");
        }
        try {
            String customerKey = new String(Base64.getUrlDecoder().decode(verified.fields().get(0)),
                    StandardCharsets.UTF_8);
            Instant expiresAt = Instant.ofEpochSecond(Long.parseLong(verified.fields().get(1)));
            if (!clock.instant().isBefore(expiresAt)) {
                return new ReferenceCheck.Expired(customerKey, expiresAt);
            }
            return new ReferenceCheck.Valid(customerKey, expiresAt);
        } catch (IllegalArgumentException | java.time.DateTimeException e) {
            return new ReferenceCheck.Invalid("malformed");
        }
    }
}
