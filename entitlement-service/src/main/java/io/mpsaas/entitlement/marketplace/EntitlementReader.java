package io.mpsaas.entitlement.marketplace;

import io.mpsaas.common.customer.IdentityModel;
import io.mpsaas.common.marketplace.BatchMeterUsageRequest;
import io.mpsaas.common.marketplace.BatchMeterUsageResult;
import io.mpsaas.common.marketplace.Entitlement;
import io.mpsaas.common.marketplace.EntitlementFilter;
import io.mpsaas.common.marketplace.EntitlementsPage;
import io.mpsaas.common.marketplace.GetEntitlementsRequest;
import io.mpsaas.common.marketplace.Marketplace;
import io.mpsaas.common.marketplace.Pacer;
import io.mpsaas.common.marketplace.ResolvedCustomer;
import io.mpsaas.common.marketplace.SharedCallPacer;
import io.mpsaas.entitlement.config.EntitlementConfig;
import io.mpsaas.entitlement.domain.Subscriber;
import io.mpsaas.entitlement.service.EntitlementMetrics;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Reads one customer's entitlements with GetEntitlements, every page, filtered the way the identity model requires:
 * {@code CUSTOMER_IDENTIFIER} for legacy customers, {@code LICENSE_ARN} (and {@code CUSTOMER_AWS_ACCOUNT_ID} when
 * known) for Concurrent Agreements. Throttling and AWS errors are retried by the {@link Marketplace} adapter; what it
 * gives up on reaches the caller as a {@code MarketplaceException}.
 *
 * <p>Every page is one call under the GetEntitlements pace ({@code suite.entitlement.get-entitlements-rate-limit},
 * shared by the notification consumers and reconciliation): AWS allows 20 calls per second per account, and a burst of
 * notifications that called faster would be throttled, back off and come back later instead of finishing in the time
 * the quota allows. The pace is of all replicas together ({@link #pacer}: one item of the customers table), as the
 * quota is, so the autoscaler may run any number of them; a GetEntitlements attempt AWS throttled anyway leaves the
 * next slot free for the client's retry ({@link GetEntitlementsPace}). Calls are counted by purpose
 * ({@code mpsaas_entitlement_get_entitlements_total}).
 *
 * <p>Notifications share reads ({@link #readSince}): a read that goes out after a notification reached the service
 * answers what a read of its own would, so one customer's notifications handled side by side in different batches (or
 * waiting for the same slot) cost one call, not one each.
 */
@ApplicationScoped
public class EntitlementReader {

    /** Why the entitlements are read: a tag of the calls metric. */
    public enum Purpose {
        NOTIFICATION, RECONCILIATION
    }

    /** How long a finished read stays available to notifications received before it went out. */
    static final long SHARED_FOR_NANOS = 60_000_000_000L;
    /** Reads kept before the finished ones older than {@link #SHARED_FOR_NANOS} are dropped. */
    static final int SHARED_MAX = 10_000;
    /** The AWS operation the pace is of (the shared pace item's key names it). */
    static final String GET_ENTITLEMENTS = "GetEntitlements";

    /** The entitlements as AWS answered, and when the call went out. */
    public record Read(List<Entitlement> entitlements, Instant startedAt) {
    }

    /** One customer's read: joinable until it goes out, and afterwards by what was received before it went out. */
    private static final class Shared {
        static final long NOT_STARTED = Long.MAX_VALUE;
        volatile long startedNanos = NOT_STARTED;
        volatile long finishedNanos = NOT_STARTED;
        final CompletableFuture<Read> result = new CompletableFuture<>();

        /** Whether it answers for notifications received at {@code receivedNanos}: it went out (or will) later. */
        boolean answers(long receivedNanos) {
            long started = startedNanos;
            return !result.isCompletedExceptionally() && (started == NOT_STARTED || started - receivedNanos >= 0);
        }
    }

    private final Marketplace marketplace;
    private final Pacer pace;
    private final EntitlementMetrics metrics;
    private final Clock clock;
    private final Map<String, Shared> shared = new ConcurrentHashMap<>();

    /**
     * A reader under the given pace: the service's ({@link GetEntitlementsPace}, the one the Marketplace client tells
     * of throttled GetEntitlements attempts), or in tests several replicas' readers on one pace item.
     */
    @Inject
    public EntitlementReader(Marketplace marketplace, Pacer pace, EntitlementMetrics metrics, Clock clock) {
        this.marketplace = marketplace;
        this.pace = pace;
        this.metrics = metrics;
        this.clock = clock;
    }

    /**
     * The GetEntitlements pace: with {@code suite.entitlement.shared-pace}, {@code get-entitlements-rate-limit} for all
     * replicas together, each slot taken from the item {@code pace#GetEntitlements} of {@code table} (the customers
     * table); without it, {@code get-entitlements-rate-limit} for this replica alone.
     */
    static Pacer pacer(EntitlementConfig config, DynamoDbClient dynamo, String table) {
        return SharedCallPacer.of(config.sharedPace(), dynamo, table, GET_ENTITLEMENTS,
                config.getEntitlementsRateLimit(), config.sharedPaceFallbackReplicas());
    }

    /** The shared pace on the item {@code key} of {@code table}, on the given clocks (tests: their own item). */
    static SharedCallPacer sharedPacer(EntitlementConfig config, DynamoDbClient dynamo, String table,
            Map<String, AttributeValue> key, SharedCallPacer.Clocks clocks) {
        return new SharedCallPacer(dynamo, table, key, config.getEntitlementsRateLimit(),
                config.sharedPaceFallbackReplicas(), clocks);
    }

    /** A read of its own, now (reconciliation). */
    public List<Entitlement> read(Subscriber subscriber, Purpose purpose) {
        return paced(purpose).getAllEntitlements(subscriber.productCode(), filter(subscriber));
    }

    /**
     * The customer's entitlements as read by a call that went out at or after {@code receivedNanos}
     * ({@link System#nanoTime()} when the notifications asking were received): one in progress or just made for another
     * notification of the customer if there is one, else a new one. A shared call that failed fails every notification
     * that shared it, as a call of its own would have.
     */
    public Read readSince(Subscriber subscriber, long receivedNanos) {
        String key = subscriber.key();
        Shared mine = new Shared();
        Shared current = shared.compute(key, (k, existing) -> existing != null && existing.answers(receivedNanos)
                ? existing : mine);
        if (current != mine) {
            return join(current);
        }
        try {
            pace.acquire();
            mine.startedNanos = System.nanoTime();
            Instant startedAt = clock.instant();
            List<Entitlement> entitlements = counted(Purpose.NOTIFICATION).getAllEntitlements(
                    subscriber.productCode(), filter(subscriber));
            mine.result.complete(new Read(entitlements, startedAt));
        } catch (RuntimeException e) {
            mine.result.completeExceptionally(e);
            shared.remove(key, mine);
        } finally {
            mine.finishedNanos = System.nanoTime();
            forgetOld();
        }
        return join(mine);
    }

    private static Read join(Shared read) {
        try {
            return read.result.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    /** Drops finished reads no notification can use any more, once there are many. */
    private void forgetOld() {
        if (shared.size() > SHARED_MAX) {
            long now = System.nanoTime();
            shared.values().removeIf(r -> r.finishedNanos != Shared.NOT_STARTED
                    && now - r.finishedNanos > SHARED_FOR_NANOS);
        }
    }

    /** The adapter, each page call waiting for its slot and counted (the paging itself stays the port's). */
    private Marketplace paced(Purpose purpose) {
        return pages(purpose, true);
    }

    /** The adapter, the first page call's slot already taken. */
    private Marketplace counted(Purpose purpose) {
        return pages(purpose, false);
    }

    private Marketplace pages(Purpose purpose, boolean paceFirst) {
        return new Marketplace() {
            private boolean first = true;

            @Override
            public EntitlementsPage getEntitlements(GetEntitlementsRequest request) {
                if (paceFirst || !first) {
                    pace.acquire();
                }
                first = false;
                metrics.getEntitlements(purpose);
                return marketplace.getEntitlements(request);
            }

            @Override
            public ResolvedCustomer resolveCustomer(String registrationToken) {
                return marketplace.resolveCustomer(registrationToken);
            }

            @Override
            public BatchMeterUsageResult batchMeterUsage(BatchMeterUsageRequest request) {
                return marketplace.batchMeterUsage(request);
            }
        };
    }

    static Map<EntitlementFilter, List<String>> filter(Subscriber subscriber) {
        Map<EntitlementFilter, List<String>> filter = new EnumMap<>(EntitlementFilter.class);
        if (subscriber.identityModel() == IdentityModel.LEGACY) {
            filter.put(EntitlementFilter.CUSTOMER_IDENTIFIER, List.of(subscriber.customerIdentifier()));
        } else {
            filter.put(EntitlementFilter.LICENSE_ARN, List.of(subscriber.licenseArn()));
            if (subscriber.customerAwsAccountId() != null) {
                filter.put(EntitlementFilter.CUSTOMER_AWS_ACCOUNT_ID, List.of(subscriber.customerAwsAccountId()));
            }
        }
        return filter;
    }
}
