package io.mpsaas.common.dynamo;

import io.mpsaas.common.retry.Backoff;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

/**
 * The one {@code BatchGetItem} loop of the suite: keys read {@value #MAX_KEYS} to a call, and what DynamoDB leaves
 * unprocessed (throttling part of a batch, or a batch over its 16 MB) asked for again after a pause (full jitter: a
 * random part of 50 ms doubling to at most a second, so replicas throttled together do not ask again in step),
 * {@value #ROUNDS} rounds at most. What the keys left unread mean is the caller's: a read that
 * writes are based on fails, a listing shows what it got, a caller that can do neither asks {@link #UNTIL_READ}.
 */
public final class BatchReads {

    /** Most keys one {@code BatchGetItem} takes (over all its tables). */
    public static final int MAX_KEYS = 100;
    /** Rounds of unprocessed keys asked for again before giving up. */
    public static final int ROUNDS = 8;
    /**
     * Rounds for a caller that can neither fail nor use a partial read (a key left unread would be taken for an item
     * that does not exist): unprocessed keys asked for again until DynamoDB answers them, however long it throttles.
     */
    public static final int UNTIL_READ = Integer.MAX_VALUE;

    static final Backoff BACKOFF = Backoff.fullJitter(Duration.ofMillis(50), Duration.ofSeconds(1));

    /**
     * What a read answered: the items found (of every table, in no particular order; a key without an item has none)
     * and the keys DynamoDB still left unprocessed after the last round, by table (empty once every key was read).
     */
    public record Read(List<Map<String, AttributeValue>> items, Map<String, KeysAndAttributes> unread) {

        public Read {
            items = List.copyOf(items);
            unread = Map.copyOf(unread);
        }
    }

    private BatchReads() {
    }

    /**
     * Reads one request of at most {@value #MAX_KEYS} keys over one or more tables, each table's keys asked as its
     * {@link KeysAndAttributes} says (consistency, projection), in {@value #ROUNDS} rounds at most. Throws when
     * DynamoDB refuses a call.
     */
    public static Read read(DynamoDbClient dynamo, Map<String, KeysAndAttributes> request) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        Map<String, KeysAndAttributes> unread = rounds(dynamo, request, ROUNDS, items);
        return new Read(items, unread);
    }

    /**
     * Reads the keys of one table, {@value #MAX_KEYS} to a call, each call asked as {@code how} says (consistency,
     * projection; its own keys ignored), in {@code rounds} rounds at most ({@link #ROUNDS}, or {@link #UNTIL_READ}).
     * Throws when DynamoDB refuses a call (the keys of later calls then unread too).
     */
    public static Read read(DynamoDbClient dynamo, String table, List<Map<String, AttributeValue>> keys,
            KeysAndAttributes how, int rounds) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        List<Map<String, AttributeValue>> unread = new ArrayList<>();
        for (int from = 0; from < keys.size(); from += MAX_KEYS) {
            KeysAndAttributes ask = how.toBuilder().keys(keys.subList(from, Math.min(keys.size(), from + MAX_KEYS)))
                    .build();
            KeysAndAttributes left = rounds(dynamo, Map.of(table, ask), rounds, items).get(table);
            if (left != null) {
                unread.addAll(left.keys());
            }
        }
        return new Read(items, unread.isEmpty() ? Map.of()
                : Map.of(table, how.toBuilder().keys(unread).build()));
    }

    /** Asks for {@code request}, then for what is left unprocessed, adding the items found; answers what is left. */
    private static Map<String, KeysAndAttributes> rounds(DynamoDbClient dynamo, Map<String, KeysAndAttributes> request,
            int rounds, List<Map<String, AttributeValue>> items) {
        Map<String, KeysAndAttributes> pending = request;
        for (int round = 0; !pending.isEmpty() && round < rounds; round++) {
            if (round > 0) {
                BACKOFF.pause(round);
            }
            Map<String, KeysAndAttributes> ask = pending;
            BatchGetItemResponse response = dynamo.batchGetItem(r -> r.requestItems(ask));
            response.responses().values().forEach(items::addAll);
            pending = response.hasUnprocessedKeys() ? response.unprocessedKeys() : Map.of();
        }
        return pending;
    }
}
