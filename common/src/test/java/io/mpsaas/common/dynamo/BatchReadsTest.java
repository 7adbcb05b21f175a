package io.mpsaas.common.dynamo;

import static org.assertj.core.api.Assertions.assertThat;

import io.mpsaas.common.retry.Backoff;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

/**
 * The one BatchGetItem loop, against tables that record what they were asked and leave the last keys of a call
 * unprocessed as long as told (as DynamoDB does with the keys it throttles).
 */
class BatchReadsTest {

    /** Tables of items by key; the first {@code throttledCalls} calls leave {@code throttledKeys} keys unprocessed. */
    private static final class Tables implements DynamoDbClient {
        final Map<String, Map<Map<String, AttributeValue>, Map<String, AttributeValue>>> items = new HashMap<>();
        final List<Map<String, KeysAndAttributes>> asked = new ArrayList<>();
        int throttledCalls;
        int throttledKeys;

        Tables put(String table, String pk) {
            Map<String, AttributeValue> key = SuiteTables.key(pk, "item");
            Map<String, AttributeValue> item = new HashMap<>(key);
            item.put("table", Attr.s(table));
            items.computeIfAbsent(table, t -> new HashMap<>()).put(key, item);
            return this;
        }

        @Override
        public BatchGetItemResponse batchGetItem(BatchGetItemRequest request) {
            asked.add(request.requestItems());
            boolean throttled = asked.size() <= throttledCalls;
            Map<String, List<Map<String, AttributeValue>>> found = new HashMap<>();
            Map<String, KeysAndAttributes> unprocessed = new HashMap<>();
            request.requestItems().forEach((table, ask) -> {
                List<Map<String, AttributeValue>> keys = ask.keys();
                int answered = throttled ? Math.max(0, keys.size() - throttledKeys) : keys.size();
                found.put(table, keys.subList(0, answered).stream()
                        .map(k -> items.getOrDefault(table, Map.of()).get(k)).filter(i -> i != null)
                        .collect(Collectors.toList()));
                if (answered < keys.size()) {
                    unprocessed.put(table, ask.toBuilder().keys(keys.subList(answered, keys.size())).build());
                }
            });
            return BatchGetItemResponse.builder().responses(found).unprocessedKeys(unprocessed).build();
        }

        /** How many keys each call asked for, over all its tables. */
        List<Integer> keysPerCall() {
            return asked.stream().map(r -> r.values().stream().mapToInt(k -> k.keys().size()).sum())
                    .collect(Collectors.toList());
        }

        @Override
        public String serviceName() {
            return "dynamodb";
        }

        @Override
        public void close() {
        }
    }

    private static Map<String, AttributeValue> key(String pk) {
        return SuiteTables.key(pk, "item");
    }

    private static List<Map<String, AttributeValue>> keys(int count) {
        return IntStream.range(0, count).mapToObj(i -> key("k" + i)).collect(Collectors.toList());
    }

    private static List<String> pks(List<Map<String, AttributeValue>> items) {
        return items.stream().map(i -> i.get(SuiteTables.PK).s()).sorted().collect(Collectors.toList());
    }

    private static KeysAndAttributes consistent(List<Map<String, AttributeValue>> keys) {
        return KeysAndAttributes.builder().consistentRead(true).keys(keys).build();
    }

    @Test
    void read_answersTheItemsOfEveryTable_andNoneForAKeyWithoutAnItem() {
        // GIVEN two tables, and a key of the first without an item
        Tables dynamo = new Tables().put("a", "a1").put("a", "a2").put("b", "b1");

        // WHEN one request asks for keys of both
        BatchReads.Read read = BatchReads.read(dynamo, Map.of("a", consistent(List.of(key("a1"), key("a2"), key("a3"))),
                "b", consistent(List.of(key("b1")))));

        // THEN one call answered every item there is, each table's keys asked as the request said
        assertThat(pks(read.items())).containsExactly("a1", "a2", "b1");
        assertThat(read.unread()).isEmpty();
        assertThat(dynamo.asked).hasSize(1);
        assertThat(dynamo.asked.get(0).get("a").consistentRead()).isTrue();
    }

    @Test
    void keysOfOneTable_areReadAHundredToACall_eachCallAskedAsTheCallerSays() {
        // GIVEN 250 items
        Tables dynamo = new Tables();
        keys(250).forEach(k -> dynamo.put("t", k.get(SuiteTables.PK).s()));
        KeysAndAttributes how = KeysAndAttributes.builder().consistentRead(true).projectionExpression("#pk")
                .expressionAttributeNames(Map.of("#pk", SuiteTables.PK)).build();

        // WHEN their keys are read
        BatchReads.Read read = BatchReads.read(dynamo, "t", keys(250), how, BatchReads.ROUNDS);

        // THEN in calls of 100, 100 and 50 keys, each consistent and projected
        assertThat(read.items()).hasSize(250);
        assertThat(read.unread()).isEmpty();
        assertThat(dynamo.keysPerCall()).containsExactly(100, 100, 50);
        assertThat(dynamo.asked).allSatisfy(call -> {
            assertThat(call.get("t").consistentRead()).isTrue();
            assertThat(call.get("t").projectionExpression()).isEqualTo("#pk");
            assertThat(call.get("t").expressionAttributeNames()).containsEntry("#pk", SuiteTables.PK);
        });
    }

