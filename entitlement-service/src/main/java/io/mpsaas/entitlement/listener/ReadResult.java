package io.mpsaas.entitlement.listener;

import io.mpsaas.entitlement.domain.Notification;

/**
 * What a message body turned out to be: a notification to apply, or something known and deliberately ignored (an
 * EventBridge event type the service has no use for), which is acknowledged.
 */
public record ReadResult(Notification notification, String ignoredBecause) {

    public static ReadResult of(Notification notification) {
        return new ReadResult(notification, null);
    }

    public static ReadResult ignored(String reason) {
        return new ReadResult(null, reason);
    }
}
