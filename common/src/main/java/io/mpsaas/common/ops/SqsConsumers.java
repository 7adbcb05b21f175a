package io.mpsaas.common.ops;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.mpsaas.common.Causes;
import io.mpsaas.common.health.DependencyChecks;
import io.mpsaas.common.logging.OutageLog;
import io.mpsaas.common.messaging.MessageTracing;
import io.mpsaas.common.messaging.SqsConsumer;
import io.mpsaas.common.retry.Backoff;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import org.jboss.logging.Logger;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/**
 * The service's running {@link SqsConsumer}s, started through here so that every consumer of every service is traced,
 * measured and checked the same way: the trace context of each message is continued ({@link MessageTracing}), its
 * counters and poll age are metrics, its dead-letter queue's depth is a gauge ({@link DeadLetterQueueGauges}) and its
 * polling is part of readiness ({@link ConsumersReadiness}).
 *
 * <p>Metrics, tagged with the queue's name: {@code mpsaas_sqs_messages_total{queue, outcome}} (received, done,
 * retried, parked), {@code mpsaas_sqs_consumer_last_poll_age_seconds{queue}} (seconds since SQS last answered a
 * receive: a stalled consumer grows it), {@code mpsaas_sqs_consumer_in_flight{queue}}.
 *
 * <p>Services start their consumers with {@link #startWhenResolved}: the queue URLs are looked up in the background,
 * so an unreachable SQS never fails the application's start (the pod starts not ready instead of crash-looping, and
 * what needs only DynamoDB keeps answering).
 */
@ApplicationScoped
public class SqsConsumers {

    /** How often at most a missing queue is logged at ERROR while it is looked up again. */
    public static final Duration LOUD_EVERY = Duration.ofMinutes(1);

    private static final Backoff RESOLVE_BACKOFF = Backoff.fullJitter(Duration.ofSeconds(1), Duration.ofSeconds(30));

    private static final Logger LOG = Logger.getLogger(SqsConsumers.class);

    private final MeterRegistry registry;
    private final MessageTracing tracing;
    private final DeadLetterQueueGauges deadLetterQueues;
    private final List<SqsConsumer> consumers = new CopyOnWriteArrayList<>();
    private final List<Pending> pending = new CopyOnWriteArrayList<>();

    @Inject
    public SqsConsumers(MeterRegistry registry, Instance<MessageTracing> tracing, DeadLetterQueueGauges deadLetterQueues) {
        this(registry, tracing.isResolvable() ? tracing.get() : MessageTracing.NONE, deadLetterQueues);
    }

    SqsConsumers(MeterRegistry registry, MessageTracing tracing, DeadLetterQueueGauges deadLetterQueues) {
        this.registry = registry;
        this.tracing = tracing;
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

    /**
     * Starts the consumers {@code resolve} builds once it succeeds: it looks their queue URLs up (GetQueueUrl,
     * GetQueueAttributes for the dead-letter queue) and is called on a background thread, again with backoff until it
     * returns; meanwhile readiness is DOWN ("resolving queue URLs: the error"). A queue that does not exist is logged
     * at ERROR (at most once per {@link #LOUD_EVERY}) and tried again: it may be created, and the service must not exit.
     *
     * @param what    what is resolved, for the log ("the usage and metering-commands queues")
     * @param resolve the consumers' builders, built with the resolved URLs; throws while SQS cannot answer
     */
    public Pending startWhenResolved(String what, Supplier<List<SqsConsumer.Builder>> resolve) {
        return startWhenResolved(what, resolve, RESOLVE_BACKOFF);
    }

    Pending startWhenResolved(String what, Supplier<List<SqsConsumer.Builder>> resolve, Backoff backoff) {
        Pending p = new Pending(what, resolve, backoff);
        pending.add(p);
        p.thread.start();
        return p;
    }

    /** The consumers started through here. */
    public List<SqsConsumer> all() {
        return List.copyOf(consumers);
    }

    /** The groups of consumers whose queue URLs are not resolved yet. */
    public List<Pending> unresolved() {
        return pending.stream().filter(p -> !p.resolved()).toList();
    }

    /** Consumers waiting for their queue URLs, then running; stop them (and the look-up) with {@link #stop}. */
    public final class Pending {

        private final String what;
        private final Supplier<List<SqsConsumer.Builder>> resolve;
        private final Backoff backoff;
        private final Thread thread;
        private final List<SqsConsumer> started = new CopyOnWriteArrayList<>();
        private volatile boolean resolved;
        private volatile boolean stopped;
        private volatile String error;
        private Instant lastLogged;

        Pending(String what, Supplier<List<SqsConsumer.Builder>> resolve, Backoff backoff) {
            this.what = what;
            this.resolve = resolve;
            this.backoff = backoff;
            this.thread = new Thread(this::run, "mpsaas-resolve-queues");
            this.thread.setDaemon(true);
        }

        private void run() {
            for (int attempt = 1; !stopped; attempt++) {
                try {
                    List<SqsConsumer.Builder> builders = resolve.get();
                    synchronized (this) {
                        if (stopped) {
                            return;
                        }
                        builders.forEach(b -> started.add(start(b)));
                        resolved = true;
                        error = null;
                    }
                    if (attempt > 1) {
                        LOG.infof("Resolved the URLs of %s after %d attempts; their consumers are started", what,
                                attempt);
                    }
                    return;
                } catch (RuntimeException e) {
                    failed(attempt, e);
                }
                try {
                    Backoff.sleep(backoff.delay(attempt));
                } catch (IllegalStateException interrupted) {
                    return;
                }
            }
        }

        private void failed(int attempt, RuntimeException e) {
            // readiness shows the short reason only (an AccessDenied message names the account); the log has it all
            error = DependencyChecks.reason(e);
            String description = OutageLog.describe(e);
            Instant now = Instant.now();
            boolean missing = missingQueue(e);
            if (attempt == 1 || lastLogged == null || !now.isBefore(lastLogged.plus(LOUD_EVERY))) {
                lastLogged = now;
                if (missing) {
                    // a wrong name is a configuration error: loud, but no exit (the queue may be created yet)
                    LOG.errorf("Cannot start the consumers of %s: a queue does not exist (%s); check suite.queues.*."
                            + " Looking again with backoff; readiness stays DOWN", what, description);
                } else {
                    LOG.warnf("Cannot resolve the URLs of %s (attempt %d: %s); trying again with backoff, readiness"
                            + " stays DOWN until then", what, attempt, description);
                }
            }
        }

        /** True once the URLs are resolved and the consumers started. */
        public boolean resolved() {
            return resolved;
        }

        /** What is being resolved. */
        public String what() {
            return what;
        }

        /** The last look-up's failure as a short reason ({@link DependencyChecks#reason}), or null before one failed. */
        public String error() {
            return error;
        }

        /** The consumers started once the URLs were resolved (empty before). */
        public List<SqsConsumer> consumers() {
            return List.copyOf(started);
        }

        /** Ends the look-up if it still runs, and stops the started consumers. */
        public void stop(Duration timeout) {
            synchronized (this) {
                stopped = true;
            }
            thread.interrupt();
            started.forEach(c -> c.stop(timeout));
        }
    }

    static boolean missingQueue(Throwable e) {
        return Causes.find(e, QueueDoesNotExistException.class).isPresent();
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
