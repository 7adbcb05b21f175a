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
import java.util.List;

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

    /** The first field of a registration link's reference. */
    static final String LINK = "link";

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
        return tokens.sign(encode(customerKey), Long.toString(expiresAt.getEpochSecond()));
    }

    private static String encode(String customerKey) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(customerKey.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A registration link's reference to the customer (a purchase made through the API), valid until
     * {@code expiresAt}: {@code v1.link.<base64url(customer key)>.<expiry>.<HMAC>}. Its extra {@value #LINK} field
     * keeps the two kinds apart: a link is no form reference and a form reference opens no link.
     */
    public String issueLink(String customerKey, Instant expiresAt) {
        return tokens.sign(LINK, encode(customerKey), Long.toString(expiresAt.getEpochSecond()));
    }

    /** Checks a registration link's reference ({@link #issueLink}): the signature first, then the expiry. */
    public ReferenceCheck checkLink(String link) {
        return check(link, 3, LINK);
    }

    /** Checks a posted reference: the signature first (constant time), then the expiry. */
    public ReferenceCheck check(String reference) {
        return check(reference, 2, null);
    }

    private ReferenceCheck check(String reference, int fieldCount, String kind) {
        if (reference == null || reference.isBlank()) {
            return new ReferenceCheck.Invalid("missing");
        }
        if (reference.length() > MAX_LENGTH) {
            return new ReferenceCheck.Invalid("too long");
        }
        SignedToken.Verified verified = tokens.verify(reference, fieldCount);
        if (verified.status() == SignedToken.Status.BAD_SIGNATURE) {
            return new ReferenceCheck.Invalid("bad signature");
        }
        if (!verified.valid()) {
            return new ReferenceCheck.Invalid("malformed");
        }
        List<String> fields = verified.fields();
        if (kind != null) {
            if (!kind.equals(fields.get(0))) {
                return new ReferenceCheck.Invalid("malformed");
            }
            fields = fields.subList(1, fields.size());
        }
        try {
            String customerKey = new String(Base64.getUrlDecoder().decode(fields.get(0)), StandardCharsets.UTF_8);
            Instant expiresAt = Instant.ofEpochSecond(Long.parseLong(fields.get(1)));
            if (!clock.instant().isBefore(expiresAt)) {
                return new ReferenceCheck.Expired(customerKey, expiresAt);
            }
            return new ReferenceCheck.Valid(customerKey, expiresAt);
        } catch (IllegalArgumentException | java.time.DateTimeException e) {
            return new ReferenceCheck.Invalid("malformed");
        }
    }
}
