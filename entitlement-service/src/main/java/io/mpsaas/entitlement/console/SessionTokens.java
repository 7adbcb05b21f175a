package io.mpsaas.entitlement.console;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The console's session tokens: {@code v1.<key id>.<issued>.<expires>.<HMAC-SHA256>}, signed with the console secret.
 * The token never contains the admin key: the key id is an HMAC of the key under the same secret, so a token names
 * which key logged in (for the audit log) without revealing it, and a token dies with its key: once the key is removed
 * from {@code suite.api.admin-keys}, no configured key has that id and the token is refused. Everything is compared in
 * constant time.
 */
public final class SessionTokens {

    /** Shortest secret accepted. */
    public static final int MIN_SECRET_LENGTH = 32;

    private static final String VERSION = "v1";
    private static final int KEY_ID_LENGTH = 12;
    private static final Base64.Encoder BASE64 = Base64.getUrlEncoder().withoutPadding();

    /** An operator's session: which admin key opened it, when, and until when it is valid. */
    public record Session(String keyId, Instant issuedAt, Instant expiresAt) {
    }

    private final SecretKeySpec secret;
    private final Duration ttl;
    private final Duration maxAge;
    private final Clock clock;

    public SessionTokens(String secret, Duration ttl, Duration maxAge, Clock clock) {
        if (secret == null || secret.length() < MIN_SECRET_LENGTH) {
            throw new IllegalArgumentException("the console secret must have at least " + MIN_SECRET_LENGTH
                    + " characters");
        }
        this.secret = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
        this.ttl = ttl;
        this.maxAge = maxAge;
        this.clock = clock;
    }

    /**
     * A new session when {@code presented} is one of the admin keys (every key is compared, in constant time), else
     * empty.
     */
    public Optional<Session> login(String presented, List<String> adminKeys) {
        if (presented == null || presented.isBlank()) {
            return Optional.empty();
        }
        byte[] candidate = presented.strip().getBytes(StandardCharsets.UTF_8);
        String matched = null;
        for (String key : adminKeys) {
            String k = key.strip();
            if (!k.isEmpty() && MessageDigest.isEqual(candidate, k.getBytes(StandardCharsets.UTF_8))) {
                matched = k;
            }
        }
        if (matched == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        return Optional.of(new Session(keyId(matched), now, earliest(now.plus(ttl), now.plus(maxAge))));
    }

    /** The token that carries a session in the cookie. */
    public String token(Session session) {
        String payload = VERSION + "." + session.keyId() + "." + session.issuedAt().getEpochSecond() + "."
                + session.expiresAt().getEpochSecond();
        return payload + "." + sign(payload);
    }

    /**
     * The session of a token that is well formed, signed with the secret, not expired, and opened by a key still in
     * {@code adminKeys}; empty for anything else.
     */
    public Optional<Session> verify(String token, List<String> adminKeys) {
        if (token == null || token.length() > 200) {
            return Optional.empty();
        }
        String[] parts = token.split("\\.", -1);
        if (parts.length != 5 || !VERSION.equals(parts[0])) {
            return Optional.empty();
        }
        String payload = String.join(".", parts[0], parts[1], parts[2], parts[3]);
        if (!MessageDigest.isEqual(sign(payload).getBytes(StandardCharsets.US_ASCII),
                parts[4].getBytes(StandardCharsets.US_ASCII))) {
            return Optional.empty();
        }
        Instant issued;
        Instant expires;
        try {
            issued = Instant.ofEpochSecond(Long.parseLong(parts[2]));
            expires = Instant.ofEpochSecond(Long.parseLong(parts[3]));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        if (!now.isBefore(expires) || !now.isBefore(issued.plus(maxAge))) {
            return Optional.empty();
        }
        boolean known = false;
        for (String key : adminKeys) {
            known |= !key.isBlank() && MessageDigest.isEqual(keyId(key.strip()).getBytes(StandardCharsets.US_ASCII),
                    parts[1].getBytes(StandardCharsets.US_ASCII));
        }
        return known ? Optional.of(new Session(parts[1], issued, expires)) : Optional.empty();
    }

    /**
     * The session prolonged by the idle timeout, when more than half of it has passed and the absolute limit allows
     * more; empty when the current token is still fresh enough.
     */
    public Optional<Session> renewal(Session session) {
        Instant now = clock.instant();
        Instant renewed = earliest(now.plus(ttl), session.issuedAt().plus(maxAge));
        if (now.isBefore(session.expiresAt().minus(ttl.dividedBy(2))) || !renewed.isAfter(session.expiresAt())) {
            return Optional.empty();
        }
        return Optional.of(new Session(session.keyId(), session.issuedAt(), renewed));
    }

    /**
     * The CSRF token of a session's forms: an HMAC of what stays the same for the whole session (its key id and login
     * time), so a renewed cookie keeps the forms already on screen valid, and nobody without the secret can make one.
     */
    public String csrfToken(Session session) {
        return sign("csrf." + session.keyId() + "." + session.issuedAt().getEpochSecond());
    }

    /** Seconds the session has left, for the cookie's Max-Age. */
    public long secondsLeft(Session session) {
        return Math.max(0, Duration.between(clock.instant(), session.expiresAt()).toSeconds());
    }

    private String keyId(String adminKey) {
        return sign("admin-key:" + adminKey).substring(0, KEY_ID_LENGTH);
    }

    private String sign(String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(secret);
            return BASE64.encodeToString(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }

    private static Instant earliest(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
