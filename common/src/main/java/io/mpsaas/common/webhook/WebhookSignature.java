package io.mpsaas.common.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signature of a webhook delivery: {@code v1=<hex HMAC-SHA256 of "<timestamp>.<body>">} per active secret,
 * space-separated in {@value #SIGNATURE}; the timestamp (epoch seconds) in {@value #TIMESTAMP}, so a receiver
 * refuses a replay older than its tolerance. Used by the sender and by the sandbox's receiver.
 */
public final class WebhookSignature {

    public static final String ID = "Webhook-Id";
    public static final String TIMESTAMP = "Webhook-Timestamp";
    public static final String SIGNATURE = "Webhook-Signature";
    public static final String VERSION = "v1";
    /** Shortest secret accepted. */
    public static final int MIN_SECRET_LENGTH = 32;

    private WebhookSignature() {
    }

    /** The {@value #SIGNATURE} header's value: one {@code v1=<hex>} per secret, in order. */
    public static String header(List<String> secrets, long timestamp, String body) {
        List<String> parts = new ArrayList<>();
        for (String secret : secrets) {
            parts.add(VERSION + "=" + hmac(secret, timestamp + "." + body));
        }
        return String.join(" ", parts);
    }

    /** Why a delivery was refused, or {@code VALID}. */
    public enum Verdict { VALID, MISSING_HEADERS, STALE_TIMESTAMP, BAD_SIGNATURE }

    /**
     * Checks a delivery as a receiver does: a timestamp within {@code tolerance} of {@code now} (either way) and a
     * {@code v1} signature made with one of {@code secrets} (compared in constant time).
     */
    public static Verdict verify(String timestampHeader, String signatureHeader, String body, List<String> secrets,
            Duration tolerance, Instant now) {
        if (timestampHeader == null || signatureHeader == null) {
            return Verdict.MISSING_HEADERS;
        }
        long timestamp;
        try {
            timestamp = Long.parseLong(timestampHeader.trim());
        } catch (NumberFormatException e) {
            return Verdict.MISSING_HEADERS;
        }
        if (Math.abs(now.getEpochSecond() - timestamp) > tolerance.toSeconds()) {
            return Verdict.STALE_TIMESTAMP;
        }
        for (String secret : secrets) {
            byte[] expected = hmac(secret, timestamp + "." + body).getBytes(StandardCharsets.US_ASCII);
            for (String part : signatureHeader.trim().split("\\s+")) {
                if (part.startsWith(VERSION + "=") && MessageDigest.isEqual(expected,
                        part.substring(VERSION.length() + 1).getBytes(StandardCharsets.US_ASCII))) {
                    return Verdict.VALID;
                }
            }
        }
        return Verdict.BAD_SIGNATURE;
    }

    static String hmac(String secret, String content) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(content.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }
}
