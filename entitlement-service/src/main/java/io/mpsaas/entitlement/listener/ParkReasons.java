package io.mpsaas.entitlement.listener;

import io.mpsaas.common.messaging.Failures;
import io.mpsaas.entitlement.service.EntitlementMetrics.ParkReason;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** Sorts the reasons {@link NotificationReader} and {@link SnsSignatureVerifier} refuse a message for into classes. */
final class ParkReasons {

    /** The key of a reason no code below starts: attacker-chosen text never becomes a key of its own. */
    static final String OTHER = "other";

    /**
     * Every reason the reader, the verifier and the handler park a message for, as the fixed text it starts with: the
     * keys of {@code parkedByReason} (the admin API's counts). The variable part after it (a topic, a Type, a URL)
     * stays in the parked message's {@code parkReason} attribute only.
     */
    static final List<String> CODES = List.of(
            // NotificationReader
            "the message body is not a JSON object",
            "SNS message of Type",
            "neither an SNS envelope, an EventBridge event nor a Marketplace message",
            "raw-delivered SNS message refused",
            "SNS Message is not JSON",
            "SNS Message is not a JSON object",
            "TopicArn is not an SNS topic ARN",
            "Marketplace message without product-code",
            "product-code",
            "Marketplace message without customer-identifier or license-arn",
            "Marketplace message without action",
            "unknown Marketplace action",
            "EventBridge event from unknown source",
            "EventBridge event without detail-type",
            "EventBridge event without id",
            "EventBridge event without detail",
            "unknown EventBridge detail-type",
            "malformed product-code",
            "malformed customer-identifier",
            "malformed license-arn",
            "SNS Timestamp",
            "EventBridge time",
            "EventBridge event of account",
            "EventBridge event of region",
            // SnsSignatureVerifier, HttpCertificateSource
            "SNS topic not allowed",
            "SNS signature is not base64",
            "SNS envelope without Message",
            "SNS SignatureVersion",
            "TopicArn region is not an AWS region name",
            "SNS envelope whose Message is not a string cannot be signed",
            "SNS signature does not match the message",
            "SNS signature cannot be verified",
            "unsupported SNS SignatureVersion",
            "SNS envelope without",
            "SigningCertURL is not a URL",
            "SigningCertURL is not an SNS certificate URL",
            "SNS signing certificate expired",
            "SNS signing certificate not valid before",
            "SNS signing certificate names cannot be read",
            "signing certificate is not issued to SNS",
            "SNS signing certificate does not chain to a trusted root",
            "unsupported certificate URL scheme",
            "certificate not found at",
            "certificate at",
            "no certificate in",
            "unreadable certificate at",
            // NotificationHandler, common's Failures
            "GetEntitlements refused the notification's customer",
            "malformed JSON",
            Failures.UNREADABLE,
            Failures.REFUSED_BY_STORAGE);

    /** Longest first, so that a code that starts another one never takes its place. */
    private static final List<String> BY_LENGTH = CODES.stream()
            .sorted(Comparator.comparingInt(String::length).reversed()).toList();

    private ParkReasons() {
    }

    /** The reason's code: the one of {@link #CODES} it starts with, else {@value #OTHER}. */
    static String code(String reason) {
        if (reason == null) {
            return OTHER;
        }
        for (String code : BY_LENGTH) {
            if (reason.startsWith(code)) {
                return code;
            }
        }
        return OTHER;
    }

    /** The class of an {@link UnprocessableMessageException}'s message. */
    static ParkReason of(String reason) {
        String r = reason == null ? "" : reason.toLowerCase(Locale.ROOT);
        if (r.contains("signature") || r.contains("certificate") || r.contains("signingcerturl")) {
            return ParkReason.SIGNATURE;
        }
        if (r.contains("topic not allowed") || r.contains("unknown source") || r.contains("raw-delivered")
                || r.contains("not an expected one") || r.contains("possible replay") || r.contains("in the future")) {
            return ParkReason.UNTRUSTED_SOURCE;
        }
        if (r.startsWith("unknown ") || r.contains("is not a notification") || r.contains("neither an sns envelope")) {
            return ParkReason.UNKNOWN_KIND;
        }
        return ParkReason.MALFORMED;
    }
}
