package io.mpsaas.sandbox.marketplace.notify;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Signs SNS envelopes the way SNS does, with the committed test-only key pair (see
 * {@code marketplace/sns/README.md}): never a key anyone should trust.
 */
public final class SnsSigning {

    public static final String RESOURCE_DIR = "/marketplace/sns/";
    public static final String LEAF_CERT = "SimpleNotificationService-sandbox.pem";
    public static final String ROOT_CERT = "sandbox-root-ca.pem";
    private static final String LEAF_KEY = "SimpleNotificationService-sandbox.key.pem";

    private final PrivateKey privateKey;
    private final byte[] leafPem;
    private final byte[] rootPem;
    private final X509Certificate leafCertificate;

    private SnsSigning(PrivateKey privateKey, byte[] leafPem, byte[] rootPem) {
        this.privateKey = privateKey;
        this.leafPem = leafPem;
        this.rootPem = rootPem;
        try {
            this.leafCertificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(leafPem));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the sandbox SNS certificate cannot be parsed", e);
        }
    }

    /** Loads the committed sandbox signing material from the classpath. */
    public static SnsSigning sandbox() {
        byte[] keyPem = resource(LEAF_KEY);
        String base64 = new String(keyPem, StandardCharsets.US_ASCII)
                .replace("-----BEGIN PRIVATE KEY-----", "")
                .replace("-----END PRIVATE KEY-----", "")
                .replaceAll("\\s", "");
        try {
            PrivateKey key = KeyFactory.getInstance("RSA")
                    .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
            return new SnsSigning(key, resource(LEAF_CERT), resource(ROOT_CERT));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the sandbox SNS signing key cannot be loaded", e);
        }
    }

    private static byte[] resource(String name) {
        try (InputStream in = SnsSigning.class.getResourceAsStream(RESOURCE_DIR + name)) {
            if (in == null) {
                throw new IllegalStateException("classpath resource " + RESOURCE_DIR + name + " is missing");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public byte[] leafCertificatePem() {
        return leafPem.clone();
    }

    public byte[] rootCertificatePem() {
        return rootPem.clone();
    }

    public X509Certificate leafCertificate() {
        return leafCertificate;
    }

    /**
     * The SNS string to sign for a Notification: {@code Message, MessageId, Subject (if present), Timestamp, TopicArn,
     * Type}, each as {@code name\nvalue\n}, with the values exactly as they appear in the envelope.
     */
    public static String stringToSign(String message, String messageId, String subject, String timestamp,
            String topicArn) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("Message", message);
        fields.put("MessageId", messageId);
        if (subject != null) {
            fields.put("Subject", subject);
        }
        fields.put("Timestamp", timestamp);
        fields.put("TopicArn", topicArn);
        fields.put("Type", "Notification");
        StringBuilder s = new StringBuilder();
        fields.forEach((k, v) -> s.append(k).append('\n').append(v).append('\n'));
        return s.toString();
    }

    /** The JCA algorithm of an SNS SignatureVersion: "1" = SHA1withRSA, "2" = SHA256withRSA. */
    public static String algorithm(String signatureVersion) {
        return switch (signatureVersion) {
            case "1" -> "SHA1withRSA";
            case "2" -> "SHA256withRSA";
            default -> throw new IllegalArgumentException("SNS SignatureVersion must be \"1\" or \"2\", not \""
                    + signatureVersion + "\"");
        };
    }

    /** Base64 signature of the string to sign. */
    public String sign(String stringToSign, String signatureVersion) {
        try {
            Signature signature = Signature.getInstance(algorithm(signatureVersion));
            signature.initSign(privateKey);
            signature.update(stringToSign.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(signature.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SNS signing failed", e);
        }
    }
}
