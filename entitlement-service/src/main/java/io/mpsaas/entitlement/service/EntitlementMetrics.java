package io.mpsaas.entitlement.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.mpsaas.common.customer.SubscriptionState;
import io.mpsaas.entitlement.domain.Notification;
import io.mpsaas.entitlement.marketplace.EntitlementReader;
import io.mpsaas.entitlement.persistence.SubscriptionStore;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * entitlement-service's Prometheus metrics ({@code /q/metrics}; GetEntitlements calls are common's
 * {@code mpsaas_marketplace_*}, queue counters and dead-letter depths common's {@code mpsaas_sqs_*}):
 * <ul>
 * <li>{@code mpsaas_entitlement_notifications_total{kind, outcome}}: notifications by kind ({@code subscribe-success},
 * ..., {@code license-deprovisioned}; {@code unknown} when unreadable) and outcome ({@code processed},
 * {@code duplicate}, {@code ignored}, {@code parked}, {@code retried});</li>
 * <li>{@code mpsaas_entitlement_notifications_parked_total{reason}}: parked messages by reason class
 * ({@link ParkReason});</li>
 * <li>{@code mpsaas_entitlement_customers{state}}: customers by subscription state, from the periodic count;</li>
 * <li>{@code mpsaas_entitlement_get_entitlements_total{purpose}}: GetEntitlements calls (pages) made to handle
 * notifications ({@code notification}) and by reconciliation ({@code reconciliation}): divided by the notifications
 * processed, the calls each notification cost (coalescing one customer's notifications of a batch makes it less than
 * one);</li>
 * <li>{@code mpsaas_entitlement_notification_commits_total}: transactions that wrote notifications (one per customer
 * of a batch, one per agreement event parked): the notifications processed divided by it, how many a commit carried
 * on average;</li>
 * <li>{@code mpsaas_entitlement_commit_requests_total}: the {@code TransactWriteItems} requests that wrote commits
 * (notifications, parked agreement events, reconciliation): commits ready together share one, so the commits divided
 * by it is how many a request carried.</li>
 * </ul>
 */
@Startup
@ApplicationScoped
public class EntitlementMetrics {

    /** What became of one notification. */
    public enum Outcome {
        PROCESSED, DUPLICATE, IGNORED, PARKED, RETRIED;

        String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Why a message was parked, in few enough classes to be a tag. */
    public enum ParkReason {
        /** Not JSON, fields missing or malformed. */
        MALFORMED,
        /** From a topic, source, account, region or delivery mode not trusted, or replayed, or dated in the future. */
        UNTRUSTED_SOURCE,
        /** The SNS signature or its certificate chain does not verify. */
        SIGNATURE,
        /** A well-formed message of a kind the service does not know. */
        UNKNOWN_KIND,
        /** AWS Marketplace refused the customer for good (GetEntitlements). */
        MARKETPLACE_REFUSED;

        String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The kinds of notification, as tags. */
    public static final List<String> KINDS = List.of("subscribe-success", "subscribe-fail", "unsubscribe-pending",
            "unsubscribe-success", "entitlement-updated", "agreement-created", "agreement-amended", "agreement-ended",
            "license-updated", "license-deprovisioned");

    public static final String UNKNOWN_KIND = "unknown";

    private final MeterRegistry registry;
    private final Map<SubscriptionState, AtomicLong> customers = new EnumMap<>(SubscriptionState.class);
    private final Map<EntitlementReader.Purpose, Counter> getEntitlements = new EnumMap<>(
            EntitlementReader.Purpose.class);
    private final Counter commits;
    private SubscriptionStore store;

    public EntitlementMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (String kind : KINDS) {
            for (Outcome outcome : Outcome.values()) {
                notifications(kind, outcome);
            }
        }
        notifications(UNKNOWN_KIND, Outcome.PARKED);
        notifications(UNKNOWN_KIND, Outcome.IGNORED);
        notifications(UNKNOWN_KIND, Outcome.RETRIED);
        for (ParkReason reason : ParkReason.values()) {
            parkedCounter(reason);
        }
        for (EntitlementReader.Purpose purpose : EntitlementReader.Purpose.values()) {
            getEntitlements.put(purpose, Counter.builder("mpsaas.entitlement.get.entitlements")
                    .description("GetEntitlements calls (pages) by purpose").tag("purpose",
                            purpose.name().toLowerCase(Locale.ROOT)).register(registry));
        }
        commits = Counter.builder("mpsaas.entitlement.notification.commits")
                .description("Transactions that wrote notifications (one per customer of a batch, or per parked"
                        + " agreement event)")
                .register(registry);
        for (SubscriptionState state : SubscriptionState.values()) {
            AtomicLong count = new AtomicLong();
            customers.put(state, count);
            Gauge.builder("mpsaas.entitlement.customers", count, AtomicLong::get)
                    .description("Customers by subscription state, as of the last count")
                    .tag("state", state.name()).register(registry);
        }
    }

    /** Counts the requests that wrote the store's commits (a CDI initializer: unit tests build the metrics alone). */
    @Inject
    void commitRequests(SubscriptionStore store) {
        this.store = store; // a function counter holds its object weakly
        FunctionCounter.builder("mpsaas.entitlement.commit.requests", store, SubscriptionStore::commitRequests)
                .description("TransactWriteItems requests that wrote commits (commits ready together share one)")
                .register(registry);
    }

    /** The tag of a notification's kind: {@code SubscribeSuccess} is {@code subscribe-success}. */
    public static String kind(Notification notification) {
        return kind(notification.kindName());
    }

    /** The tag of a kind named {@code kindName} ({@link Notification#kindName()}). */
    public static String kind(String kindName) {
        return kindName.replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    public void notification(String kind, Outcome outcome) {
        notifications(kind, outcome).increment();
    }

    /** One GetEntitlements call (page). */
    public void getEntitlements(EntitlementReader.Purpose purpose) {
        getEntitlements.get(purpose).increment();
    }

    /** One transaction wrote notifications (of one customer, or one parked agreement event). */
    public void notificationCommit() {
        commits.increment();
    }

    public void parked(ParkReason reason) {
        parkedCounter(reason).increment();
    }

    /** The latest count of customers by state. */
    public void customers(Map<SubscriptionState, Long> byState) {
        customers.forEach((state, gauge) -> gauge.set(byState.getOrDefault(state, 0L)));
    }

    private Counter notifications(String kind, Outcome outcome) {
        return Counter.builder("mpsaas.entitlement.notifications")
                .description("AWS Marketplace notifications by kind and outcome")
                .tag("kind", kind).tag("outcome", outcome.tag()).register(registry);
    }

    private Counter parkedCounter(ParkReason reason) {
        return Counter.builder("mpsaas.entitlement.notifications.parked")
                .description("Notifications parked in the dead-letter queue, by reason class")
                .tag("reason", reason.tag()).register(registry);
    }
}
