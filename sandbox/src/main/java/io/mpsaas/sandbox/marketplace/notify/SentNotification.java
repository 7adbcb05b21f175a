package io.mpsaas.sandbox.marketplace.notify;

import java.time.Instant;

/**
 * A notification the simulator published (or would have, without an SQS client).
 *
 * @param id             SNS MessageId or EventBridge event id
 * @param kind           the SNS action ({@code subscribe-success}, {@code entitlement-updated}...) or the
 *                       EventBridge detail-type
 * @param topicArn       the SNS topic, null for EventBridge
 * @param body           the SQS message body exactly as delivered
 * @param delivered      whether SQS accepted it
 * @param sqsMessageId   the SQS message id, when delivered
 * @param error          why delivery failed or was skipped, when not delivered
 */
public record SentNotification(
        String id,
        Channel channel,
        String kind,
        String topicArn,
        String productCode,
        String subscriptionId,
        String queueUrl,
        String body,
        Instant sentAt,
        boolean delivered,
        String sqsMessageId,
        String error) { }
