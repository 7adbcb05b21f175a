package io.mpsaas.entitlement.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mpsaas.common.config.QueuesConfig;
import io.mpsaas.common.messaging.CustomerEvent;
import io.mpsaas.common.messaging.MeteringCommand;
import io.mpsaas.common.messaging.QueueUrls;
import io.mpsaas.common.messaging.TraceContextSqsInterceptor;
import io.mpsaas.common.webhook.WebhookDeliveries;
import io.mpsaas.common.webhook.WebhookDelivery;
import io.mpsaas.common.webhook.WebhookDispatcher;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/**
 * Sends lifecycle events to {@code suite.queues.customer-events} and metering commands to
 * {@code suite.queues.metering-commands}. Standard queues deliver at least once: consumers dedupe by
 * {@code eventId} / {@code commandId}, which stay the same when an effect is sent again. Effects are prepared where
 * they are decided ({@link #prepare}: the messages built, stamped with the trace of that work) and sent later, a
 * batch's worth together ({@link #sendAll}): one {@code SendMessageBatch} per queue and 10 messages.
 */
@ApplicationScoped
public class EffectSender {

    /** SQS message attribute carrying a metering command's type. */
    public static final String COMMAND_TYPE_ATTRIBUTE = "commandType";

    private final SqsClient sqs;
    private final QueuesConfig queues;
    private final ObjectMapper mapper;
    private final WebhookDeliveries webhooks;
    private final WebhookDispatcher dispatcher;
    private final Clock clock;
    private final TraceContextSqsInterceptor traces = new TraceContextSqsInterceptor();
    private volatile String eventsUrl;
    private volatile String commandsUrl;

    public EffectSender(SqsClient sqs, QueuesConfig queues, ObjectMapper mapper, WebhookDeliveries webhooks,
            WebhookDispatcher dispatcher, Clock clock) {
        this.sqs = sqs;
        this.queues = queues;
        this.mapper = mapper;
        this.webhooks = webhooks;
        this.dispatcher = dispatcher;
        this.clock = clock;
    }

    /** One commit's effects, ready to send: its messages built and stamped with the trace they belong to. */
    public static final class Outgoing {
        private final Effects effects;
        private final List<String> commandBodies = new ArrayList<>();
        private final List<Map<String, MessageAttributeValue>> commandStamps = new ArrayList<>();
        private final List<String> eventBodies = new ArrayList<>();
        private final List<Map<String, MessageAttributeValue>> eventStamps = new ArrayList<>();
        /** The events' webhook deliveries, when the commit of the events writes them ({@link #leaseWebhooks}). */
        private List<WebhookDelivery> committedWebhooks;

        private Outgoing(Effects effects) {
            this.effects = effects;
        }

        public Effects effects() {
            return effects;
        }
    }

    /** Builds the messages of {@code effects}, with the trace context current now (the work that decided them). */
    public Outgoing prepare(Effects effects) {
        Outgoing out = new Outgoing(effects);
        for (MeteringCommand command : effects.commands()) {
            out.commandBodies.add(json(command));
            out.commandStamps.add(traces.stamp(Map.of(COMMAND_TYPE_ATTRIBUTE, attribute(command.type()))));
        }
        for (CustomerEvent event : effects.events()) {
            out.eventBodies.add(json(event));
            out.eventStamps.add(traces.stamp(Map.of(CustomerEvent.TYPE_ATTRIBUTE, attribute(event.type()))));
        }
        return out;
    }

    /**
     * The webhook deliveries of {@code out}'s events ({@link WebhookDeliveries#leased}: leased to this replica), for
     * the commit that decides the events to write with them, so that a delivery exists if and only if its event was
     * committed, with no request of its own. Once that commit is written, {@link #sendAll} hands them to the
     * dispatcher instead of writing them. None when no endpoint matches, or when more than {@code room} (what is left
     * of the commit's 100 actions): those are written by {@link #sendAll}, one conditional put each, as for effects
     * sent again.
     */
    public List<WebhookDeliveries.Leased> leaseWebhooks(Outgoing out, Instant now, int room) {
        if (!webhooks.enabled() || out.effects.events().isEmpty()) {
            return List.of();
        }
        List<WebhookDeliveries.Leased> leased = webhooks.leased(out.effects.events(), now);
        if (leased.isEmpty() || leased.size() > room) {
            return List.of();
        }
        out.committedWebhooks = leased.stream().map(WebhookDeliveries.Leased::delivery).toList();
        return leased;
    }

    /**
     * Sends one commit's effects, commands first (a flush's deadline is the tighter one). Throws when SQS refused any
     * of them, after the others went: the caller leaves its inbox entry pending, so all of them are sent again (same
     * ids).
     */
    public void send(Effects effects) {
        Set<Integer> failed = sendAll(List.of(prepare(effects)));
        if (!failed.isEmpty()) {
            throw SdkClientException.create("SQS refused effects of " + effects.events().size() + " events and "
                    + effects.commands().size() + " commands");
        }
    }

