package io.mpsaas.metering.listener;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mpsaas.common.messaging.SqsConsumer;
import io.mpsaas.common.retry.Backoff;
import io.mpsaas.metering.domain.RejectionReason;
import io.mpsaas.metering.domain.UsageOutcome;
import io.mpsaas.metering.domain.UsageRecordInput;
import io.mpsaas.metering.service.UsageIngestion;
import io.quarkus.logging.Log;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * Handles one message of the usage queue: ingests its records like {@code POST /v1/usage}. Records AWS will never
 * take are parked in the dead-letter queue with their reasons (the whole message if nothing in it was accepted,
 * otherwise a new message with just the rejected records); a customer not known or not active yet is retried a few
 * times first, since the usage may have overtaken the customer's subscribe-success.
 */
final class UsageQueueListener implements SqsConsumer.Handler {

    /** Reasons that may heal by themselves (entitlement-service has not processed the subscription yet). */
    private static final Set<RejectionReason> MAY_HEAL = EnumSet.of(RejectionReason.UNKNOWN_CUSTOMER,
            RejectionReason.CUSTOMER_NOT_ACTIVE);

    /** Receives before records that may heal are parked anyway (below the queue's redrive count). */
    static final int HEAL_RECEIVES = 3;
    /** Until a customer may have become known: 10 s after the first receive, then 20, 40. */
    private static final Backoff HEAL_BACKOFF = Backoff.exponential(Duration.ofSeconds(10), Duration.ofMinutes(5));

    private final UsageIngestion ingestion;
    private final ObjectMapper mapper;
    private final SqsClient sqs;
    private final String deadLetterQueueUrl;
    private final String queueUrl;

    UsageQueueListener(UsageIngestion ingestion, ObjectMapper mapper, SqsClient sqs, String queueUrl,
            String deadLetterQueueUrl) {
        this.ingestion = ingestion;
        this.mapper = mapper;
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.deadLetterQueueUrl = deadLetterQueueUrl;
    }

    @Override
    public SqsConsumer.Outcome handle(Message message) throws Exception {
        List<UsageRecordInput> records;
        try {
            records = UsageMessages.parse(mapper, message.body());
        } catch (IllegalArgumentException e) {
            return new SqsConsumer.Outcome.Park("malformed usage message: " + e.getMessage());
        }
        if (records.size() > ingestion.maxRecords()) {
            return new SqsConsumer.Outcome.Park("more than " + ingestion.maxRecords() + " usage records in one"
                    + " message");
        }
        List<UsageOutcome> outcomes = ingestion.ingest(records, UsageIngestion.SOURCE_QUEUE);
        List<Integer> rejected = new ArrayList<>();
        for (int i = 0; i < outcomes.size(); i++) {
            if (outcomes.get(i).rejected()) {
                rejected.add(i);
            }
        }
        if (rejected.isEmpty()) {
            return SqsConsumer.Outcome.DONE;
        }
        int receives = SqsConsumer.receiveCount(message);
        if (receives < HEAL_RECEIVES && rejected.stream().anyMatch(i -> MAY_HEAL.contains(outcomes.get(i).reason()))) {
            // accepted records come back as duplicates on the next delivery: nothing counts twice
            return new SqsConsumer.Outcome.Retry(HEAL_BACKOFF.delay(receives),
                    "customer not known or not active yet: " + outcomes.get(rejected.get(0)).message());
        }
        String reasons = summary(rejected, outcomes);
        if (rejected.size() == records.size()) {
            return new SqsConsumer.Outcome.Park(reasons);
        }
        parkPart(message, rejected, records, outcomes, reasons);
        return SqsConsumer.Outcome.DONE;
    }

    private void parkPart(Message message, List<Integer> rejected, List<UsageRecordInput> records,
            List<UsageOutcome> outcomes, String reasons) throws Exception {
        if (deadLetterQueueUrl == null) {
            Log.errorf("Usage message %s: %s; no dead-letter queue to park them in", message.messageId(), reasons);
            return;
        }
        List<UsageRecordInput> parkedRecords = new ArrayList<>();
        List<UsageOutcome> parkedOutcomes = new ArrayList<>();
        for (int i : rejected) {
            parkedRecords.add(records.get(i));
            parkedOutcomes.add(outcomes.get(i));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("records", parkedRecords);
        body.put("rejections", parkedOutcomes);
        Map<String, MessageAttributeValue> attributes = Map.of(
                SqsConsumer.PARK_REASON_ATTRIBUTE, text(reasons.length() > 1000 ? reasons.substring(0, 1000)
                        : reasons),
                SqsConsumer.PARK_SOURCE_ATTRIBUTE, text(queueUrl),
                SqsConsumer.PARK_MESSAGE_ID_ATTRIBUTE, text(message.messageId()),
                SqsConsumer.PARK_AT_ATTRIBUTE, text(Instant.now().toString()));
        String json = mapper.writeValueAsString(body);
        sqs.sendMessage(r -> r.queueUrl(deadLetterQueueUrl).messageBody(json).messageAttributes(attributes));
        Log.warnf("Usage message %s: parked %d of %d records in the dead-letter queue: %s", message.messageId(),
                rejected.size(), records.size(), reasons);
    }

    private static String summary(List<Integer> rejected, List<UsageOutcome> outcomes) {
        StringBuilder b = new StringBuilder();
        for (int i : rejected) {
            UsageOutcome o = outcomes.get(i);
            if (b.length() > 0) {
                b.append("; ");
            }
            b.append("record ").append(i).append(" (").append(printable(o.idempotencyKey())).append("): ")
                    .append(o.reason())
                    .append(' ').append(o.message());
        }
        return b.toString();
    }

    /**
     * The app's idempotency key as it may appear in a log line and a {@code parkReason} attribute: control, format
     * (bidi overrides, zero-width) and unpaired surrogate characters become {@code ?} so a key cannot forge log lines
     * or make SQS refuse the attribute; at most 80 characters.
     */
    static String printable(String key) {
        if (key == null) {
            return "none";
        }
        StringBuilder b = new StringBuilder();
        key.codePoints().limit(80).forEach(cp -> {
            int type = Character.getType(cp);
            boolean unsafe = Character.isISOControl(cp) || type == Character.FORMAT || type == Character.SURROGATE
                    || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR
                    || type == Character.UNASSIGNED || type == Character.PRIVATE_USE;
            b.appendCodePoint(unsafe ? '?' : cp);
        });
        return key.codePointCount(0, key.length()) > 80 ? b + "..." : b.toString();
    }

    private static MessageAttributeValue text(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }
}
