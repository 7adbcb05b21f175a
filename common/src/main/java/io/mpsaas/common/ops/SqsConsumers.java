package io.mpsaas.common.ops;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.mpsaas.common.messaging.MessageTracing;
import io.mpsaas.common.messaging.SqsConsumer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.ToDoubleFunction;

/**
 * The service's running {@link SqsConsumer}s, started through here so that every consumer of every service is traced,
 * measured and checked the same way: the trace context of each message is continued ({@link MessageTracing}), its
 * counters and poll age are metrics, its dead-letter queue's depth is a gauge ({@link DeadLetterQueueGauges}) and its
 * polling is part of readiness ({@link ConsumersReadiness}).
 *
 * <p>Metrics, tagged with the queue's name: {@code mpsaas_sqs_messages_total{queue, outcome}} (received, done,
 * retried, parked), {@code mpsaas_sqs_consumer_last_poll_age_seconds{queue}} (seconds since SQS last answered a
 * receive: a stalled consumer grows it), {@code mpsaas_sqs_consumer_in_flight{queue}}.
 */
@ApplicationScoped
public class SqsConsumers {

    private final MeterRegistry registry;
    private final MessageTracing tracing;
    private final DeadLetterQueueGauges deadLetterQueues;
    private final List<SqsConsumer> consumers = new CopyOnWriteArrayList<>();

    public SqsConsumers(MeterRegistry registry, Instance<MessageTracing> tracing, DeadLetterQueueGauges deadLetterQueues) {
        this.registry = registry;
        this.tracing = tracing.isResolvable() ? tracing.get() : MessageTracing.NONE;
        this.deadLetterQueues = deadLetterQueues;
    }

    /** Builds the consumer with the service's tracing, starts it, and registers its metrics and readiness. */
    public SqsConsumer start(SqsConsumer.Builder builder) {
        SqsConsumer consumer = builder.tracing(tracing).build();
        Tags queue = Tags.of("queue", SqsConsumer.queueName(consumer.queueUrl()));
        counter(consumer, queue, "received", SqsConsumer::received);
        counter(consumer, queue, "done", SqsConsumer::done);
        counter(consumer, queue, "retried", SqsConsumer::retried);
        counter(consumer, queue, "parked", SqsConsumer::parked);
        Gauge.builder("mpsaas.sqs.consumer.last.poll.age", consumer, SqsConsumers::lastPollAgeSeconds)
                .description("Seconds since SQS last answered this consumer's receive (grows while it is stalled)")
                .baseUnit("seconds").tags(queue).register(registry);
        Gauge.builder("mpsaas.sqs.consumer.in.flight", consumer, SqsConsumer::inFlight)
                .description("Messages being handled right now").tags(queue).register(registry);
        if (consumer.deadLetterQueueUrl() != null) {
            deadLetterQueues.watchUrl(consumer.deadLetterQueueUrl());
        }
        consumers.add(consumer);
        return consumer.start();
    }

    /** The consumers started through here. */
    public List<SqsConsumer> all() {
        return List.copyOf(consumers);
    }

    private void counter(SqsConsumer consumer, Tags queue, String outcome, ToDoubleFunction<SqsConsumer> count) {
        FunctionCounter.builder("mpsaas.sqs.messages", consumer, count)
                .description("SQS messages by what became of them").tags(queue.and("outcome", outcome))
                .register(registry);
    }

    static double lastPollAgeSeconds(SqsConsumer consumer) {
        Instant last = consumer.lastPoll() != null ? consumer.lastPoll() : consumer.startedAt();
        return last == null ? 0 : Math.max(0, Duration.between(last, Instant.now()).toMillis() / 1000.0);
    }
}
