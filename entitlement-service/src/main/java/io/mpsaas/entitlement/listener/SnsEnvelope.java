package io.mpsaas.entitlement.listener;

/**
 * The fields of an SNS {@code Notification} envelope that its signature covers, with every value exactly as it was
 * received (the {@code Timestamp} string in particular: reformatting it breaks the signature).
 */
public record SnsEnvelope(String messageId, String topicArn, String subject, String message, String timestamp,
        String signatureVersion, String signature, String signingCertUrl) {

    /**
     * AWS's string to sign for a Notification: {@code Message, MessageId, Subject (only if present), Timestamp,
     * TopicArn, Type}, each as {@code name\nvalue\n}.
     */
    public String stringToSign() {
        StringBuilder s = new StringBuilder();
        append(s, "Message", message);
        append(s, "MessageId", messageId);
        if (subject != null) {
            append(s, "Subject", subject);
        }
        append(s, "Timestamp", timestamp);
        append(s, "TopicArn", topicArn);
        append(s, "Type", "Notification");
        return s.toString();
    }

    private static void append(StringBuilder s, String name, String value) {
        s.append(name).append('\n').append(value).append('\n');
    }
}
