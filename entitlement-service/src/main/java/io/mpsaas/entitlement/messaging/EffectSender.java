package io.mpsaas.entitlement.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mpsaas.common.config.QueuesConfig;
import io.mpsaas.common.messaging.CustomerEvent;
import io.mpsaas.common.messaging.MeteringCommand;
import io.mpsaas.common.messaging.QueueUrls;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * Sends lifecycle events to {@code suite.queues.customer-events} and metering commands to
 * {@code suite.queues.metering-commands}. Standard queues deliver at least once: consumers dedupe by
 * {@code eventId} / {@code commandId}, which stay the same when an effect is sent again.
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

    public void send(Effects effects) {
        for (MeteringCommand command : effects.commands()) {
            // the flush first: its deadline is the tighter one
            sqs.sendMessage(r -> r.queueUrl(commandsUrl()).messageBody(json(command))
                    .messageAttributes(Map.of(COMMAND_TYPE_ATTRIBUTE, attribute(command.type()))));
            Log.infof("Sent metering command %s %s for customer %s (product %s, deadline %s)", command.type(),
                    command.commandId(), command.customer().customerKey(), command.customer().productCode(),
                    command.deadline());
        }
        for (CustomerEvent event : effects.events()) {
            sqs.sendMessage(r -> r.queueUrl(eventsUrl()).messageBody(json(event))
                    .messageAttributes(Map.of(CustomerEvent.TYPE_ATTRIBUTE, attribute(event.type()))));
            Log.infof("Published %s %s for customer %s (product %s, state %s)", event.type(), event.eventId(),
                    event.customer().customerKey(), event.customer().productCode(), event.state());
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
