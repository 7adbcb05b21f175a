package io.mpsaas.entitlement.listener;

import io.mpsaas.common.logging.CustomerMdc;
import io.mpsaas.common.marketplace.MarketplaceError;
import io.mpsaas.common.marketplace.MarketplaceException;
import io.mpsaas.common.messaging.Failures;
import io.mpsaas.common.messaging.SqsConsumer;
import io.mpsaas.common.messaging.SqsConsumer.Outcome;
import io.mpsaas.common.retry.Backoff;
import io.mpsaas.entitlement.config.EntitlementConfig;
import io.mpsaas.entitlement.domain.Notification;
import io.mpsaas.entitlement.domain.Subscriber;
import io.mpsaas.entitlement.service.EntitlementMetrics;
import io.mpsaas.entitlement.service.AgreementTermsQueue;
import io.mpsaas.entitlement.service.SubscriptionService;
import io.quarkus.logging.Log;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.jboss.logging.MDC;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * The messages of one receive to one outcome each: applied or duplicate ({@code Done}); malformed, forged, unknown or
 * refused by AWS for good ({@code Park}, with the reason); a dependency down ({@code Retry} with backoff, so
 * throttling and outages lose nothing). Each message is read and checked on its own, so a poison message is parked
 * without holding back the others; the notifications are then grouped by customer ({@link SubscriptionService#group})
 * and the groups applied in parallel, each inside the trace of its messages.
 */
@ApplicationScoped
public class NotificationHandler implements SqsConsumer.BatchHandler {

    private final NotificationReader reader;
    private final SubscriptionService subscriptions;
    private final EntitlementConfig config;
    private final EntitlementMetrics metrics;
    private final AgreementTermsQueue terms;
    private final Map<String, AtomicLong> parkedByReason = new ConcurrentHashMap<>();
    /** Runs a batch's customer groups side by side (at most one per message in hand). */
    private final ExecutorService groups;

    public NotificationHandler(NotificationReader reader, SubscriptionService subscriptions,
            EntitlementConfig config, EntitlementMetrics metrics, AgreementTermsQueue terms) {
        this.terms = terms;
        this.reader = reader;
        this.subscriptions = subscriptions;
        this.config = config;
        this.metrics = metrics;
        AtomicInteger n = new AtomicInteger();
        this.groups = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "notification-group-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    @PreDestroy
    void stop() {
        groups.shutdown();
    }

    /** One message and what was read from it. */
    private record Read(Message message, Notification notification) {
    }

    @Override
    public Map<String, Outcome> handle(SqsConsumer.Batch batch) {
        long receivedNanos = System.nanoTime();
        Map<String, Outcome> outcomes = new HashMap<>();
        // the same notification twice in one batch (SQS delivers at least once): applied once, the copy a duplicate
        Map<String, List<Read>> byDedupe = new LinkedHashMap<>();
        for (Message message : batch.messages()) {
            MDC.put(SqsConsumer.MDC_MESSAGE_ID, message.messageId());
            try {
                Read read = read(message, outcomes);
                if (read != null) {
                    byDedupe.computeIfAbsent(read.notification().meta().dedupeKey(), k -> new ArrayList<>())
                            .add(read);
                }
            } finally {
                MDC.remove(SqsConsumer.MDC_MESSAGE_ID);
            }
        }
        if (byDedupe.isEmpty()) {
            return outcomes;
        }
        List<SubscriptionService.Group> planned;
        try {
            planned = subscriptions.group(byDedupe.values().stream().map(reads -> reads.get(0).notification())
                    .toList(), receivedNanos);
        } catch (RuntimeException e) {
            // DynamoDB not answering: nothing was done, every notification goes back. A permanent failure of the
            // batch's reads cannot be pinned on one message unless it is alone: the others are retried, and come
            // back in other batches until the poison one is alone and parked
            boolean alone = byDedupe.size() == 1;
            byDedupe.values().forEach(reads -> reads.forEach(r -> outcomes.put(r.message().messageId(),
                    alone ? failed(r, e) : retry(EntitlementMetrics.kind(r.notification()),
                            SqsConsumer.receiveCount(r.message()), e.toString()))));
            return outcomes;
        }
        List<Future<List<SubscriptionService.Result>>> running = new ArrayList<>();
        for (SubscriptionService.Group group : planned) {
            List<Message> messages = group.notifications().stream()
                    .flatMap(n -> byDedupe.get(n.meta().dedupeKey()).stream()).map(Read::message).toList();
            running.add(groups.submit(() -> batch.traced(messages, () -> apply(batch.queue(), group, messages))));
        }
        List<SubscriptionService.Result> results = new ArrayList<>();
        for (int i = 0; i < planned.size(); i++) {
            try {
                results.addAll(running.get(i).get());
            } catch (ExecutionException | InterruptedException e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                RuntimeException cause = new IllegalStateException("applying the notifications failed: " + e, e);
                planned.get(i).notifications().forEach(n -> results.add(SubscriptionService.Result.failed(n, cause)));
            }
        }
        // every customer's effects sent together, then marked done in one write; what fails counts as not handled
        Map<SubscriptionService.Pending, RuntimeException> unfinished = subscriptions.finish(results.stream()
                .map(SubscriptionService.Result::pending).filter(Objects::nonNull).toList());
        for (SubscriptionService.Result result : results) {
            List<Read> reads = byDedupe.get(result.notification().meta().dedupeKey());
            RuntimeException failure = result.failure() != null ? result.failure()
                    : result.pending() != null ? unfinished.get(result.pending()) : null;
            for (int copy = 0; copy < reads.size(); copy++) {
                Read read = reads.get(copy);
                outcomes.put(read.message().messageId(), failure != null ? failed(read, failure)
                        : applied(read, result.applied().duplicate() || copy > 0));
            }
        }
        refreshTerms(results);
        return outcomes;
    }

    /**
     * After a new, amended or renewed agreement (or its license) was applied: its terms are to be read from the
     * Agreement API and stored on the customer. Only queued here ({@link AgreementTermsQueue}): the batch's outcomes
     * (and so its deletes and the next receive) never wait for the Agreement and Catalog APIs; a read that fails or is
     * dropped is done by the reconciliation run.
     */
    private void refreshTerms(List<SubscriptionService.Result> results) {
        Set<String> agreements = new LinkedHashSet<>();
        for (SubscriptionService.Result result : results) {
            Notification n = result.notification();
            if (result.failure() == null && n.mayChangeTerms() && n.namedAgreement() != null) {
                agreements.add(n.namedAgreement().id());
            }
        }
        terms.offer(agreements);
    }

    /** Reads one message: a notification to apply, or (with its outcome recorded) nothing more to do. */
    private Read read(Message message, Map<String, Outcome> outcomes) {
        int receive = SqsConsumer.receiveCount(message);
        ReadResult read;
        try {
            read = reader.read(message.body(), message.messageId(), arrivedAt(message));
        } catch (UnprocessableMessageException e) {
            outcomes.put(message.messageId(), park(EntitlementMetrics.UNKNOWN_KIND, ParkReasons.of(e.getMessage()),
                    e.getMessage()));
            return null;
        } catch (CertificateUnavailableException e) {
            outcomes.put(message.messageId(), retry(EntitlementMetrics.UNKNOWN_KIND, receive, e.getMessage()));
            return null;
        }
        if (read.notification() == null) {
            Log.infof("Acknowledged SQS message %s without effect: %s", message.messageId(), read.ignoredBecause());
            metrics.notification(EntitlementMetrics.UNKNOWN_KIND, EntitlementMetrics.Outcome.IGNORED);
            outcomes.put(message.messageId(), Outcome.DONE);
            return null;
        }
        return new Read(message, read.notification());
    }

    /** One group, on a worker of its own: the log lines about it name its customer and its messages. */
    private List<SubscriptionService.Result> apply(String queue, SubscriptionService.Group group,
            List<Message> messages) {
        MDC.put(SqsConsumer.MDC_QUEUE, queue);
        MDC.put(SqsConsumer.MDC_MESSAGE_ID, messages.stream().map(Message::messageId)
                .collect(Collectors.joining(",")));
        try (CustomerMdc ignored = mdc(group)) {
            return subscriptions.apply(group);
        } finally {
            MDC.remove(SqsConsumer.MDC_MESSAGE_ID);
            MDC.remove(SqsConsumer.MDC_QUEUE);
        }
    }

    private Outcome applied(Read read, boolean duplicate) {
        metrics.notification(EntitlementMetrics.kind(read.notification()), duplicate
                ? EntitlementMetrics.Outcome.DUPLICATE : EntitlementMetrics.Outcome.PROCESSED);
        return Outcome.DONE;
    }

    private Outcome failed(Read read, RuntimeException failure) {
        String kind = EntitlementMetrics.kind(read.notification());
        int receive = SqsConsumer.receiveCount(read.message());
        if (failure instanceof MarketplaceException e) {
            if (e.retryable() || e.error() == MarketplaceError.ACCESS_DENIED) {
                // throttling after the adapter's retries, an AWS outage, or credentials being fixed: try later
                return retry(kind, receive, "GetEntitlements: " + e);
            }
            return park(kind, EntitlementMetrics.ParkReason.MARKETPLACE_REFUSED,
                    "GetEntitlements refused the notification's customer: " + e.errorType() + ": " + e.getMessage());
        }
        // what can never succeed (DynamoDB refusing the data as invalid): parked at once, by the consumers' one rule
        java.util.Optional<String> permanent = Failures.permanent(failure);
        if (permanent.isPresent()) {
            return park(kind, EntitlementMetrics.ParkReason.MALFORMED, permanent.get());
        }
        // DynamoDB or SQS failing, or the customer changing under every write: try later
        return retry(kind, receive, failure.toString());
    }

    /** The ids the group's notifications name (a customer's, or none for agreement events before their license). */
    private static CustomerMdc mdc(SubscriptionService.Group group) {
        Subscriber s = group.notifications().stream().map(Notification::namedSubscriber)
                .filter(Objects::nonNull).findFirst().orElse(null);
        return s == null ? CustomerMdc.of(group.customerKey(), null, null, null)
                : CustomerMdc.of(s.key(), s.productCode(), s.licenseArn(), s.customerIdentifier());
    }

    private Outcome park(String kind, EntitlementMetrics.ParkReason reasonClass, String reason) {
        // SqsConsumer logs the parking with its reason; here it is counted
        // keyed by a fixed reason code (ParkReasons.CODES, else "other"): the map stays as small as that list whatever a
        // forged message says; the whole reason is in the parked message's parkReason attribute
        parkedByReason.computeIfAbsent(ParkReasons.code(reason), k -> new AtomicLong()).incrementAndGet();
        metrics.notification(kind, EntitlementMetrics.Outcome.PARKED);
        metrics.parked(reasonClass);
        return new Outcome.Park(reason);
    }

    private Outcome retry(String kind, int receive, String reason) {
        // SqsConsumer logs the retry with its reason and delay
        metrics.notification(kind, EntitlementMetrics.Outcome.RETRIED);
        return new Outcome.Retry(backoff(receive), reason);
    }

    /** base * 2^(receive-1), at most max ({@code suite.entitlement.retry.*}). */
    Duration backoff(int receive) {
        return Backoff.exponential(config.retry().baseDelay(), config.retry().maxDelay()).delay(receive);
    }

    /** Parked messages by reason code ({@link ParkReasons#code}: a fixed set, and {@code other}), for the admin view. */
    public Map<String, Long> parkedByReason() {
        Map<String, Long> counts = new TreeMap<>();
        parkedByReason.forEach((k, v) -> counts.put(k, v.get()));
        return counts;
    }

    /** Longest a requeued copy can come after the original (the consumer's retry window), with room to spare. */
    private static final Duration REQUEUED_WITHIN = SqsConsumer.Builder.DEFAULT_RETRY_FOR.plusHours(1);

    /**
     * When the message reached the queue: SQS's sent time, or for a copy the consumer requeued (its
     * {@code retryingSince}) the original's, trusted only within the retry window before the copy's sent time (a sender
     * can set the attribute, not SQS's time). The reference of the reader's time checks, and the time of a raw message.
     */
    static Instant arrivedAt(Message message) {
        String sent = message.attributes().get(MessageSystemAttributeName.SENT_TIMESTAMP);
        Instant sentAt;
        try {
            sentAt = sent == null ? null : Instant.ofEpochMilli(Long.parseLong(sent));
        } catch (NumberFormatException e) {
            return null;
        }
        if (sentAt == null) {
            return null;
        }
        Instant original = SqsConsumer.retryingSince(message);
        return !original.isAfter(sentAt) && !original.isBefore(sentAt.minus(REQUEUED_WITHIN)) ? original : sentAt;
    }
}
