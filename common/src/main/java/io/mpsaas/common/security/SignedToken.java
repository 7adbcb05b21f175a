package io.mpsaas.common.security;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The suite's one signed-token format: {@code v1.<field>...<field>.<base64url(HMAC-SHA256)>}, the HMAC keyed with a
 * secret of at least {@link #MIN_SECRET_LENGTH} characters over everything before the last dot. Fields are the
 * caller's, free of dots (encode them, e.g. base64url); the signature is compared in constant time before any field is
 * read. Onboarding's registration reference ({@code ReferenceSigner}) is one.
 */
public final class SignedToken {

    /** Shortest secret accepted (characters). */
    public static final int MIN_SECRET_LENGTH = 32;
    /** The format's version, the token's first field. */
    public static final String VERSION = "v1";

    private static final String HMAC = "HmacSHA256";
    private static final Base64.Encoder BASE64 = Base64.getUrlEncoder().withoutPadding();

    /** What {@link #verify} found. */
    public enum Status {
        /** Well formed and signed with this secret: its fields can be trusted. */
        VALID,
        /** Not a token of this format with the expected number of fields. */
        MALFORMED,
        /** Well formed, but not signed with this secret. */
        BAD_SIGNATURE
    }

    /** A verified token: its status and, when {@link Status#VALID}, its fields (without the version). */
    public record Verified(Status status, List<String> fields) {
        public Verified {
            fields = List.copyOf(fields);
        }

        public boolean valid() {
            return status == Status.VALID;
        }
    }

    private final SecretKeySpec key;
    private final int maxLength;
    private final ThreadLocal<Mac> macs = ThreadLocal.withInitial(this::newMac);

    /**
     * @param secret    the HMAC key, at least {@link #MIN_SECRET_LENGTH} characters
     * @param maxLength longest token read at all: anything longer is malformed before any work
     */
    public SignedToken(String secret, int maxLength) {
        if (secret == null || secret.length() < MIN_SECRET_LENGTH) {
            throw new IllegalArgumentException("a signing secret needs at least " + MIN_SECRET_LENGTH + " characters");
        }
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), HMAC);
        this.maxLength = maxLength;
    }

    /** The token of these fields. */
    public String sign(String... fields) {
        for (String field : fields) {
            if (Objects.requireNonNull(field, "field").indexOf('.') >= 0) {
                throw new IllegalArgumentException("a token's field holds no dot");
            }
        }
        String payload = VERSION + "." + String.join(".", fields);
        return payload + "." + BASE64.encodeToString(mac(payload));
    }

    /** Reads a token of {@code fieldCount} fields: the signature first (constant time), then the fields. */
    public Verified verify(String token, int fieldCount) {
        if (token == null || token.length() > maxLength) {
            return new Verified(Status.MALFORMED, List.of());
        }
        String[] parts = token.strip().split("\\.", -1);
        if (parts.length != fieldCount + 2 || !VERSION.equals(parts[0])) {
            return new Verified(Status.MALFORMED, List.of());
        }
        int last = parts.length - 1;
        try {
            Base64.getUrlDecoder().decode(parts[last]);
        } catch (IllegalArgumentException e) {
            return new Verified(Status.MALFORMED, List.of());
        }
        String payload = String.join(".", Arrays.copyOf(parts, last));
        // compared as written, not decoded: the decoder ignores a last character's unused bits, so other spellings of
        // the same bytes would pass (a tampered last character passed one time in sixteen or so)
        if (!MessageDigest.isEqual(BASE64.encodeToString(mac(payload)).getBytes(StandardCharsets.US_ASCII),
                parts[last].getBytes(StandardCharsets.US_ASCII))) {
            return new Verified(Status.BAD_SIGNATURE, List.of());
        }
        return new Verified(Status.VALID, Arrays.asList(parts).subList(1, last));
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
