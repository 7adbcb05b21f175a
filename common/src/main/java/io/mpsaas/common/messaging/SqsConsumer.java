package io.mpsaas.common.messaging;

import io.mpsaas.common.logging.OutageLog;
import io.mpsaas.common.retry.Backoff;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchResponse;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchResultEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Long-polls one SQS queue and hands each message to a handler on a bounded pool, acknowledging per message. It never
 * stops on a bad message or a failing dependency: a handler's exception or {@link Outcome.Retry} makes the message
 * visible again after a backoff, and {@link Outcome.Park} moves it to the dead-letter queue at once with its reason in
 * a message attribute.
 *
 * <p>A message that keeps failing is not left to SQS's redrive policy, which would move it to the dead-letter queue
 * without a reason after a few receives, however briefly (a dependency outage of half a minute would do). From its
 * {@link Builder#requeueAfterReceives} receive on, a failed message goes back to its queue as a fresh copy (receive
 * count 1, the time it first failed in {@value #RETRYING_SINCE_ATTRIBUTE}) and the original is deleted; once it has
 * been failing for {@link Builder#retryFor} it is parked with its last reason.
 *
 * <p>A receive can also end with no outcome at all: the process is killed while handling the message, or SQS cannot be
 * reached to acknowledge it. Left alone, such a message climbs to SQS's {@code maxReceiveCount} and the redrive policy
 * moves it to the dead-letter queue without a reason, though it is valid and nothing was wrong with it (a service
 * killed again and again during a dependency outage did just that). So a message received more than
 * {@link Builder#requeueAfterReceives} times, which can only happen when an earlier receive from that one on ended
 * without an outcome, is requeued as a fresh copy on receipt, before it is handled, with the count of such returns
 * in {@value #UNFINISHED_RECEIVES_ATTRIBUTE}; once that count reaches
 * {@link Builder#parkAfterUnfinishedReceives} (a message whose handling kills the process, every time) it is parked
 * with that reason instead. The redrive policy stays as the last backstop.
 *
 * <p>A message is kept invisible while it is in work: every third of the visibility timeout (the queue's own, read at
 * start, or {@link Builder#visibilityTimeout}), each message still being handled gets it again
 * (ChangeMessageVisibilityBatch, ten at a time; a message received less than a sixth of the timeout before is left to
 * the next round), so a handler slower than the timeout (AWS Marketplace's retries: one GetEntitlements call can take
 * 4 attempts x 12 s of timeouts + 3.5 s of backoff, and it pages) never sees its message delivered to a second worker
 * meanwhile. After {@link #MAX_IN_WORK} the extension stops (SQS allows 12 hours in all) and the message comes back.
 *
 * <p>What a handler throws is classified once, by {@link Failures}: a failure that can never succeed (an unreadable
 * body, data DynamoDB refuses as invalid) parks the message at once with its reason; any other is retried as above.
 *
 * <p>With a {@link BatchHandler} instead of a {@link Handler}, the messages of each receive (up to
 * {@value #MAX_BATCH}) are handed over together, so the handler can share round trips between them; each message
 * still gets its own {@link Outcome}, those done are deleted with one {@code DeleteMessageBatch}, and a retried or
 * parked message is treated exactly as above, without holding back the others of its batch.
 */
public final class SqsConsumer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(SqsConsumer.class);

    /** Message attributes set on a message parked in the dead-letter queue. */
    public static final String PARK_REASON_ATTRIBUTE = "parkReason";
    public static final String PARK_SOURCE_ATTRIBUTE = "parkSourceQueue";
    public static final String PARK_MESSAGE_ID_ATTRIBUTE = "parkOriginalMessageId";
    public static final String PARK_AT_ATTRIBUTE = "parkedAt";
    /** Message attribute of a requeued message: when it first failed (ISO-8601). */
    public static final String RETRYING_SINCE_ATTRIBUTE = "retryingSince";
    /** Message attribute of a requeued message: how many of its receives ended without an outcome, copies included. */
    public static final String UNFINISHED_RECEIVES_ATTRIBUTE = "unfinishedReceives";

    /** MDC keys set while a message is handled, so every log line about it names it. */
    public static final String MDC_MESSAGE_ID = "sqsMessageId";
    public static final String MDC_QUEUE = "sqsQueue";

    /** Longest backoff before a failed message is tried again. */
    static final Duration MAX_BACKOFF = Duration.ofMinutes(5);
    /** A failed message's delay by its receive count. */
    private static final Backoff MESSAGE_BACKOFF = Backoff.exponential(Duration.ofSeconds(2), MAX_BACKOFF);
    /** The pause after a failed receive, by failures in a row: 0.5, 1, 2 ... seconds, at most 30. */
    private static final Backoff POLL_BACKOFF = Backoff.exponential(Duration.ofMillis(500), Duration.ofSeconds(30));
    /** How long a message is kept invisible while in work, at most (SQS's limit is 12 hours from its receipt). */
    static final Duration MAX_IN_WORK = Duration.ofHours(11);
    /** Longest delay SQS allows on a sent message. */
    private static final int MAX_DELAY_SECONDS = 900;
    /** Most messages one ReceiveMessage (and one DeleteMessageBatch) takes. */
    public static final int MAX_BATCH = 10;

    /** What became of one message. */
    public sealed interface Outcome {
        /** Handled (or a duplicate): delete it. */
        record Done() implements Outcome {
        }

        /** Could not be handled now (a dependency is down): try again after {@code delay}. */
        record Retry(Duration delay, String reason) implements Outcome {
        }

        /** Can never be handled (malformed, forged, unknown): move it to the dead-letter queue with the reason. */
        record Park(String reason) implements Outcome {
        }

        Outcome DONE = new Done();
    }

    /**
     * Handles one message; may throw, which counts as a retry with backoff, or parks the message at once when
     * {@link Failures#permanent} says it can never succeed.
     */
    @FunctionalInterface
    public interface Handler {
        Outcome handle(Message message) throws Exception;
    }

    /**
     * Handles the messages of one receive together. Answers each message's outcome by its {@link Message#messageId()};
     * a message left without one is retried with backoff, and so is every message of the batch when it throws.
     */
    @FunctionalInterface
    public interface BatchHandler {
        Map<String, Outcome> handle(Batch batch) throws Exception;
    }

    /**
     * The messages of one receive, with the way to work on some of them inside the trace they carry.
     *
     * @param queue    the consumer's name (the queue's)
     * @param messages as received, at most {@value SqsConsumer#MAX_BATCH}
     */
    public record Batch(String queue, List<Message> messages, MessageTracing tracing) {

        public Batch {
            messages = List.copyOf(messages);
            Objects.requireNonNull(tracing, "tracing");
        }

        /**
         * Runs {@code work} for {@code some} of the batch's messages inside one consumer span continuing the trace of
         * the first of them ({@link MessageTracing#consumeTogether}), so what it sends carries that trace on.
         */
        public <T> T traced(List<Message> some, Callable<T> work) throws Exception {
            return tracing.consumeTogether(queue, some, work);
        }
    }

    private final SqsClient sqs;
    private final String queueUrl;
    private final String deadLetterQueueUrl;
    private final Handler handler;
    private final BatchHandler batchHandler;
    private final int concurrency;
    private final int waitTimeSeconds;
    private final String name;
    private final MessageTracing tracing;
    private final int requeueAfterReceives;
    private final Duration retryFor;
    private final int parkAfterUnfinishedReceives;
    /** Handling failures: one line each, a stack trace only for the first of an outage. */
    private final OutageLog failures = new OutageLog(SqsConsumer.class);
    private final Duration configuredVisibility;
    private volatile Duration visibilityTimeout;

    /** The messages being handled, by receipt handle: what the heartbeat keeps invisible. */
    private final Map<String, InWork> inWork = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.concurrent.ScheduledExecutorService heartbeat;
    private final AtomicLong extended = new AtomicLong();

    private final Semaphore permits;
    private final ExecutorService workers;
    private final Thread poller;
    private volatile boolean running;

    private final AtomicLong received = new AtomicLong();
    private final AtomicLong done = new AtomicLong();
    private final AtomicLong retried = new AtomicLong();
    private final AtomicLong parked = new AtomicLong();
    private final AtomicReference<Instant> lastPoll = new AtomicReference<>();
    private final AtomicReference<String> lastPollError = new AtomicReference<>();
    private volatile Instant startedAt;

    private SqsConsumer(Builder b) {
        this.sqs = Objects.requireNonNull(b.sqs, "sqs");
        this.queueUrl = Objects.requireNonNull(b.queueUrl, "queueUrl");
        this.deadLetterQueueUrl = b.deadLetterQueueUrl;
        if ((b.handler == null) == (b.batchHandler == null)) {
            throw new IllegalArgumentException("a consumer needs exactly one of handler and batchHandler");
        }
        this.handler = b.handler;
        this.batchHandler = b.batchHandler;
        this.concurrency = b.concurrency;
        this.waitTimeSeconds = b.waitTimeSeconds;
        this.name = b.name != null ? b.name : queueName(queueUrl);
        this.tracing = b.tracing;
        this.requeueAfterReceives = b.requeueAfterReceives;
        this.retryFor = b.retryFor;
        this.parkAfterUnfinishedReceives = b.parkAfterUnfinishedReceives;
        this.configuredVisibility = b.visibilityTimeout;
        this.permits = new Semaphore(concurrency);
        AtomicInteger n = new AtomicInteger();
        ThreadFactory factory = r -> {
            Thread t = new Thread(r, "sqs-" + name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        this.workers = Executors.newFixedThreadPool(concurrency, factory);
        this.poller = new Thread(this::pollLoop, "sqs-" + name + "-poller");
        this.poller.setDaemon(true);
        this.heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sqs-" + name + "-heartbeat");
            t.setDaemon(true);
            return t;
        });
    }

    /** A message in a worker's hands; {@code done} once its outcome is being acknowledged (no extension after). */
    private static final class InWork {
        final String receiptHandle;
        final String messageId;
        final Instant receivedAt;
        /** Held while its visibility is being extended and while its outcome is being acknowledged. */
        final ReentrantLock lock = new ReentrantLock();
        /** When its visibility timeout last started: on receipt, then at each extension. */
        Instant hiddenSince;
        boolean done;

        InWork(String receiptHandle, String messageId, Instant receivedAt) {
            this.receiptHandle = receiptHandle;
            this.messageId = messageId;
            this.receivedAt = receivedAt;
            this.hiddenSince = receivedAt;
        }

        /** Its outcome is being acknowledged: no extension from now on. */
        void finish() {
            lock.lock();
            try {
                done = true;
            } finally {
                lock.unlock();
            }
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Starts polling; returns at once. */
    public SqsConsumer start() {
        running = true;
        startedAt = Instant.now();
        visibilityTimeout = configuredVisibility != null ? configuredVisibility : queueVisibilityTimeout();
        long every = Math.max(1, visibilityTimeout.toMillis() / 3);
        heartbeat.scheduleWithFixedDelay(this::extendInWork, every, every, TimeUnit.MILLISECONDS);
        poller.start();
        LOG.infof("Consuming %s with %d workers (dead-letter queue %s)", name, concurrency,
                deadLetterQueueUrl == null ? "none" : deadLetterQueueUrl);
        return this;
    }

    /** Whether the last receive call succeeded (a queue or SQS outage makes this false until it recovers). */
    public boolean healthy() {
        return running && lastPollError.get() == null && lastPoll.get() != null;
    }

    /** When the poller last got an answer from SQS; null before the first. */
    public Instant lastPoll() {
        return lastPoll.get();
    }

    public String name() {
        return name;
    }

    /** The queue consumed. */
    public String queueUrl() {
        return queueUrl;
    }

    /** Where parked messages go; null when the queue has none. */
    public String deadLetterQueueUrl() {
        return deadLetterQueueUrl;
    }

    /** When {@link #start()} was called; null before. */
    public Instant startedAt() {
        return startedAt;
    }

    /** A queue's name: the last path segment of its URL (a name is its own name). */
    public static String queueName(String queueUrlOrName) {
        return queueUrlOrName.substring(queueUrlOrName.lastIndexOf('/') + 1);
    }

    public long received() {
        return received.get();
    }

    public long done() {
        return done.get();
    }

    public long retried() {
        return retried.get();
    }

    public long parked() {
        return parked.get();
    }

    /** Times a message in work had its visibility timeout extended. */
    public long extended() {
        return extended.get();
    }

    /** The visibility timeout messages get on receipt, and again while in work; null before {@link #start()}. */
    public Duration visibilityTimeout() {
        return visibilityTimeout;
    }

    /** The queue's own visibility timeout (needs sqs:GetQueueAttributes); SQS's default of 30 s if it cannot be read. */
    private Duration queueVisibilityTimeout() {
        try {
            String seconds = sqs.getQueueAttributes(r -> r.queueUrl(queueUrl)
                    .attributeNames(QueueAttributeName.VISIBILITY_TIMEOUT)).attributes()
                    .get(QueueAttributeName.VISIBILITY_TIMEOUT);
            return Duration.ofSeconds(Math.max(3, Long.parseLong(seconds)));
        } catch (RuntimeException e) {
            LOG.warnf("Cannot read the visibility timeout of %s (%s); messages in work are kept invisible as if it"
                    + " were 30 s", name, e.getMessage());
            return Duration.ofSeconds(30);
        }
    }

    /**
     * Extends the visibility of the messages in work for another {@link #visibilityTimeout}, ten to a
     * {@code ChangeMessageVisibilityBatch}: those whose timeout started at least half a heartbeat ago (one received
     * since is extended by the next heartbeat, with two thirds of its timeout still ahead of it, at least); a message
     * handled for longer than {@link #MAX_IN_WORK} is left to come back. A message being extended cannot be
     * acknowledged meanwhile (its lock), so an extension never undoes a retry's delay. A failed extension is logged:
     * the message may then be delivered again while in work (every handler is idempotent).
     */
    private void extendInWork() {
        Instant now = Instant.now();
        int seconds = (int) Math.max(1, visibilityTimeout.toSeconds());
        Duration settled = visibilityTimeout.dividedBy(6);
        List<InWork> due = new ArrayList<>();
        for (InWork message : inWork.values()) {
            if (Duration.between(message.receivedAt, now).compareTo(MAX_IN_WORK) <= 0
                    && Duration.between(message.hiddenSince, now).compareTo(settled) >= 0) {
                due.add(message);
            }
        }
        for (int from = 0; from < due.size(); from += MAX_BATCH) {
            extend(due.subList(from, Math.min(due.size(), from + MAX_BATCH)), seconds);
        }
    }

    private void extend(List<InWork> chunk, int seconds) {
        List<InWork> locked = new ArrayList<>(chunk.size());
        try {
            List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>();
            for (InWork message : chunk) {
                message.lock.lock();
                locked.add(message);
                if (!message.done) {
                    entries.add(ChangeMessageVisibilityBatchRequestEntry.builder()
                            .id(Integer.toString(locked.size() - 1)).receiptHandle(message.receiptHandle)
                            .visibilityTimeout(seconds).build());
                }
            }
            if (entries.isEmpty()) {
                return;
            }
            Instant at = Instant.now();
            try {
                ChangeMessageVisibilityBatchResponse response = sqs.changeMessageVisibilityBatch(r -> r
                        .queueUrl(queueUrl).entries(entries));
                for (BatchResultErrorEntry error : response.failed()) {
                    LOG.warnf("Could not keep message %s on %s invisible while in work (%s: %s); SQS may deliver it"
                            + " again meanwhile", locked.get(Integer.parseInt(error.id())).messageId, name,
                            error.code(), error.message());
                }
                for (ChangeMessageVisibilityBatchResultEntry ok : response.successful()) {
                    locked.get(Integer.parseInt(ok.id())).hiddenSince = at;
                    extended.incrementAndGet();
                }
            } catch (RuntimeException e) {
                LOG.warnf("Could not keep %d messages on %s invisible while in work (%s); SQS may deliver them again"
                        + " meanwhile", entries.size(), name, e.getMessage());
            }
        } finally {
            locked.forEach(m -> m.lock.unlock());
        }
    }

    /** Messages being handled right now. */
    public int inFlight() {
        return concurrency - permits.availablePermits();
    }

    private void pollLoop() {
        int failures = 0;
        while (running) {
            int wanted;
            try {
                if (batchHandler != null) {
                    // a whole batch's worth of room, so each receive hands over as many messages as SQS has
                    wanted = Math.min(MAX_BATCH, concurrency);
                    permits.acquire(wanted);
                } else {
                    permits.acquire();
                    wanted = 1 + drainUpTo(MAX_BATCH - 1);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            List<Message> receive;
            try {
                receive = sqs.receiveMessage(r -> r.queueUrl(queueUrl)
                        .maxNumberOfMessages(wanted)
                        .waitTimeSeconds(waitTimeSeconds)
                        .visibilityTimeout(configuredVisibility == null ? null
                                : (int) Math.max(1, configuredVisibility.toSeconds()))
                        .messageAttributeNames("All")
                        .messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT,
                                MessageSystemAttributeName.SENT_TIMESTAMP))
                        .messages();
                lastPoll.set(Instant.now());
                lastPollError.set(null);
                failures = 0;
            } catch (RuntimeException e) {
                permits.release(wanted);
                if (!running) {
                    return;
                }
                failures++;
                lastPollError.set(e.toString());
                long pauseMs = POLL_BACKOFF.delay(failures).toMillis();
                LOG.warnf("Receiving from %s failed (%s); trying again in %d ms", name, e.getMessage(), pauseMs);
                sleepQuietly(pauseMs);
                continue;
            }
            received.addAndGet(receive.size());
            List<Message> messages = withoutUnfinished(receive);
            permits.release(wanted - messages.size());
            Instant receivedAt = Instant.now();
            List<InWork> works = new ArrayList<>(messages.size());
            for (Message message : messages) {
                InWork work = new InWork(message.receiptHandle(), message.messageId(), receivedAt);
                inWork.put(message.receiptHandle(), work);
                works.add(work);
            }
            if (batchHandler != null) {
                if (!messages.isEmpty()) {
                    workers.execute(() -> {
                        try {
                            processBatch(messages, works);
                        } finally {
                            messages.forEach(m -> inWork.remove(m.receiptHandle()));
                            permits.release(messages.size());
                        }
                    });
                }
                continue;
            }
            for (int i = 0; i < messages.size(); i++) {
                Message message = messages.get(i);
                InWork work = works.get(i);
                workers.execute(() -> {
                    try {
                        process(message, work);
                    } finally {
                        inWork.remove(message.receiptHandle());
                        permits.release();
                    }
                });
            }
        }
    }

    private int drainUpTo(int max) {
        int got = 0;
        while (got < max && permits.tryAcquire()) {
            got++;
        }
        return got;
    }

    private void process(Message message, InWork work) {
        int receiveCount = receiveCount(message);
        MDC.put(MDC_MESSAGE_ID, message.messageId());
        MDC.put(MDC_QUEUE, name);
        try {
            handleAndAcknowledge(message, receiveCount, work);
        } finally {
            MDC.remove(MDC_MESSAGE_ID);
            MDC.remove(MDC_QUEUE);
        }
    }

    private void handleAndAcknowledge(Message message, int receiveCount, InWork work) {
        Outcome outcome;
        try {
            // inside the trace the message carries (its producer's), when tracing is on
            outcome = tracing.consume(name, message, handler);
        } catch (Exception e) {
            outcome = Failures.outcome(e, backoff(receiveCount));
            if (outcome instanceof Outcome.Retry) {
                failures.warn("Handling message " + message.messageId() + " from " + name + " failed (receive "
                        + receiveCount + "); it will be retried", e);
            }
            // a permanent failure is parked below with its reason, logged there in one line: no stack trace
        }
        // no extension from now on: it would undo a retry's own visibility timeout
        work.finish();
        if (outcome instanceof Outcome.Done) {
            try {
                sqs.deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
                done.incrementAndGet();
            } catch (RuntimeException e) {
                // the message stays in flight and comes back after its visibility timeout: nothing is lost
                LOG.warnf("Acknowledging message %s on %s failed (%s); SQS will deliver it again",
                        message.messageId(), name, e.getMessage());
            }
            return;
        }
        retryOrPark(message, receiveCount, outcome);
    }

    /** Hands the messages of one receive to the batch handler, then acknowledges each by its outcome. */
    private void processBatch(List<Message> messages, List<InWork> works) {
        MDC.put(MDC_QUEUE, name);
        try {
            Map<String, Outcome> outcomes;
            Exception failure = null;
            try {
                outcomes = batchHandler.handle(new Batch(name, messages, tracing));
            } catch (Exception e) {
                failures.warn("Handling " + messages.size() + " messages from " + name + " failed; they will be retried",
                        e);
                outcomes = Map.of();
                failure = e;
            }
            // no extension from now on: it would undo a retry's own visibility timeout
            works.forEach(InWork::finish);
            List<Message> handled = new ArrayList<>();
            for (Message message : messages) {
                Outcome outcome = outcomes == null ? null : outcomes.get(message.messageId());
                if (outcome instanceof Outcome.Done) {
                    handled.add(message);
                    continue;
                }
                int receiveCount = receiveCount(message);
                if (outcome == null && failure != null && messages.size() == 1) {
                    // the failure can only be this message's: parked at once when it can never succeed
                    outcome = Failures.outcome(failure, backoff(receiveCount));
                } else if (outcome == null) {
                    outcome = new Outcome.Retry(backoff(receiveCount), failure != null ? failure.toString()
                            : "the batch handler gave no outcome for it");
                }
                MDC.put(MDC_MESSAGE_ID, message.messageId());
                try {
                    retryOrPark(message, receiveCount, outcome);
                } finally {
                    MDC.remove(MDC_MESSAGE_ID);
                }
            }
            deleteBatch(handled);
        } finally {
            MDC.remove(MDC_QUEUE);
        }
    }

    /**
     * Deletes handled messages with one {@code DeleteMessageBatch}, trying the entries SQS failed on its side once
     * more. A message whose delete still fails stays in flight and comes back after its visibility timeout, and the
     * handler sees it as the duplicate it is: nothing is lost, nothing is handled twice.
     */
    private void deleteBatch(List<Message> messages) {
        List<Message> pending = messages;
        for (int round = 0; round < 2 && !pending.isEmpty(); round++) {
            List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>();
            for (int i = 0; i < pending.size(); i++) {
                entries.add(DeleteMessageBatchRequestEntry.builder().id(Integer.toString(i))
                        .receiptHandle(pending.get(i).receiptHandle()).build());
            }
            DeleteMessageBatchResponse response;
            try {
                response = sqs.deleteMessageBatch(r -> r.queueUrl(queueUrl).entries(entries));
            } catch (RuntimeException e) {
                LOG.warnf("Acknowledging %d messages on %s failed (%s); SQS will deliver them again", pending.size(),
                        name, e.getMessage());
                return;
            }
            done.addAndGet(response.successful().size());
            List<Message> again = new ArrayList<>();
            for (BatchResultErrorEntry failed : response.failed()) {
                Message message = pending.get(Integer.parseInt(failed.id()));
                if (Boolean.TRUE.equals(failed.senderFault()) || round == 1) {
                    LOG.warnf("Acknowledging message %s on %s failed (%s: %s); SQS will deliver it again",
                            message.messageId(), name, failed.code(), failed.message());
                } else {
                    again.add(message);
                }
            }
            pending = again;
        }
    }

    /**
     * The received messages to hand over now: a message received more than {@link #requeueAfterReceives} times had a
     * receive from that one on end without an outcome (a failed handling there would have requeued it, a successful
     * one deleted it), so the next such end could let SQS's redrive park it without a reason. It is requeued as a
     * fresh copy now, before any handling, or parked with the reason once it has gone unfinished too often.
     */
    private List<Message> withoutUnfinished(List<Message> messages) {
        if (deadLetterQueueUrl == null) {
            return messages;
        }
        List<Message> now = new ArrayList<>(messages.size());
        for (Message message : messages) {
            int receiveCount = receiveCount(message);
            if (receiveCount <= requeueAfterReceives) {
                now.add(message);
                continue;
            }
            MDC.put(MDC_MESSAGE_ID, message.messageId());
            MDC.put(MDC_QUEUE, name);
            try {
                requeueUnfinished(message, receiveCount);
            } catch (RuntimeException e) {
                // it stays in flight and comes back after its visibility timeout, to be requeued then
                LOG.warnf("Requeueing message %s on %s failed (%s); SQS will deliver it again", message.messageId(),
                        name, e.getMessage());
            } finally {
                MDC.remove(MDC_MESSAGE_ID);
                MDC.remove(MDC_QUEUE);
            }
        }
        return now;
    }

    private void requeueUnfinished(Message message, int receiveCount) {
        // one more time back unfinished: counted once per return, however many receives SQS counted meanwhile (it also
        // counts those no consumer saw, a long poll of a killed process)
        int unfinished = unfinishedReceives(message) + 1;
        if (unfinished >= parkAfterUnfinishedReceives) {
            park(message, "its handling never finished, " + unfinished + " times in a row (the service stopped or was"
                    + " killed while handling it, or could not acknowledge it): see the service's log for message "
                    + message.messageId());
            return;
        }
        Instant since = retryingSince(message);
        Map<String, MessageAttributeValue> attributes = new HashMap<>(message.messageAttributes());
        attributes.put(RETRYING_SINCE_ATTRIBUTE, stringAttribute(since.toString()));
        attributes.put(UNFINISHED_RECEIVES_ATTRIBUTE, stringAttribute(Integer.toString(unfinished)));
        trimAttributes(attributes, k -> k.equals(RETRYING_SINCE_ATTRIBUTE) || k.equals(UNFINISHED_RECEIVES_ATTRIBUTE));
        String copy = sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody(message.body())
                .messageAttributes(attributes)).messageId();
        sqs.deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
        retried.incrementAndGet();
        LOG.warnf("Message %s from %s came back for receive %d after a receive that ended without an outcome (%d such"
                + " receives in all); requeued as %s before handling it, so SQS's redrive cannot park it without a"
                + " reason", message.messageId(), name, receiveCount, unfinished, copy);
    }

    /** Receives of the message (and of the copies it was requeued from) that ended without an outcome. */
    static int unfinishedReceives(Message message) {
        MessageAttributeValue value = message.messageAttributes().get(UNFINISHED_RECEIVES_ATTRIBUTE);
        if (value == null || value.stringValue() == null) {
            return 0;
        }
        try {
            return Math.max(0, Integer.parseInt(value.stringValue().trim()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** A message not handled now: made visible again after its backoff, requeued, or parked with its reason. */
    private void retryOrPark(Message message, int receiveCount, Outcome outcome) {
        try {
            if (outcome instanceof Outcome.Retry retry) {
                int seconds = (int) Math.min(Math.max(retry.delay().toSeconds(), 0), 43_200);
                if (receiveCount >= requeueAfterReceives && deadLetterQueueUrl != null) {
                    requeueOrPark(message, receiveCount, seconds, retry.reason());
                    return;
                }
                sqs.changeMessageVisibility(r -> r.queueUrl(queueUrl).receiptHandle(message.receiptHandle())
                        .visibilityTimeout(seconds));
                retried.incrementAndGet();
                LOG.infof("Message %s from %s will be retried in %d s: %s", message.messageId(), name, seconds,
                        retry.reason());
            } else if (outcome instanceof Outcome.Park park) {
                park(message, park.reason());
            }
        } catch (RuntimeException e) {
            // the message stays in flight and comes back after its visibility timeout: nothing is lost
            LOG.warnf("Acknowledging message %s on %s failed (%s); SQS will deliver it again", message.messageId(),
                    name, e.getMessage());
        }
    }

    /**
     * A message failing again and again: sent back as a fresh copy (its receive count starts over, so SQS's redrive
     * does not park it without a reason) and the original deleted, or parked once it has failed for too long. A copy
     * sent but the original not deleted is handled twice: every handler is idempotent.
     */
    private void requeueOrPark(Message message, int receiveCount, int delaySeconds, String reason) {
        Instant since = retryingSince(message);
        Duration failingFor = Duration.between(since, Instant.now());
        if (failingFor.compareTo(retryFor) >= 0) {
            park(message, "still failing after " + failingFor.withNanos(0) + ": " + reason);
            return;
        }
        Map<String, MessageAttributeValue> attributes = new HashMap<>(message.messageAttributes());
        attributes.put(RETRYING_SINCE_ATTRIBUTE, stringAttribute(since.toString()));
        trimAttributes(attributes, k -> k.equals(RETRYING_SINCE_ATTRIBUTE) || k.equals(UNFINISHED_RECEIVES_ATTRIBUTE));
        String copy = sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody(message.body())
                .messageAttributes(attributes).delaySeconds(Math.min(delaySeconds, MAX_DELAY_SECONDS))).messageId();
        sqs.deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
        retried.incrementAndGet();
        LOG.infof("Message %s from %s failed on receive %d and is requeued as %s, tried again in %d s (failing since"
                + " %s): %s", message.messageId(), name, receiveCount, copy,
                Math.min(delaySeconds, MAX_DELAY_SECONDS), since, printable(reason, 1000));
    }

    /**
     * When the message first failed: its attribute when requeued before, else when it was first sent (so for a copy,
     * when the original reached the queue).
     */
    public static Instant retryingSince(Message message) {
        MessageAttributeValue since = message.messageAttributes().get(RETRYING_SINCE_ATTRIBUTE);
        if (since != null && since.stringValue() != null) {
            try {
                return Instant.parse(since.stringValue());
            } catch (DateTimeParseException e) {
                // not ours: fall back to the sent time
            }
        }
        String sent = message.attributes().get(MessageSystemAttributeName.SENT_TIMESTAMP);
        try {
            return sent == null ? Instant.now() : Instant.ofEpochMilli(Long.parseLong(sent));
        } catch (NumberFormatException e) {
            return Instant.now();
        }
    }

    /** SQS allows at most 10 message attributes: the kept ones stay, then the trace context; others go first. */
    private static void trimAttributes(Map<String, MessageAttributeValue> attributes,
            Predicate<String> keep) {
        while (attributes.size() > 10) {
            String drop = attributes.keySet().stream().filter(keep.negate())
                    .min(Comparator.comparingInt(SqsConsumer::keepRank)).orElse(null);
            if (drop == null) {
                break;
            }
            attributes.remove(drop);
        }
    }

    private void park(Message message, String reason) {
        if (deadLetterQueueUrl == null) {
            LOG.errorf("Message %s from %s cannot be handled (%s) and the queue has no dead-letter queue; leaving it"
                    + " to SQS", message.messageId(), name, reason);
            retried.incrementAndGet();
            return;
        }
        // the reason often quotes the poison input: made safe for an SQS attribute and a log line first
        reason = printable(reason, 1000);
        Map<String, MessageAttributeValue> attributes = new HashMap<>(message.messageAttributes());
        attributes.put(PARK_REASON_ATTRIBUTE, stringAttribute(reason));
        attributes.put(PARK_SOURCE_ATTRIBUTE, stringAttribute(queueUrl));
        attributes.put(PARK_MESSAGE_ID_ATTRIBUTE, stringAttribute(message.messageId()));
        attributes.put(PARK_AT_ATTRIBUTE, stringAttribute(Instant.now().toString()));
        trimAttributes(attributes, k -> k.startsWith("park"));
        sqs.sendMessage(r -> r.queueUrl(deadLetterQueueUrl).messageBody(message.body())
                .messageAttributes(attributes));
        sqs.deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
        parked.incrementAndGet();
        LOG.warnf("Parked message %s from %s in the dead-letter queue: %s", message.messageId(), name, reason);
    }

    /** Which attribute goes last when a parked message has too many: the trace context outlives the others. */
    private static int keepRank(String attribute) {
        return switch (attribute) {
            case "traceparent" -> 2;
            case "tracestate" -> 1;
            default -> 0;
        };
    }

    /** Exponential backoff by receive count: 2, 4, 8 ... seconds, at most five minutes. */
    static Duration backoff(int receiveCount) {
        return MESSAGE_BACKOFF.delay(receiveCount);
    }

    /** How many times SQS has delivered the message, this time included. */
    public static int receiveCount(Message message) {
        String count = message.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT);
        try {
            return count == null ? 1 : Integer.parseInt(count);
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    private static MessageAttributeValue stringAttribute(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }

    /**
     * {@code text} as a park reason may carry it: control characters, format characters (bidi overrides, zero-width)
     * and unpaired surrogates become {@code ?} (SQS refuses the last in attributes, and the others forge or hide log
     * text), cut after {@code max} characters without splitting a pair. A reason quoting poison input (a JSON
     * parser's message names the offending character) could otherwise never be parked.
     */
    static String printable(String text, int max) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), max));
        for (int i = 0; i < text.length() && out.length() < max;) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            int type = Character.getType(cp);
            boolean unsafe = Character.isISOControl(cp) || type == Character.FORMAT || type == Character.SURROGATE
                    || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR
                    || type == Character.UNASSIGNED || cp == 0xFFFE || cp == 0xFFFF;
            if (out.length() + Character.charCount(cp) > max) {
                break;
            }
            out.appendCodePoint(unsafe ? '?' : cp);
        }
        return out.toString();
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops receiving, lets the messages in hand finish (up to {@code timeout}), and stops the workers. */
    public void stop(Duration timeout) {
        running = false;
        poller.interrupt();
        heartbeat.shutdownNow();
        workers.shutdown();
        try {
            if (!workers.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                // unfinished messages were not deleted: SQS delivers them again
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            workers.shutdownNow();
        }
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(10));
    }

    /** Settings of a consumer. */
    public static final class Builder {
        /** Default of {@link #requeueAfterReceives(int)}. */
        public static final int DEFAULT_REQUEUE_AFTER_RECEIVES = 3;
        /** Default of {@link #retryFor(Duration)}. */
        public static final Duration DEFAULT_RETRY_FOR = Duration.ofHours(6);
        /** Default of {@link #parkAfterUnfinishedReceives(int)}. */
        public static final int DEFAULT_PARK_AFTER_UNFINISHED_RECEIVES = 5;

        private SqsClient sqs;
        private String queueUrl;
        private String deadLetterQueueUrl;
        private Handler handler;
        private BatchHandler batchHandler;
        private int concurrency = 4;
        private int waitTimeSeconds = 20;
        private String name;
        private MessageTracing tracing = MessageTracing.NONE;
        private int requeueAfterReceives = DEFAULT_REQUEUE_AFTER_RECEIVES;
        private Duration retryFor = DEFAULT_RETRY_FOR;
        private int parkAfterUnfinishedReceives = DEFAULT_PARK_AFTER_UNFINISHED_RECEIVES;
        private Duration visibilityTimeout;

        public Builder sqs(SqsClient sqs) {
            this.sqs = sqs;
            return this;
        }

        public Builder queueUrl(String queueUrl) {
            this.queueUrl = queueUrl;
            return this;
        }

        /** Where {@link Outcome.Park} sends messages; null leaves them to the redrive policy. */
        public Builder deadLetterQueueUrl(String deadLetterQueueUrl) {
            this.deadLetterQueueUrl = deadLetterQueueUrl;
            return this;
        }

        /** Handles each message on its own (this or {@link #batchHandler}). */
        public Builder handler(Handler handler) {
            this.handler = handler;
            return this;
        }

        /**
         * Handles the messages of each receive together (this or {@link #handler}). Each receive then waits for room
         * for a whole batch ({@code min(10, concurrency)} messages), so {@code concurrency} / 10 batches are in hand at
         * once.
         */
        public Builder batchHandler(BatchHandler batchHandler) {
            this.batchHandler = batchHandler;
            return this;
        }

        /** Messages handled at once (default 4); with a {@link #batchHandler}, spread over batches of up to 10. */
        public Builder concurrency(int concurrency) {
            if (concurrency < 1) {
                throw new IllegalArgumentException("concurrency must be at least 1");
            }
            this.concurrency = concurrency;
            return this;
        }

        /** Long-poll wait, 0..20 seconds (default 20). */
        public Builder waitTimeSeconds(int waitTimeSeconds) {
            if (waitTimeSeconds < 0 || waitTimeSeconds > 20) {
                throw new IllegalArgumentException("waitTimeSeconds must be 0..20");
            }
            this.waitTimeSeconds = waitTimeSeconds;
            return this;
        }

        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /** How a received message's trace context is continued (default: not at all). */
        public Builder tracing(MessageTracing tracing) {
            this.tracing = tracing == null ? MessageTracing.NONE : tracing;
            return this;
        }

        /**
         * From which receive on a failed message is requeued as a fresh copy rather than made visible again (default
         * {@value #DEFAULT_REQUEUE_AFTER_RECEIVES}: below the suite's {@code maxReceiveCount} of
         * {@value SuiteQueues#MAX_RECEIVE_COUNT}, so the redrive policy never parks a message that only fails).
         */
        public Builder requeueAfterReceives(int receives) {
            if (receives < 1) {
                throw new IllegalArgumentException("requeueAfterReceives must be at least 1");
            }
            this.requeueAfterReceives = receives;
            return this;
        }

        /**
         * After how many returns from receives that ended without an outcome (the process killed while handling it,
         * its acknowledgement failed), counted over the copies it was requeued as, a message is parked with that reason
         * (default {@value #DEFAULT_PARK_AFTER_UNFINISHED_RECEIVES}: with the default {@link #requeueAfterReceives},
         * a message whose handling kills the process is parked after at least fifteen deaths, never left to the
         * redrive; the 100-kill crash run parked a valid message with 3, counted by receive).
         */
        public Builder parkAfterUnfinishedReceives(int receives) {
            if (receives < 1) {
                throw new IllegalArgumentException("parkAfterUnfinishedReceives must be at least 1");
            }
            this.parkAfterUnfinishedReceives = receives;
            return this;
        }

        /** How long a message may keep failing before it is parked with its last reason (default 6 hours). */
        public Builder retryFor(Duration retryFor) {
            this.retryFor = Objects.requireNonNull(retryFor, "retryFor");
            return this;
        }

        /**
         * The visibility timeout a message is received with, renewed every third of it while the message is in work;
         * at least 3 seconds. Default: the queue's own (read at start), which receives then leave as it is.
         */
        public Builder visibilityTimeout(Duration visibilityTimeout) {
            if (visibilityTimeout.toSeconds() < 3 || visibilityTimeout.compareTo(Duration.ofHours(12)) > 0) {
                throw new IllegalArgumentException("visibilityTimeout must be 3 s .. 12 h");
            }
            this.visibilityTimeout = visibilityTimeout;
            return this;
        }

        public SqsConsumer build() {
            return new SqsConsumer(this);
        }
    }
}
