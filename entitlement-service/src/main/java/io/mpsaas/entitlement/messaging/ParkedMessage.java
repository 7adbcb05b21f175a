package io.mpsaas.entitlement.messaging;

/**
 * A message in a notification queue's dead-letter queue, as the admin API shows it.
 *
 * @param messageId         the message's id in the dead-letter queue (what replay takes)
 * @param parkReason        why the consumer parked it; null when SQS's redrive policy moved it (receive count)
 * @param originalMessageId its id in the source queue, when the consumer parked it
 * @param body              the body (AWS notification content, no personal data), cut at 8 KiB
 */
public record ParkedMessage(String queue, String messageId, String parkReason, String parkedAt, String sourceQueue,
        String originalMessageId, int receiveCount, String body) {
}