    @Test
    void readsAndWritesAskedAgain_waitAJitteredPause() {
        // replicas throttled together must not ask again in step: a random part of 50 ms doubling to 1 s, both loops
        assertThat(BatchReads.BACKOFF).isEqualTo(Backoff.fullJitter(Duration.ofMillis(50), Duration.ofSeconds(1)));
        assertThat(BatchWrites.BACKOFF).isEqualTo(BatchReads.BACKOFF);
    }

    @Test
    void noKeys_makeNoCall() {
        Tables dynamo = new Tables();

        BatchReads.Read read = BatchReads.read(dynamo, "t", List.of(), KeysAndAttributes.builder().build(),
                BatchReads.ROUNDS);

        assertThat(read.items()).isEmpty();
        assertThat(read.unread()).isEmpty();
        assertThat(dynamo.asked).isEmpty();
    }

    @Test
    void unprocessedKeys_areAskedForAgain_untilRead() {
        // GIVEN five items, and DynamoDB leaving the last two keys of each of the first two calls unprocessed
        Tables dynamo = new Tables();
        keys(5).forEach(k -> dynamo.put("t", k.get(SuiteTables.PK).s()));
        dynamo.throttledCalls = 2;
        dynamo.throttledKeys = 2;

        // WHEN they are read
        BatchReads.Read read = BatchReads.read(dynamo, Map.of("t", consistent(keys(5))));

        // THEN the second and third calls asked for the two left, as consistently, and the third read them
        assertThat(pks(read.items())).containsExactly("k0", "k1", "k2", "k3", "k4");
        assertThat(read.unread()).isEmpty();
        assertThat(dynamo.keysPerCall()).containsExactly(5, 2, 2);
        assertThat(dynamo.asked.get(1).get("t").keys()).containsExactly(key("k3"), key("k4"));
        assertThat(dynamo.asked.get(2).get("t").keys()).containsExactly(key("k3"), key("k4"));
        assertThat(dynamo.asked.get(2).get("t").consistentRead()).isTrue();
    }

    @Test
    void keysStillUnprocessedAfterTheRounds_areAnsweredUnread_withTheRestRead() {
        // GIVEN DynamoDB leaving the last key of every call unprocessed
        Tables dynamo = new Tables().put("t", "k0").put("t", "k1");
        dynamo.throttledCalls = Integer.MAX_VALUE;
        dynamo.throttledKeys = 1;

        // WHEN two keys are read
        BatchReads.Read read = BatchReads.read(dynamo, Map.of("t", consistent(List.of(key("k0"), key("k1")))));

        // THEN the loop gave up after its rounds: the first key read, the last answered unread as it was asked
        assertThat(dynamo.asked).hasSize(BatchReads.ROUNDS);
        assertThat(pks(read.items())).containsExactly("k0");
        assertThat(read.unread()).containsOnlyKeys("t");
        assertThat(read.unread().get("t").keys()).containsExactly(key("k1"));
        assertThat(read.unread().get("t").consistentRead()).isTrue();
    }

    @Test
    void untilRead_asksBeyondTheRounds_tillEveryKeyIsRead() {
        // GIVEN 101 items, and DynamoDB leaving the last key of each of the first ROUNDS calls unprocessed
        Tables dynamo = new Tables();
        keys(101).forEach(k -> dynamo.put("t", k.get(SuiteTables.PK).s()));
        dynamo.throttledCalls = BatchReads.ROUNDS;
        dynamo.throttledKeys = 1;

        // WHEN they are read until read
        BatchReads.Read read = BatchReads.read(dynamo, "t", keys(101), KeysAndAttributes.builder().build(),
                BatchReads.UNTIL_READ);

        // THEN every item came: the first hundred's last key in call ROUNDS + 1, where ROUNDS gives up, then the 101st
        assertThat(read.items()).hasSize(101);
        assertThat(read.unread()).isEmpty();
        assertThat(dynamo.asked).hasSize(BatchReads.ROUNDS + 2);
        assertThat(dynamo.keysPerCall().get(0)).isEqualTo(100);
        assertThat(dynamo.asked.get(BatchReads.ROUNDS).get("t").keys()).containsExactly(key("k99"));
        assertThat(dynamo.asked.get(BatchReads.ROUNDS + 1).get("t").keys()).containsExactly(key("k100"));
    }
}
