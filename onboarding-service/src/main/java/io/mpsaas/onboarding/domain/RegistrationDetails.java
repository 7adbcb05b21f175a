package io.mpsaas.onboarding.domain;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What a buyer registered, validated and normalised. Personal data: {@link #toString()} prints none of it, and it
 * never goes into a log or a message.
 *
 * @param phone       null when not given
 * @param extraFields seller-configured fields by name; fields left empty are absent
 */
public record RegistrationDetails(String company, String contactName, String email, String phone,
        Map<String, String> extraFields) {

    public RegistrationDetails {
        Objects.requireNonNull(company, "company");
        Objects.requireNonNull(contactName, "contactName");
        Objects.requireNonNull(email, "email");
        extraFields = extraFields == null ? Map.of() : Map.copyOf(extraFields);
    }

    /**
     * SHA-256 over every value, length-prefixed: equal exactly when the details are. Stored beside the registration so a
     * conditional write can tell a re-submit of the same details from a change without reading first.
     */
    public String fingerprint() {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            update(digest, company);
            update(digest, contactName);
            update(digest, email);
            update(digest, phone);
            for (Map.Entry<String, String> field : new TreeMap<>(extraFields).entrySet()) {
                update(digest, field.getKey());
                update(digest, field.getValue());
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static void update(MessageDigest digest, String value) {
        if (value == null) {
            digest.update((byte) 0);
            return;
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        digest.update((byte) 1);
        digest.update(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
        digest.update((byte) ':');
        digest.update(bytes);
    }

    @Override
    public String toString() {
        return "RegistrationDetails[extraFields=" + extraFields.keySet() + "]";
    }
}
