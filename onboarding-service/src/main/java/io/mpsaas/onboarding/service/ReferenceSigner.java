package io.mpsaas.onboarding.service;

import io.mpsaas.onboarding.config.OnboardingConfig;
import io.mpsaas.onboarding.domain.ReferenceCheck;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Issues and checks the short-lived signed reference to a resolved customer that the registration form carries
 * instead of the registration token: {@code v1.<base64url(customer key)>.<expiry epoch seconds>.<base64url(HMAC)>},
 * HMAC-SHA256 over version, key and expiry with {@code suite.onboarding.signing-secret}. AWS's guidance: trust only
 * identifiers AWS just returned or that your system signed.
 */
@ApplicationScoped
public class ReferenceSigner {

    /** Shortest accepted signing secret (characters). */
    public static final int MIN_SECRET_LENGTH = 32;

    private static final String VERSION = "v1";
    private static final String HMAC = "HmacSHA256";
    /** A real reference is well under this; anything longer is refused before any work. */
    private static final int MAX_LENGTH = 1024;

    private final SecretKeySpec key;
    private final Duration ttl;
    private final Clock clock;
    private final ThreadLocal<Mac> macs = ThreadLocal.withInitial(this::newMac);

    @Inject
    public ReferenceSigner(OnboardingConfig config, Clock clock) {
        this(config.signingSecret().orElse(null), config.referenceTtl(), clock);
    }

    public ReferenceSigner(String secret, Duration ttl, Clock clock) {
        if (secret == null || secret.length() < MIN_SECRET_LENGTH) {
            throw new IllegalStateException("suite.onboarding.signing-secret must be set to at least "
                    + MIN_SECRET_LENGTH + " characters");
        }
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), HMAC);
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
        String payload = VERSION + "." + encodedKey + "." + expiresAt.getEpochSecond();
        return payload + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(mac(payload));
    }

    /** Checks a posted reference: the signature first (constant time), then the expiry. */
    public ReferenceCheck check(String reference) {
        if (reference == null || reference.isBlank()) {
            return new ReferenceCheck.Invalid("missing");
        }
        if (reference.length() > MAX_LENGTH) {
            return new ReferenceCheck.Invalid("too long");
        }
        String[] parts = reference.strip().split("\\.", -1);
        if (parts.length != 4 || !VERSION.equals(parts[0])) {
            return new ReferenceCheck.Invalid("malformed");
        }
        String payload = parts[0] + "." + parts[1] + "." + parts[2];
        try {
            byte[] signature = Base64.getUrlDecoder().decode(parts[3]);
            if (!MessageDigest.isEqual(mac(payload), signature)) {
                return new ReferenceCheck.Invalid("bad signature");
            }
            String customerKey = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
            Instant expiresAt = Instant.ofEpochSecond(Long.parseLong(parts[2]));
            if (!clock.instant().isBefore(expiresAt)) {
                return new ReferenceCheck.Expired(customerKey, expiresAt);
            }
            return new ReferenceCheck.Valid(customerKey, expiresAt);
        } catch (IllegalArgumentException | java.time.DateTimeException e) {
            return new ReferenceCheck.Invalid("malformed");
        }
    }

    private byte[] mac(String payload) {
        // doFinal resets the Mac for the next payload: one keyed instance per thread, not a provider lookup per call
        return macs.get().doFinal(payload.getBytes(StandardCharsets.UTF_8));
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }
}
