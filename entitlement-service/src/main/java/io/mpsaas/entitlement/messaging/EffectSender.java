package io.mpsaas.entitlement.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mpsaas.common.config.QueuesConfig;
import io.mpsaas.common.messaging.CustomerEvent;
import io.mpsaas.common.messaging.MeteringCommand;
import io.mpsaas.common.messaging.QueueUrls;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/**
 * Sends lifecycle events to {@code suite.queues.customer-events} and metering commands to
 * {@code suite.queues.metering-commands}. Standard queues deliver at least once: consumers dedupe by
 * {@code eventId} / {@code commandId}, which stay the same when an effect is sent again. The effects of one commit go
 * in one {@code SendMessageBatch} per queue (up to 10 messages each).
 */
@ApplicationScoped
public class EffectSender {

    /** SQS message attribute carrying a metering command's type. */
    public static final String COMMAND_TYPE_ATTRIBUTE = "commandType";

    private final SqsClient sqs;
    private final QueuesConfig queues;
    private final ObjectMapper mapper;
    private volatile String eventsUrl;
    private volatile String commandsUrl;

    public EffectSender(SqsClient sqs, QueuesConfig queues, ObjectMapper mapper) {
        this.sqs = sqs;
        this.queues = queues;
        this.mapper = mapper;
    }

    /**
     * Sends the commands first (a flush's deadline is the tighter one), then the events. Throws when SQS refused any of
     * them, after the others went: the caller leaves its inbox entry pending, so all of them are sent again (same ids).
     */
    public void send(Effects effects) {
        List<SendMessageBatchRequestEntry> commands = new ArrayList<>();
        for (MeteringCommand command : effects.commands()) {
            commands.add(entry(commands.size(), json(command), COMMAND_TYPE_ATTRIBUTE, command.type()));
        }
        sendAll(commandsUrl(), commands);
        for (MeteringCommand command : effects.commands()) {
            Log.infof("Sent metering command %s %s for customer %s (product %s, deadline %s)", command.type(),
                    command.commandId(), command.customer().customerKey(), command.customer().productCode(),
                    command.deadline());
        }
        List<SendMessageBatchRequestEntry> events = new ArrayList<>();
        for (CustomerEvent event : effects.events()) {
            events.add(entry(events.size(), json(event), CustomerEvent.TYPE_ATTRIBUTE, event.type()));
        }
        sendAll(eventsUrl(), events);
        for (CustomerEvent event : effects.events()) {
            Log.infof("Published %s %s for customer %s (product %s, state %s)", event.type(), event.eventId(),
                    event.customer().customerKey(), event.customer().productCode(), event.state());
        }
    }

    private static SendMessageBatchRequestEntry entry(int index, String body, String attribute, String type) {
        return SendMessageBatchRequestEntry.builder().id(Integer.toString(index)).messageBody(body)
                .messageAttributes(Map.of(attribute, attribute(type))).build();
    }

    private void sendAll(String queueUrl, List<SendMessageBatchRequestEntry> entries) {
        for (int from = 0; from < entries.size(); from += 10) {
            List<SendMessageBatchRequestEntry> chunk = entries.subList(from, Math.min(entries.size(), from + 10));
            SendMessageBatchResponse response = sqs.sendMessageBatch(r -> r.queueUrl(queueUrl).entries(chunk));
            if (!response.failed().isEmpty()) {
                BatchResultErrorEntry first = response.failed().get(0);
                throw SdkClientException.create("SQS refused " + response.failed().size() + " of " + chunk.size()
                        + " messages to " + queueUrl + " (" + first.code() + ": " + first.message() + ")");
            }
        }
    }

    public String toJson(Effects effects) {
        return json(effects);
    }

    public Effects fromJson(String json) {
        if (json == null || json.isBlank()) {
            return Effects.NONE;
        }
        try {
            return mapper.readValue(json, Effects.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable stored effects: " + e.getOriginalMessage(), e);
        }
    }

    private String eventsUrl() {
        if (eventsUrl == null) {
            eventsUrl = QueueUrls.resolve(sqs, queues.customerEvents());
        }
        return eventsUrl;
    }

    private String commandsUrl() {
        if (commandsUrl == null) {
            commandsUrl = QueueUrls.resolve(sqs, queues.meteringCommands());
        }
        return commandsUrl;
    }

    private String json(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }

    private static MessageAttributeValue attribute(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }
}
