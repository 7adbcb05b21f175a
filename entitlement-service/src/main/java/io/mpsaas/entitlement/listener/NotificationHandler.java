package io.mpsaas.entitlement.listener;

import io.mpsaas.common.marketplace.MarketplaceError;
import io.mpsaas.common.marketplace.MarketplaceException;
import io.mpsaas.common.messaging.SqsConsumer;
import io.mpsaas.common.messaging.SqsConsumer.Outcome;
import io.mpsaas.entitlement.config.EntitlementConfig;
import io.mpsaas.entitlement.service.ConcurrentUpdateException;
import io.mpsaas.entitlement.service.SubscriptionService;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * One SQS message to one outcome: applied or duplicate ({@code Done}); malformed, forged, unknown or refused by AWS
 * for good ({@code Park}, with the reason); a dependency down ({@code Retry} with backoff, so throttling and outages
 * lose nothing).
 */
@ApplicationScoped
public class NotificationHandler implements SqsConsumer.Handler {

    private final NotificationReader reader;
    private final SubscriptionService subscriptions;
    private final EntitlementConfig config;
    private final Map<String, AtomicLong> parkedByReason = new ConcurrentHashMap<>();

    public NotificationHandler(NotificationReader reader, SubscriptionService subscriptions,
            EntitlementConfig config) {
        this.reader = reader;
        this.subscriptions = subscriptions;
        this.config = config;
    }

    @Override
    public Outcome handle(Message message) {
        int receive = SqsConsumer.receiveCount(message);
        ReadResult read;
        try {
            read = reader.read(message.body(), message.messageId(), sentAt(message));
        } catch (UnprocessableMessageException e) {
            return park(e.getMessage());
        } catch (CertificateUnavailableException e) {
            return retry(receive, e.getMessage());
        }
        if (read.notification() == null) {
            Log.infof("Acknowledged SQS message %s without effect: %s", message.messageId(), read.ignoredBecause());
            return Outcome.DONE;
        }
        try {
            subscriptions.apply(read.notification());
            return Outcome.DONE;
        } catch (MarketplaceException e) {
            if (e.retryable() || e.error() == MarketplaceError.ACCESS_DENIED) {
                // throttling after the adapter's retries, an AWS outage, or credentials being fixed: try later
                return retry(receive, "GetEntitlements: " + e);
            }
            return park("GetEntitlements refused the notification's customer: " + e.errorType() + ": "
                    + e.getMessage());
        } catch (ConcurrentUpdateException | SdkException e) {
            return retry(receive, e.toString());
        }
    }

    private Outcome park(String reason) {
        // SqsConsumer logs the parking with its reason; here it is counted
        parkedByReason.computeIfAbsent(category(reason), k -> new AtomicLong()).incrementAndGet();
        return new Outcome.Park(reason);
    }

    private Outcome retry(int receive, String reason) {
        // SqsConsumer logs the retry with its reason and delay
        return new Outcome.Retry(backoff(receive), reason);
    }

    /** base * 2^(receive-1), at most max. */
    Duration backoff(int receive) {
        Duration base = config.retry().baseDelay();
        Duration max = config.retry().maxDelay();
        long factor = 1L << Math.min(Math.max(receive - 1, 0), 20);
        Duration delay = base.multipliedBy(factor);
        return delay.compareTo(max) > 0 ? max : delay;
    }

    /** Parked messages by reason category (the reason up to its first colon), for the admin view. */
    public Map<String, Long> parkedByReason() {
        Map<String, Long> counts = new TreeMap<>();
        parkedByReason.forEach((k, v) -> counts.put(k, v.get()));
        return counts;
    }

    private static String category(String reason) {
        int colon = reason.indexOf(':');
        return colon > 0 ? reason.substring(0, colon) : reason;
    }

    private static Instant sentAt(Message message) {
        String sent = message.attributes().get(MessageSystemAttributeName.SENT_TIMESTAMP);
        try {
            return sent == null ? null : Instant.ofEpochMilli(Long.parseLong(sent));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