    /**
     * Sends several commits' effects together: every command first, then every event, 10 to a
     * {@code SendMessageBatch}. Answers the indexes (in {@code outgoing}) of those SQS refused a message of, or could
     * not be asked about (a failed call); the others were sent whole.
     */
    public Set<Integer> sendAll(List<Outgoing> outgoing) {
        Set<Integer> failed = new TreeSet<>();
        List<int[]> commands = new ArrayList<>();
        List<int[]> events = new ArrayList<>();
        for (int i = 0; i < outgoing.size(); i++) {
            for (int k = 0; k < outgoing.get(i).commandBodies.size(); k++) {
                commands.add(new int[] {i, k});
            }
            for (int k = 0; k < outgoing.get(i).eventBodies.size(); k++) {
                events.add(new int[] {i, k});
            }
        }
        if (!commands.isEmpty()) {
            send(commandsUrl(), commands, outgoing, true, failed);
        }
        if (!events.isEmpty()) {
            send(eventsUrl(), events, outgoing, false, failed);
            recordWebhooks(outgoing, failed);
        }
        for (int i = 0; i < outgoing.size(); i++) {
            if (!failed.contains(i)) {
                logSent(outgoing.get(i).effects);
            }
        }
        return failed;
    }

    private void send(String queueUrl, List<int[]> messages, List<Outgoing> outgoing, boolean commands,
            Set<Integer> failed) {
        for (int from = 0; from < messages.size(); from += 10) {
            List<int[]> chunk = messages.subList(from, Math.min(messages.size(), from + 10));
            List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
            for (int e = 0; e < chunk.size(); e++) {
                Outgoing out = outgoing.get(chunk.get(e)[0]);
                int k = chunk.get(e)[1];
                entries.add(SendMessageBatchRequestEntry.builder().id(Integer.toString(e))
                        .messageBody(commands ? out.commandBodies.get(k) : out.eventBodies.get(k))
                        .messageAttributes(commands ? out.commandStamps.get(k) : out.eventStamps.get(k)).build());
            }
            try {
                SendMessageBatchResponse response = sqs.sendMessageBatch(r -> r.queueUrl(queueUrl).entries(entries));
                for (BatchResultErrorEntry error : response.failed()) {
                    int index = chunk.get(Integer.parseInt(error.id()))[0];
                    failed.add(index);
                    Log.warnf("SQS refused a message to %s (%s: %s); its commit's effects will be sent again",
                            queueUrl, error.code(), error.message());
                }
            } catch (RuntimeException e) {
                chunk.forEach(m -> failed.add(m[0]));
                Log.warnf("Sending %d messages to %s failed (%s); their commits' effects will be sent again",
                        chunk.size(), queueUrl, e.toString());
            }
        }
    }

    /**
     * The webhook deliveries of the events (common's {@link WebhookDeliveries}). This service runs the dispatcher
     * ({@code WebhookDispatchJob}), so each delivery is written already leased to this replica and handed to its
     * dispatcher at once: two writes (put, outcome), no claim, no wait for a poll; the lease covers a crash before the
     * outcome. Deliveries the events' commit wrote ({@link #leaseWebhooks}) are only handed over, whatever became of
     * the SQS messages. The others (effects sent again, or too many for the commit) are written here, in the same
     * outbox step as their SQS messages: a commit whose deliveries could not be written is unfinished, so its effects
     * are sent again (same eventIds, no second delivery).
     */
    private void recordWebhooks(List<Outgoing> outgoing, Set<Integer> failed) {
        if (!webhooks.enabled()) {
            return;
        }
        for (int i = 0; i < outgoing.size(); i++) {
            if (outgoing.get(i).committedWebhooks != null) {
                dispatcher.sendNow(outgoing.get(i).committedWebhooks);
                continue;
            }
            if (failed.contains(i) || outgoing.get(i).effects.events().isEmpty()) {
                continue;
            }
            try {
                dispatcher.sendNow(webhooks.recordClaimed(outgoing.get(i).effects.events(), clock.instant()));
            } catch (RuntimeException e) {
                failed.add(i);
                Log.warnf("Writing the webhook deliveries of %d events failed (%s); their commit's effects will be"
                        + " sent again", outgoing.get(i).effects.events().size(), e.toString());
            }
        }
    }

    private static void logSent(Effects effects) {
        for (MeteringCommand command : effects.commands()) {
            Log.infof("Sent metering command %s %s for customer %s (product %s, deadline %s)", command.type(),
                    command.commandId(), command.customer().customerKey(), command.customer().productCode(),
                    command.deadline());
        }
        for (CustomerEvent event : effects.events()) {
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
