package io.mpsaas.sandbox.marketplace.buyer;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/** Generates AWS-shaped identifiers; random (not seeded) so ids never collide across simulators in one JVM. */
public final class Ids {

    private static final String LOWER_ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final String ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private final SecureRandom random = new SecureRandom();

    /** A 12-digit AWS account id (never starting with 0, so it survives numeric round trips). */
    public String accountId() {
        StringBuilder s = new StringBuilder().append(1 + random.nextInt(9));
        for (int i = 0; i < 11; i++) {
            s.append(random.nextInt(10));
        }
        return s.toString();
    }

    /** A legacy CustomerIdentifier, 11 alphanumerics like AWS's (e.g. {@code Z5ofr8bGM6i}). */
    public String customerIdentifier() {
        return pick(ALNUM, 11);
    }

    /** {@code arn:aws:license-manager::<account>:license:l-<32 hex>}. */
    public String licenseArn(String accountId) {
        byte[] b = new byte[16];
        random.nextBytes(b);
        return "arn:aws:license-manager::" + accountId + ":license:l-" + HexFormat.of().formatHex(b);
    }

    public String agreementId() {
        return "agmt-" + pick(LOWER_ALNUM, 25);
    }

    public String offerId() {
        return "offer-" + pick(LOWER_ALNUM, 13);
    }

    public String subscriptionId() {
        return "sub-" + pick(LOWER_ALNUM, 16);
    }

    /**
     * An opaque registration token like AWS's: standard base64 that always contains {@code +}, {@code /} and
     * {@code =}, so clients that mangle form or URL encoding are caught.
     */
    public String registrationToken() {
        byte[] b = new byte[112]; // 112 % 3 == 1 -> always "==" padding
        while (true) {
            random.nextBytes(b);
            String token = Base64.getEncoder().encodeToString(b);
            if (token.indexOf('+') >= 0 && token.indexOf('/') >= 0) {
                return token;
            }
        }
    }

    private String pick(String alphabet, int length) {
        StringBuilder s = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            s.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return s.toString();
    }
}
