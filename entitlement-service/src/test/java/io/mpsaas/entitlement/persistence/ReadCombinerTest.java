package io.mpsaas.entitlement.persistence;

import static io.mpsaas.entitlement.TestSupport.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.MeterRegistry;
import io.mpsaas.common.config.TablesConfig;
import io.mpsaas.sandbox.testing.SandboxTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;

/**
 * Reads of several callers asked together ({@link ReadCombiner}, through {@link SubscriptionStore#read}) against
 * DynamoDB Local: fewer {@code BatchGetItem} requests than reads, each key asked once, and each caller's {@code Reads}
 * exactly those of the same read made alone. The first requests are held by the test's client until the reads meant
 * to go together are all waiting, so which reads share a request never depends on timing.
 */
@QuarkusTest
@QuarkusTestResource(value = SandboxTestResource.class, restrictToAnnotatedClass = false)
class ReadCombinerTest {

    @Inject
    DynamoDbClient dynamo;

    @Inject
    TablesConfig tables;

    @Inject
    SubscriptionStore store;

    @Inject
    MeterRegistry registry;

    private final ExecutorService readers = Executors.newCachedThreadPool();

    @AfterEach
    void stopReaders() {
        readers.shutdownNow();
    }

    @Test
    void readsAskedTogether_shareOneRequest_andEachGetsItsOwnItems_withOneLane() throws Exception {
        concurrentReads_shareRequests(1);
    }

    @Test
    void readsAskedTogether_shareOneRequest_andEachGetsItsOwnItems_withTwoLanes() throws Exception {
        concurrentReads_shareRequests(2);
    }

    private void concurrentReads_shareRequests(int lanes) throws Exception {
        // GIVEN seven customers with a processed message and an agreement pointer each, and a store whose first
        // requests (one per lane) are held in flight
        List<Customer> customers = customers(7);
        HeldClient<BatchGetItemRequest, Map<String, KeysAndAttributes>> held = held(lanes, dynamo::batchGetItem);
        SubscriptionStore combining = store(held, true, lanes);
        List<CompletableFuture<SubscriptionStore.Reads>> blockers = new ArrayList<>();
        for (int lane = 0; lane < lanes; lane++) {
            blockers.add(submit(combining, Ask.of(customers.get(lane))));
            int inFlight = lane + 1;
            eventually().until(() -> held.holding.get() == inFlight);
        }

        // WHEN six reads arrive, released together by a barrier, while every lane is busy: each asks two customers
        // (one shared with the read before it, one with the read after), absent keys of its own and one absent
        // agreement all ask
        String sharedAbsentAgreement = "agr-absent-" + UUID.randomUUID();
        List<Ask> asks = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            Customer a = customers.get(i);
            Customer b = customers.get(i + 1);
            String absent = UUID.randomUUID().toString();
            asks.add(new Ask(List.of(a.message, b.message, "m-absent-" + absent),
                    List.of(a.key, b.key, "customer#absent#" + absent),
                    List.of(a.agreement, b.agreement, sharedAbsentAgreement)));
        }
        List<CompletableFuture<SubscriptionStore.Reads>> reads = atOnce(combining, asks);
        eventually().until(() -> combining.readsWaiting() == asks.size());
        held.release.countDown();

