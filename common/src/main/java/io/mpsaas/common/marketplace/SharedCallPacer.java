package io.mpsaas.common.marketplace;

import io.mpsaas.common.dynamo.Attr;
import io.mpsaas.common.dynamo.SuiteTables;
import io.mpsaas.common.dynamo.Update;
import io.quarkus.logging.Log;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * Paces calls to an AWS Marketplace API for every replica together: AWS's quota is per account and region, so the
 * replicas take their slots from one DynamoDB item holding the epoch microsecond of the next free slot, and all of
 * them together call at most {@code perSecond} times a second, spaced evenly, however many run (a slice per replica
 * either overshoots, as uncoordinated replicas' calls bunch up in AWS's sliding second, or wastes the quota when fewer
 * replicas run than it was divided by).
 *
 * <p>Taking a slot is one conditional {@code UpdateItem}: slot = max(now, the next slot last seen),
 * {@code SET next = slot + interval} if the item's next slot is absent or not after {@code slot}. A write that
 * succeeds therefore never hands out a slot less than one interval after any other replica's; a lost race answers the
 * item as it is ({@code ReturnValuesOnConditionCheckFailure.ALL_OLD}) and is tried again from there. The slot is then
 * converted to this process's clock and waited for as {@link CallPacer}'s. The replicas' wall clocks must agree (NTP;
 * on EC2 the Amazon Time Sync Service keeps them within a millisecond): a replica whose clock is late calls late.
 *
 * <p>When DynamoDB cannot be reached (an error after the SDK's own retries), no call is held up or lost: slots come
 * from a {@link CallPacer} of this process at {@code perSecond / fallbackReplicas} (its share if that many replicas
 * ran), for {@link #FALLBACK_HOLD} before the item is tried again. Local slots come after the shared ones this
 * replica took or saw taken, and the first shared slot after them at least an interval after the last local one.
 */
public final class SharedCallPacer implements Pacer {

    /**
     * Partition of a pace item ({@code pace#<operation>}, sort key {@link #SK}), in whichever table holds it (the
     * usage table's BatchMeterUsage pace, the customers table's GetEntitlements pace): no index attributes, so no index
     * lists it, and its sort key is no other item's.
     */
    public static final String PREFIX = "pace#";
    /** Sort key of a pace item. */
    public static final String SK = "PACE";
    /** The pace item's attribute: the epoch microsecond of the next free slot. */
    public static final String NEXT_SLOT = "nextSlotMicros";
    /** How long slots are taken locally after DynamoDB failed, before the shared item is tried again. */
    public static final Duration FALLBACK_HOLD = Duration.ofSeconds(5);
    /**
     * Races lost in a row before a slot is taken locally: each loss means another replica took a slot and answers the
     * next free one, so only a replica beaten by a hair every time loses this often.
     */
    static final int MAX_ATTEMPTS = 100;

    /** The clocks and sleeper a pacer runs on: the wall clock (epoch microseconds) and {@link System#nanoTime}. */
    public record Clocks(LongSupplier epochMicros, LongSupplier nanoTime, LongConsumer sleeper) {

        public static final Clocks SYSTEM = new Clocks(SharedCallPacer::epochMicrosNow, System::nanoTime,
                CallPacer::sleepNanos);
    }

    private final DynamoDbClient dynamo;
    private final String table;
    private final Map<String, AttributeValue> key;
    private final String name;
    private final long intervalMicros;
    private final CallPacer local;
    private final Clocks clocks;
    /** The next free slot as last seen (epoch micros), and no earlier than after this process's own last slot. */
    private final AtomicLong knownNext = new AtomicLong(Long.MIN_VALUE);
    /** While {@link Clocks#nanoTime} is before this, slots are taken locally. */
    private volatile long sharedAgainAt;
    private volatile boolean fallingBack;

    /** The key of the item all replicas take their slots of an AWS operation from: {@code pace#<operation>}. */
    public static Map<String, AttributeValue> key(String operation) {
        return SuiteTables.key(PREFIX + Objects.requireNonNull(operation, "operation"), SK);
    }

    /**
     * A service's pace of an AWS operation, as its {@code shared-pace} setting chooses: {@code shared}, this pacer of
     * {@code perSecond} for all replicas together on the item {@link #key key(operation)} of {@code table}, falling
     * back to {@code perSecond / fallbackReplicas}; not shared, a {@link CallPacer} of {@code perSecond} for this
     * replica alone ({@code dynamo}, {@code table} and {@code fallbackReplicas} then unused).
     */
    public static Pacer of(boolean shared, DynamoDbClient dynamo, String table, String operation, double perSecond,
            int fallbackReplicas) {
        return shared ? new SharedCallPacer(dynamo, table, key(operation), perSecond, fallbackReplicas)
                : new CallPacer(perSecond);
    }

    /**
     * A pacer of {@code perSecond} calls for all replicas together on the item {@code key} of {@code table}, falling
     * back to {@code perSecond / fallbackReplicas} of this process.
     */
    public SharedCallPacer(DynamoDbClient dynamo, String table, Map<String, AttributeValue> key, double perSecond,
            int fallbackReplicas) {
        this(dynamo, table, key, perSecond, fallbackReplicas, Clocks.SYSTEM);
    }

    /** The same on other clocks (tests). */
    public SharedCallPacer(DynamoDbClient dynamo, String table, Map<String, AttributeValue> key, double perSecond,
            int fallbackReplicas, Clocks clocks) {
        if (!(perSecond > 0) || fallbackReplicas < 1) {
            throw new IllegalArgumentException("rate must be above 0 and fallback replicas at least 1, were "
                    + perSecond + " and " + fallbackReplicas);
        }
        this.dynamo = dynamo;
        this.table = table;
        this.key = Map.copyOf(key);
        this.name = Attr.string(key, SuiteTables.PK);
        this.intervalMicros = (long) (1_000_000L / perSecond);
        this.local = new CallPacer(perSecond / fallbackReplicas, clocks.nanoTime(), clocks.sleeper());
        this.clocks = clocks;
        this.sharedAgainAt = clocks.nanoTime().getAsLong();
    }

    @Override
    public long reserve() {
        OptionalLong slot = shared();
        if (slot.isPresent()) {
            return toNanoTime(slot.getAsLong());
        }
        // a local slot comes after the shared slots this replica took or saw taken (the fallback's first one too) ...
        long next = knownNext.get();
        long localSlot = next == Long.MIN_VALUE ? local.reserve() : local.reserveFrom(toNanoTime(next));
        // ... and the first shared slot after the fallback at least an interval after the last local one (rounded up)
        long asEpochMicros = clocks.epochMicros().getAsLong()
                - Math.floorDiv(clocks.nanoTime().getAsLong() - localSlot, 1_000L);
        knownNext.accumulateAndGet(asEpochMicros + intervalMicros, Math::max);
        return localSlot;
    }

    @Override
    public void await(long slot) {
        local.await(slot);
    }

    /** Takes a shared slot and leaves it unused: every replica's next call comes an interval later. */
    @Override
    public void throttled() {
        if (shared().isEmpty()) {
            local.throttled();
        }
    }

    /**
     * Takes the next shared slot (epoch microseconds): at least one interval after every slot any replica took before.
     * Throws when DynamoDB cannot be reached ({@link #reserve} then paces locally).
     */
    public long takeSlot() {
        long known = knownNext.get();
        for (int attempt = 1; ; attempt++) {
            long slot = Math.max(clocks.epochMicros().getAsLong(), known);
            Update u = new Update().set(NEXT_SLOT, Attr.n(slot + intervalMicros));
            u.condition("attribute_not_exists(" + u.name(NEXT_SLOT) + ") OR " + u.name(NEXT_SLOT) + " <= "
                    + u.value(Attr.n(slot)));
            try {
                dynamo.updateItem(u.request(table, key)
                        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD).build());
                knownNext.accumulateAndGet(slot + intervalMicros, Math::max);
                return slot;
            } catch (ConditionalCheckFailedException e) {
                // another replica took the slot: its next one, as the item holds it now, is ours to try
                Long next = e.hasItem() ? Attr.number(e.item(), NEXT_SLOT) : null;
                if (next == null || attempt >= MAX_ATTEMPTS) {
                    throw e;
                }
                known = knownNext.accumulateAndGet(next, Math::max);
            }
        }
    }

    /** A shared slot, or empty while DynamoDB cannot be reached (then for {@link #FALLBACK_HOLD}). */
    private OptionalLong shared() {
        if (clocks.nanoTime().getAsLong() - sharedAgainAt < 0) {
            return OptionalLong.empty();
        }
        try {
            long slot = takeSlot();
            if (fallingBack) {
                fallingBack = false;
                Log.infof("Pace %s: slots taken from DynamoDB again (table %s)", name, table);
            }
            return OptionalLong.of(slot);
        } catch (SdkException e) {
            sharedAgainAt = clocks.nanoTime().getAsLong() + FALLBACK_HOLD.toNanos();
            if (!fallingBack) {
                fallingBack = true;
                Log.warnf("Pace %s: DynamoDB table %s cannot be reached (%s: %s); pacing this replica alone at its"
                        + " fallback share for %s", name, table, e.getClass().getSimpleName(), e.getMessage(),
                        FALLBACK_HOLD);
            }
            return OptionalLong.empty();
        }
    }

    /** A time of the wall clock (epoch microseconds) on {@link Clocks#nanoTime}. */
    private long toNanoTime(long epochMicros) {
        return clocks.nanoTime().getAsLong() + (epochMicros - clocks.epochMicros().getAsLong()) * 1_000L;
    }

    private static long epochMicrosNow() {
        Instant now = Instant.now();
        return TimeUnit.SECONDS.toMicros(now.getEpochSecond()) + now.getNano() / 1_000L;
    }
}
