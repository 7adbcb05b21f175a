package io.mpsaas.entitlement.listener;

import io.mpsaas.entitlement.service.EntitlementMetrics.ParkReason;
import java.util.Locale;

/** Sorts the reasons {@link NotificationReader} and {@link SnsSignatureVerifier} refuse a message for into classes. */
final class ParkReasons {

    private ParkReasons() {
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