        // THEN each read gets exactly what it would have got alone: its customers' items, its absent keys empty
        for (CompletableFuture<SubscriptionStore.Reads> blocker : blockers) {
            assertThat(reads(blocker).customer(customers.get(blockers.indexOf(blocker)).key)).isPresent();
        }
        for (int i = 0; i < asks.size(); i++) {
            SubscriptionStore.Reads got = reads(reads.get(i));
            assertThat(got).isEqualTo(alone(asks.get(i)));
            assertOwnItems(got, asks.get(i), List.of(customers.get(i), customers.get(i + 1)));
        }
        // AND one request per lane, and one for the six, each key of it asked once, consistently
        assertThat(held.requests).hasSize(lanes + 1);
        // seven customers' three keys, six reads' two absent keys, one absent agreement they all ask
        assertThat(keyCount(held.requests.get(lanes))).isEqualTo(7 * 3 + 6 * 2 + 1);
        held.requests.forEach(ReadCombinerTest::assertDistinctAndConsistent);
        assertThat(combining.readRequests()).isEqualTo(lanes + 1);
    }

    @Test
    void readsOverAHundredKeys_areSplitIntoRequestsOfAHundred_sharedKeysCountedOnce_andAllAnswered()
            throws Exception {
        // GIVEN five customers, and a store of one lane whose first request is held
        List<Customer> customers = customers(5);
        Queued queued = new Queued(dynamo::batchGetItem);

        // WHEN four reads wait: 60 keys, 60 keys of which 50 are the first read's, 60 other keys, then 30 keys
        List<String> first = Stream.concat(Stream.of(customers.get(0).message, customers.get(1).message),
                absentMessages(58).stream()).toList();
        List<String> second = Stream.concat(first.subList(10, 60).stream(), absentMessages(10).stream()).toList();
        Ask ask1 = new Ask(first, List.of(), List.of());
        Ask ask2 = new Ask(second, List.of(), List.of());
        Ask ask3 = new Ask(Stream.concat(Stream.of(customers.get(2).message), absentMessages(59).stream()).toList(),
                List.of(), List.of());
        Ask ask4 = new Ask(absentMessages(20), customers.stream().map(c -> c.key).toList(),
                customers.stream().map(c -> c.agreement).toList());
        List<CompletableFuture<SubscriptionStore.Reads>> reads = new ArrayList<>();
        for (Ask ask : List.of(ask1, ask2, ask3, ask4)) {
            reads.add(queued.add(ask));
        }
        queued.release();
        for (CompletableFuture<SubscriptionStore.Reads> read : reads) {
            reads(read);
        }
        // AND then, combining, a read of 150 keys
        Ask big = new Ask(Stream.concat(Stream.of(customers.get(3).message), absentMessages(149).stream()).toList(),
                List.of(), List.of());
        SubscriptionStore.Reads bigRead = queued.store.read(big.dedupes, big.customers, big.agreements);

        // THEN the first, second and fourth share a request (60 + 10 new + 30 = 100 keys), the third goes next
        // (with them it would be 160), and the read of 150 goes alone in requests of 100 and 50
        assertThat(queued.held.requests.stream().map(ReadCombinerTest::keyCount).toList())
                .containsExactly(1, 100, 60, 100, 50);
        queued.held.requests.forEach(ReadCombinerTest::assertDistinctAndConsistent);
        // AND every read gets what it would have got alone
        List<Ask> asks = List.of(ask1, ask2, ask3, ask4);
        for (int i = 0; i < asks.size(); i++) {
            assertThat(reads(reads.get(i))).isEqualTo(alone(asks.get(i)));
        }
        assertThat(reads(reads.get(0)).inbox().keySet()).containsExactlyInAnyOrder(customers.get(0).message,
                customers.get(1).message);
        assertThat(reads(reads.get(1)).inbox().keySet()).isEmpty();
        assertThat(reads(reads.get(2)).inbox().keySet()).containsExactly(customers.get(2).message);
        assertOwnItems(reads(reads.get(3)), ask4, customers);
        assertThat(bigRead).isEqualTo(alone(big));
        assertThat(bigRead.inbox().keySet()).containsExactly(customers.get(3).message);
    }

    @Test
    void aFailedCombinedRequest_failsEachOfItsReads_andTheNextReadIsAnswered() throws Exception {
        // GIVEN customers, and a store of one lane whose first request is held and whose second DynamoDB refuses
        List<Customer> customers = customers(3);
        ProvisionedThroughputExceededException throttled = ProvisionedThroughputExceededException.builder()
                .message("throttled by the test").build();
        AtomicInteger seen = new AtomicInteger();
        Queued queued = new Queued(request -> {
            if (seen.incrementAndGet() == 2) {
                throw throttled;
            }
            return dynamo.batchGetItem(request);
        });

        // WHEN two reads with a customer in common wait, and go together
        CompletableFuture<SubscriptionStore.Reads> read1 = queued.add(Ask.of(customers.get(0), customers.get(1)));
        CompletableFuture<SubscriptionStore.Reads> read2 = queued.add(Ask.of(customers.get(1), customers.get(2)));
        queued.release();

        // THEN both get the failure, as each would have alone
        for (CompletableFuture<SubscriptionStore.Reads> read : List.of(read1, read2)) {
            assertThatThrownBy(() -> read.get(60, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isSameAs(throttled);
        }
        assertThat(queued.held.requests).hasSize(2);
        // AND a read after it is answered
        Ask again = Ask.of(customers.get(0), customers.get(2));
        SubscriptionStore.Reads after = queued.store.read(again.dedupes, again.customers, again.agreements);
        assertOwnItems(after, again, List.of(customers.get(0), customers.get(2)));
    }

    @Test
    void keysLeftUnprocessedInACombinedRequest_areAskedAgain_andEachReadGetsItsItems() throws Exception {
        // GIVEN customers, and a store of one lane whose first request is held and whose second is answered only in
        // part, the rest of its keys left unprocessed (as DynamoDB does when throttling part of a request)
        List<Customer> customers = customers(4);
        AtomicInteger seen = new AtomicInteger();
        Queued queued = new Queued(request -> seen.incrementAndGet() == 2 ? half(request)
                : dynamo.batchGetItem(request));

        // WHEN two reads wait and go together
        Ask ask1 = Ask.of(customers.get(0), customers.get(1));
        Ask ask2 = Ask.of(customers.get(1), customers.get(2), customers.get(3));
        CompletableFuture<SubscriptionStore.Reads> read1 = queued.add(ask1);
        CompletableFuture<SubscriptionStore.Reads> read2 = queued.add(ask2);
        queued.release();

        // THEN the unprocessed keys are asked again, and each read gets all of its items
        assertOwnItems(reads(read1), ask1, List.of(customers.get(0), customers.get(1)));
        assertOwnItems(reads(read2), ask2, customers.subList(1, 4));
        assertThat(queued.held.requests.stream().map(ReadCombinerTest::keyCount).toList())
                .containsExactly(1, 12, 6);
    }

    @Test
    void combiningOff_readsEachInItsOwnRequest() throws Exception {
        // GIVEN combining off
        List<Customer> customers = customers(6);
        HeldClient<BatchGetItemRequest, Map<String, KeysAndAttributes>> held = held(0, dynamo::batchGetItem);
        SubscriptionStore alone = store(held, false, 2);

        // WHEN five reads are asked at once, with keys in common
        List<Ask> asks = IntStream.range(0, 5).mapToObj(i -> Ask.of(customers.get(i), customers.get(i + 1)))
                .toList();
        List<CompletableFuture<SubscriptionStore.Reads>> reads = atOnce(alone, asks);

        // THEN one request each, each read answered
        for (int i = 0; i < asks.size(); i++) {
            assertOwnItems(reads(reads.get(i)), asks.get(i), List.of(customers.get(i), customers.get(i + 1)));
        }
        assertThat(held.requests).hasSize(5).allSatisfy(r -> assertThat(keyCount(r)).isEqualTo(6));
        assertThat(alone.readRequests()).isEqualTo(5);
    }

    @Test
    void theServicesReads_areCounted() {
        // GIVEN the service's store, idle
        Customer customer = customers(1).get(0);
        double before = readRequests();

        // WHEN it reads a batch's worth
        Ask ask = Ask.of(customer);
        SubscriptionStore.Reads reads = store.read(ask.dedupes, ask.customers, ask.agreements);

        // THEN one BatchGetItem request is counted
        assertOwnItems(reads, ask, List.of(customer));
        assertThat(readRequests() - before).isEqualTo(1);
    }

    // ---------------------------------------------------------------- helpers

    /** A customer item, one processed message of it and its agreement's pointer, all written. */
    private record Customer(String key, String message, String agreement) {
    }

    /** What a read asks for. */
    private record Ask(List<String> dedupes, List<String> customers, List<String> agreements) {

        static Ask of(Customer... of) {
            return new Ask(Stream.of(of).map(Customer::message).toList(), Stream.of(of).map(Customer::key).toList(),
                    Stream.of(of).map(Customer::agreement).toList());
        }
    }

    /** Writes {@code n} customers, each with a processed message and an agreement pointer. */
    private List<Customer> customers(int n) {
        List<Customer> written = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String id = UUID.randomUUID().toString();
            Customer c = new Customer("customer#read#" + id, "m-read-" + id, "agr-read-" + id);
            Instant now = Instant.now();
            SubscriptionStore.Commit commit = store.newCommit();
            store.customer(commit, new CustomerChange(c.key, null, null, c.agreement, null, null, null, null, null,
                    now));
            store.pointer(commit, new PointerChange(c.agreement, null, c.key, "prod-read", null, null, null));
            store.inboxEntry(commit, new InboxEntry(c.message, InboxEntry.Status.DONE, "test", c.key, "test", null,
                    now), now.plusSeconds(3600));
            assertThat(store.commit(commit)).isEqualTo(CommitOutcome.COMMITTED);
            written.add(c);
        }
        return written;
    }

    private static List<String> absentMessages(int n) {
        return IntStream.range(0, n).mapToObj(i -> "m-absent-" + UUID.randomUUID()).toList();
    }

    /**
     * The read's inbox entries (of the messages it asked), customers and pointers are those of {@code present}; its
     * other keys are empty.
     */
    private static void assertOwnItems(SubscriptionStore.Reads reads, Ask ask, List<Customer> present) {
        assertThat(reads.inbox().keySet()).containsExactlyInAnyOrderElementsOf(present.stream()
                .map(Customer::message).filter(ask.dedupes::contains).toList());
        for (Customer c : present) {
            if (ask.dedupes.contains(c.message)) {
                assertThat(reads.inboxEntry(c.message).orElseThrow().customerKey()).isEqualTo(c.key);
            }
            assertThat(reads.customer(c.key).orElseThrow().key()).isEqualTo(c.key);
            assertThat(reads.pointer(c.agreement).orElseThrow().customerKey()).isEqualTo(c.key);
        }
        assertThat(reads.customers().keySet()).containsExactlyInAnyOrderElementsOf(ask.customers);
        assertThat(reads.pointers().keySet()).containsExactlyInAnyOrderElementsOf(ask.agreements);
        Set<String> presentKeys = new HashSet<>(present.stream().map(Customer::key).toList());
        Set<String> presentAgreements = new HashSet<>(present.stream().map(Customer::agreement).toList());
        ask.customers.stream().filter(k -> !presentKeys.contains(k))
                .forEach(k -> assertThat(reads.customer(k)).as(k).isEmpty());
        ask.agreements.stream().filter(a -> !presentAgreements.contains(a))
                .forEach(a -> assertThat(reads.pointer(a)).as(a).isEmpty());
    }

    /** The same read made alone, on the real client, without combining. */
    private SubscriptionStore.Reads alone(Ask ask) {
        return store(dynamo, false, 1).read(ask.dedupes, ask.customers, ask.agreements);
    }

    private SubscriptionStore store(HeldClient<?, ?> held, boolean combine, int lanes) {
        return store(held.client, combine, lanes);
    }

    private SubscriptionStore store(DynamoDbClient client, boolean combine, int lanes) {
        return new SubscriptionStore(client, tables, true, 2, combine, lanes);
    }

    private CompletableFuture<SubscriptionStore.Reads> submit(SubscriptionStore on, Ask ask) {
        return CompletableFuture.supplyAsync(() -> on.read(ask.dedupes, ask.customers, ask.agreements), readers);
    }

    /** Reads each ask from its own thread, released together by a barrier so that they really overlap. */
    private List<CompletableFuture<SubscriptionStore.Reads>> atOnce(SubscriptionStore on, List<Ask> asks) {
        return HeldClient.atOnce(asks.stream().<Supplier<SubscriptionStore.Reads>>map(ask -> () -> on.read(
                ask.dedupes, ask.customers, ask.agreements)).toList(), readers);
    }

    private static SubscriptionStore.Reads reads(CompletableFuture<SubscriptionStore.Reads> read) throws Exception {
        return read.get(60, TimeUnit.SECONDS);
    }

    private static int keyCount(Map<String, KeysAndAttributes> request) {
        return request.values().stream().mapToInt(k -> k.keys().size()).sum();
    }

    /** No key twice in a request (DynamoDB would refuse it), every table read consistently. */
    private static void assertDistinctAndConsistent(Map<String, KeysAndAttributes> request) {
        request.forEach((table, keys) -> {
            assertThat(keys.consistentRead()).as("consistent read of " + table).isTrue();
            assertThat(new HashSet<>(keys.keys())).as("distinct keys of " + table).hasSize(keys.keys().size());
        });
    }

    private double readRequests() {
        return registry.get("mpsaas.entitlement.read.requests").functionCounter().count();
    }

    /** A store of one lane whose first read the test holds, and the reads queued behind it in order. */
    private final class Queued {
        final HeldClient<BatchGetItemRequest, Map<String, KeysAndAttributes>> held;
        final SubscriptionStore store;
        final CompletableFuture<SubscriptionStore.Reads> blocker;
        final Customer blocking = customers(1).get(0);
        int waiting;

        /** {@code send} answers each request once let go. */
        Queued(Function<BatchGetItemRequest, Object> send) {
            held = held(1, send);
            store = store(held, true, 1);
            blocker = submit(store, new Ask(List.of(), List.of(blocking.key), List.of()));
            eventually().until(() -> held.holding.get() == 1);
        }

        /** Queues a read behind the held one and those queued before it. */
        CompletableFuture<SubscriptionStore.Reads> add(Ask ask) {
            CompletableFuture<SubscriptionStore.Reads> read = submit(store, ask);
            int expected = ++waiting;
            eventually().until(() -> store.readsWaiting() == expected);
            return read;
        }

        /** Lets the held read go (it is answered). */
        void release() throws Exception {
            held.release.countDown();
            assertThat(reads(blocker).customer(blocking.key)).isPresent();
        }
    }

    /** DynamoDB Local with every {@code BatchGetItem} request's keys recorded, the first {@code hold} held. */
    private HeldClient<BatchGetItemRequest, Map<String, KeysAndAttributes>> held(int hold,
            Function<BatchGetItemRequest, Object> send) {
        return new HeldClient<>(dynamo, hold, "batchGetItem", BatchGetItemRequest.class, BatchGetItemRequest::builder,
                BatchGetItemRequest::requestItems, send);
    }

    /** Reads the first half of each table's keys and leaves the rest unprocessed, as DynamoDB may when throttling. */
    private BatchGetItemResponse half(BatchGetItemRequest request) {
        Map<String, KeysAndAttributes> asked = new HashMap<>();
        Map<String, KeysAndAttributes> left = new HashMap<>();
        request.requestItems().forEach((table, k) -> {
            List<Map<String, AttributeValue>> keys = k.keys();
            int half = keys.size() / 2;
            asked.put(table, k.toBuilder().keys(keys.subList(0, half)).build());
            left.put(table, k.toBuilder().keys(keys.subList(half, keys.size())).build());
        });
        return dynamo.batchGetItem(r -> r.requestItems(asked)).toBuilder().unprocessedKeys(left).build();
    }
}
