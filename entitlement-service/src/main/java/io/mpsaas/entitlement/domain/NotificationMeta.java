package io.mpsaas.entitlement.domain;

import java.time.Instant;
import java.util.Objects;

/**
 * Where a notification came from.
 *
 * @param messageId  AWS's id: SNS MessageId, EventBridge event id, or the SQS message id of a raw message
 * @param occurredAt AWS's own time of the notification (SNS Timestamp, EventBridge time), never the time we got it
 * @param source     the SNS topic ARN or the EventBridge detail-type, for logs
 */
public record NotificationMeta(Channel channel, String messageId, Instant occurredAt, String source) {

    public NotificationMeta {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(occurredAt, "occurredAt");
    }

    /** The inbox key of the message: the channel keeps an SNS and an EventBridge id from ever colliding. */
    public String dedupeKey() {
        return channel.name().toLowerCase(java.util.Locale.ROOT) + "#" + messageId;
    }
}
