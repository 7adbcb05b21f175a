package io.mpsaas.entitlement.persistence;

import io.mpsaas.common.dynamo.Attr;
import io.mpsaas.common.dynamo.BatchReads;
import io.mpsaas.common.dynamo.SuiteTables;
import io.quarkus.logging.Log;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

/**
 * The consistent reads of several callers asked at about the same time (the batches of notifications in hand), in one
 * {@code BatchGetItem}: most of a request's cost is per request (HTTP, SigV4 signing, parsing the answer), not per key,
 * and each caller still gets exactly the items it would have got alone.
 *
 * <p>Lock and drain ({@link Lanes}, as {@link CommitCombiner}): an idle service's read goes at once, alone; while
 * {@code lanes} requests are in flight, the reads asked meanwhile wait and go together in the next. Reads fit together
 * while their keys, each asked once (DynamoDB refuses a request naming a key twice as invalid), are at most
 * {@link BatchReads#MAX_KEYS}: one that does not fit waits for the next request. A read of more keys than
 * that goes alone, in requests of that many, as it always did.
 *
 * <p>Every key is read consistently (the reads are about to be written on). Keys DynamoDB leaves unprocessed are asked
 * again by the store's loop ({@code SubscriptionStore.batchGet}), as for a read alone; a request that fails all the
 * same (throttling after those rounds, network, access) fails every read it carried, as each would have failed alone.
 * Each read gets the items of its own keys; a key without an item is no item, as alone.
 */
final class ReadCombiner {

    /**
     * An item to read: its table and key (every suite table is keyed {@code pk}, {@code sk}). An answer is one list for
     * both tables, so items are told apart by {@code pk} and {@code sk} alone: the store's inbox keys
     * ({@code msg#...}, {@code MESSAGE}) never name an item of the customers table.
     */
    record ItemKey(String table, String pk, String sk) {

        ItemKey {
            Objects.requireNonNull(table, "table");
            Objects.requireNonNull(pk, "pk");
            Objects.requireNonNull(sk, "sk");
        }
    }

    /** Where an item of an answer is: its {@code pk} and {@code sk}. */
    private record At(String pk, String sk) {
    }

    private final Function<Map<String, KeysAndAttributes>, List<Map<String, AttributeValue>>> batchGet;
    private final boolean combine;
    private final Lanes<Waiting, List<Map<String, AttributeValue>>> lanes;
    private final AtomicLong requests = new AtomicLong();

    /**
     * @param batchGet the store's {@code BatchGetItem} of a request, unprocessed keys asked again, every item found
     * @param combine  whether reads share requests ({@code suite.entitlement.combine-reads}); off, each read is its own
     *                 request, made by its own thread
     * @param lanes    combined requests in flight at once ({@code suite.entitlement.read-lanes}), at least 1
     */
    ReadCombiner(Function<Map<String, KeysAndAttributes>, List<Map<String, AttributeValue>>> batchGet,
            boolean combine, int lanes) {
        this.batchGet = batchGet;
        this.combine = combine;
        this.lanes = new Lanes<>("suite.entitlement.read-lanes", lanes, ReadCombiner::take, this::together);
    }

    /** A read and, once its request is over, its items or failure. */
    private static final class Waiting extends Lanes.Entry<List<Map<String, AttributeValue>>> {
        final Set<ItemKey> keys;

        Waiting(Set<ItemKey> keys) {
            this.keys = keys;
        }
    }

    /**
     * The items of {@code keys} that exist, read consistently, with other reads waiting when combining; a failure of
     * the request is thrown.
     */
    List<Map<String, AttributeValue>> read(Iterable<ItemKey> keys) {
        Set<ItemKey> distinct = new LinkedHashSet<>();
        keys.forEach(distinct::add);
        if (!combine || distinct.size() > BatchReads.MAX_KEYS) {
            return alone(distinct);
        }
        return lanes.submit(new Waiting(distinct));
    }

    /** BatchGetItem requests made so far (keys left unprocessed and asked again not counted). */
    long requests() {
        return requests.get();
    }

    /** Reads waiting for a request. */
    int waiting() {
        return lanes.waiting();
    }

    /** The oldest waiting reads whose keys fit in one request (the oldest always do). Called under the lock. */
    private static List<Waiting> take(List<Waiting> waiting) {
        List<Waiting> batch = new ArrayList<>();
        Set<ItemKey> keys = new HashSet<>();
        for (Waiting w : waiting) {
            if (keys.size() == BatchReads.MAX_KEYS) {
                break;
            }
            long added = w.keys.stream().filter(k -> !keys.contains(k)).count();
            if (!batch.isEmpty() && keys.size() + added > BatchReads.MAX_KEYS) {
                continue;
            }
            batch.add(w);
            keys.addAll(w.keys);
        }
        return batch;
    }

    /** One request of the batch's keys, each asked once; answers each read of it. Called without the lock. */
    private void together(List<Waiting> batch) {
        Set<ItemKey> keys = new LinkedHashSet<>();
        batch.forEach(w -> keys.addAll(w.keys));
        Log.debugf("%d reads (%d keys) in one BatchGetItem", batch.size(), keys.size());
        List<Map<String, AttributeValue>> items;
        try {
            items = get(keys);
        } catch (RuntimeException e) {
            batch.forEach(w -> w.failure = e);
            return;
        }
        Map<At, Map<String, AttributeValue>> byKey = new HashMap<>();
        items.forEach(item -> byKey.put(at(item), item));
        for (Waiting w : batch) {
            List<Map<String, AttributeValue>> own = new ArrayList<>();
            for (ItemKey k : w.keys) {
                Map<String, AttributeValue> item = byKey.get(new At(k.pk(), k.sk()));
                if (item != null) {
                    own.add(item);
                }
            }
            w.answer = own;
        }
    }

    /** A read on its own: one request per {@link BatchReads#MAX_KEYS} keys. */
    private List<Map<String, AttributeValue>> alone(Set<ItemKey> keys) {
        List<ItemKey> all = new ArrayList<>(keys);
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        for (int from = 0; from < all.size(); from += BatchReads.MAX_KEYS) {
            items.addAll(get(all.subList(from, Math.min(all.size(), from + BatchReads.MAX_KEYS))));
        }
        return items;
    }

    /** One BatchGetItem (and its rounds of unprocessed keys) of at most 100 distinct keys, consistent. */
    private List<Map<String, AttributeValue>> get(Iterable<ItemKey> keys) {
        Map<String, List<Map<String, AttributeValue>>> byTable = new LinkedHashMap<>();
        keys.forEach(k -> byTable.computeIfAbsent(k.table(), t -> new ArrayList<>()).add(SuiteTables.key(k.pk(),
                k.sk())));
        Map<String, KeysAndAttributes> request = new LinkedHashMap<>();
        byTable.forEach((table, tableKeys) -> request.put(table, KeysAndAttributes.builder().consistentRead(true)
                .keys(tableKeys).build()));
        requests.incrementAndGet();
        return batchGet.apply(request);
    }

    private static At at(Map<String, AttributeValue> item) {
        return new At(Attr.string(item, SuiteTables.PK), Attr.string(item, SuiteTables.SK));
    }
}
