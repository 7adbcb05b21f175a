package io.mpsaas.entitlement.listener;

import io.mpsaas.common.logging.CustomerMdc;
import io.mpsaas.common.marketplace.MarketplaceError;
import io.mpsaas.common.marketplace.MarketplaceException;
import io.mpsaas.common.messaging.SqsConsumer;
import io.mpsaas.common.messaging.SqsConsumer.Outcome;
import io.mpsaas.entitlement.config.EntitlementConfig;
import io.mpsaas.entitlement.domain.Notification;
import io.mpsaas.entitlement.domain.Subscriber;
import io.mpsaas.entitlement.service.ConcurrentUpdateException;
import io.mpsaas.entitlement.service.EntitlementMetrics;
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
    private final EntitlementMetrics metrics;
    private final Map<String, AtomicLong> parkedByReason = new ConcurrentHashMap<>();

    public NotificationHandler(NotificationReader reader, SubscriptionService subscriptions,
            EntitlementConfig config, EntitlementMetrics metrics) {
        this.reader = reader;
        this.subscriptions = subscriptions;
        this.config = config;
        this.metrics = metrics;
    }

    @Override
    public Outcome handle(Message message) {
        int receive = SqsConsumer.receiveCount(message);
        ReadResult read;
        try {
            read = reader.read(message.body(), message.messageId(), sentAt(message));
        } catch (UnprocessableMessageException e) {
            return park(EntitlementMetrics.UNKNOWN_KIND, ParkReasons.of(e.getMessage()), e.getMessage());
        } catch (CertificateUnavailableException e) {
            return retry(EntitlementMetrics.UNKNOWN_KIND, receive, e.getMessage());
        }
        if (read.notification() == null) {
            Log.infof("Acknowledged SQS message %s without effect: %s", message.messageId(), read.ignoredBecause());
            metrics.notification(EntitlementMetrics.UNKNOWN_KIND, EntitlementMetrics.Outcome.IGNORED);
            return Outcome.DONE;
        }
        Notification notification = read.notification();
        try (CustomerMdc ignored = mdc(notification)) {
            return apply(notification, receive);
        }
    }

    private Outcome apply(Notification notification, int receive) {
        String kind = EntitlementMetrics.kind(notification);
        try {
            SubscriptionService.Applied applied = subscriptions.apply(notification);
            metrics.notification(kind, applied.duplicate() ? EntitlementMetrics.Outcome.DUPLICATE
                    : EntitlementMetrics.Outcome.PROCESSED);
            return Outcome.DONE;
        } catch (MarketplaceException e) {
            if (e.retryable() || e.error() == MarketplaceError.ACCESS_DENIED) {
                // throttling after the adapter's retries, an AWS outage, or credentials being fixed: try later
                return retry(kind, receive, "GetEntitlements: " + e);
            }
            return park(kind, EntitlementMetrics.ParkReason.MARKETPLACE_REFUSED,
                    "GetEntitlements refused the notification's customer: " + e.errorType() + ": " + e.getMessage());
        } catch (ConcurrentUpdateException | SdkException e) {
            return retry(kind, receive, e.toString());
        }
    }

    /** The ids the notification names (a customer's, or none for an agreement event before its license). */
    private static CustomerMdc mdc(Notification notification) {
        Subscriber s = notification instanceof Notification.SubscribeSuccess n ? n.subscriber()
                : notification instanceof Notification.SubscribeFail n ? n.subscriber()
                : notification instanceof Notification.UnsubscribePending n ? n.subscriber()
                : notification instanceof Notification.UnsubscribeSuccess n ? n.subscriber()
                : notification instanceof Notification.EntitlementUpdated n ? n.subscriber()
                : notification instanceof Notification.LicenseUpdated n ? n.subscriber()
                : notification instanceof Notification.LicenseDeprovisioned n ? n.subscriber() : null;
        return s == null ? CustomerMdc.of(null, null, null, null)
                : CustomerMdc.of(s.key(), s.productCode(), s.licenseArn(), s.customerIdentifier());
    }

    private Outcome park(String kind, EntitlementMetrics.ParkReason reasonClass, String reason) {
        // SqsConsumer logs the parking with its reason; here it is counted
        parkedByReason.computeIfAbsent(category(reason), k -> new AtomicLong()).incrementAndGet();
        metrics.notification(kind, EntitlementMetrics.Outcome.PARKED);
        metrics.parked(reasonClass);
        return new Outcome.Park(reason);
    }

    private Outcome retry(String kind, int receive, String reason) {
        // SqsConsumer logs the retry with its reason and delay
        metrics.notification(kind, EntitlementMetrics.Outcome.RETRIED);
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
