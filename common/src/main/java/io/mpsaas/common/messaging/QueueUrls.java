package io.mpsaas.common.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** Turns the queue names of the configuration into URLs, and finds a queue's dead-letter queue. */
public final class QueueUrls {

    private QueueUrls() {
    }

    /** A full {@code https://} or {@code http://} URL is used as is; a name is looked up with GetQueueUrl. */
    public static String resolve(SqsClient sqs, String nameOrUrl) {
        if (nameOrUrl.startsWith("https://") || nameOrUrl.startsWith("http://")) {
            return nameOrUrl;
        }
        return sqs.getQueueUrl(r -> r.queueName(nameOrUrl)).queueUrl();
    }

    /** The URL of the queue's dead-letter queue from its redrive policy, or null when it has none. */
    public static String deadLetterQueueUrl(SqsClient sqs, ObjectMapper mapper, String queueUrl) {
        String policy = sqs.getQueueAttributes(r -> r.queueUrl(queueUrl)
                .attributeNames(QueueAttributeName.REDRIVE_POLICY)).attributes().get(QueueAttributeName.REDRIVE_POLICY);
        if (policy == null || policy.isBlank()) {
            return null;
        }
        String arn;
        try {
            // {"deadLetterTargetArn":"arn:aws:sqs:<region>:<account>:<name>","maxReceiveCount":10}
            arn = mapper.readTree(policy).path("deadLetterTargetArn").asText("");
        } catch (IOException e) {
            throw new IllegalStateException("unreadable RedrivePolicy on " + queueUrl + ": " + policy, e);
        }
        if (arn.isEmpty()) {
            return null;
        }
        String name = arn.substring(arn.lastIndexOf(':') + 1);
        return sqs.getQueueUrl(r -> r.queueName(name)).queueUrl();
    }
}
