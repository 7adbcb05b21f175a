package io.mpsaas.entitlement.persistence;

import static io.mpsaas.entitlement.TestSupport.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.mpsaas.common.config.TablesConfig;
import io.mpsaas.common.customer.CustomerKeys;
import io.mpsaas.common.dynamo.Attr;
import io.mpsaas.common.dynamo.SuiteTables;
import io.mpsaas.common.dynamo.TaggedTransaction;
import io.mpsaas.sandbox.testing.SandboxTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;

/**
 * Commits of several customers written together ({@link CommitCombiner}) against DynamoDB Local: fewer requests than
 * commits, and each commit's outcome what it would have been alone. The first writes are held by the test's client
 * until the commits meant to go together are all waiting, so which commits share a request never depends on timing.
 */
@QuarkusTest
@QuarkusTestResource(value = SandboxTestResource.class, restrictToAnnotatedClass = false)
class CommitCombinerTest {

    @Inject
    DynamoDbClient dynamo;

    @Inject
    TablesConfig tables;

    @Inject
    SubscriptionStore store;

    private final ExecutorService committers = Executors.newCachedThreadPool();

    @AfterEach
    void stopCommitters() {
        committers.shutdownNow();
    }

    @Test
    void commitsReadyTogether_shareOneRequest_andAreAllWritten_withOneLane() throws Exception {
        concurrentCommits_shareRequests(1);
    }

    @Test
    void commitsReadyTogether_shareOneRequest_andAreAllWritten_withTwoLanes() throws Exception {
        concurrentCommits_shareRequests(2);
    }

    private void concurrentCommits_shareRequests(int lanes) throws Exception {
        // GIVEN a combiner whose first writes (one per lane) are held in flight
        Held held = new Held(dynamo, lanes);
        CommitCombiner combiner = new CommitCombiner(held.client, true, lanes);
        List<String> keys = new ArrayList<>();
        List<CompletableFuture<CommitOutcome>> outcomes = new ArrayList<>();
        for (int lane = 0; lane < lanes; lane++) {
            String key = uniqueKey();
            keys.add(key);
            outcomes.add(submit(combiner, newCustomer(key, "m-" + key)));
            int inFlight = lane + 1;
            eventually().until(() -> held.holding.get() == inFlight);
        }

        // WHEN eight more commits arrive, released together by a barrier, while every lane is busy
        outcomes.addAll(newCustomersAtOnce(combiner, 8, keys));
        eventually().until(() -> combiner.waiting() == 8);
        held.release.countDown();

        // THEN every commit is written, in one request per lane and one for the eight
        for (CompletableFuture<CommitOutcome> outcome : outcomes) {
            assertThat(outcome(outcome)).isEqualTo(CommitOutcome.COMMITTED);
        }
        assertThat(held.requests).hasSize(lanes + 1);
        assertThat(held.requests.get(lanes)).hasSize(16);
        assertThat(combiner.requests()).isEqualTo(lanes + 1);
        assertThat(combiner.commits()).isEqualTo(lanes + 8);
        for (String key : keys) {
            assertThat(customerVersion(key)).isEqualTo(1L);
            assertThat(inboxEntryExists("m-" + key)).isTrue();
        }
    }

    @Test
    void aCombinedWrite_givesTheDuplicateAndTheConflictTheirOwnOutcome_andWritesTheOthers() throws Exception {
        // GIVEN a message already in the inbox and a customer at version 1
        CommitCombiner alone = new CommitCombiner(dynamo, false, 1);
        String done = "m-" + uniqueKey();
        assertThat(alone.commit(newCustomer(uniqueKey(), done).tx)).isEqualTo(CommitOutcome.COMMITTED);
        String existing = uniqueKey();
        assertThat(alone.commit(newCustomer(existing, "m-" + existing).tx)).isEqualTo(CommitOutcome.COMMITTED);

        // WHEN, in one request: that message again, a write of the customer based on a version it does not have, and
        // two innocent commits
        Queued queued = new Queued();
        String dupKey = uniqueKey();
        CompletableFuture<CommitOutcome> duplicate = queued.add(newCustomer(dupKey, done));
        String conflictMessage = "m-" + uniqueKey();
        CompletableFuture<CommitOutcome> conflict = queued.add(customer(existing, 7L, conflictMessage));
        String ok1 = uniqueKey();
        String ok2 = uniqueKey();
        CompletableFuture<CommitOutcome> innocent1 = queued.add(newCustomer(ok1, "m-" + ok1));
        CompletableFuture<CommitOutcome> innocent2 = queued.add(newCustomer(ok2, "m-" + ok2));
        queued.release();

        // THEN the duplicate is DUPLICATE and the lost race CONFLICT, with nothing of theirs written
        assertThat(outcome(duplicate)).isEqualTo(CommitOutcome.DUPLICATE);
        assertThat(outcome(conflict)).isEqualTo(CommitOutcome.CONFLICT);
        assertThat(customerVersion(dupKey)).isNull();
        assertThat(customerVersion(existing)).isEqualTo(1L);
        assertThat(inboxEntryExists(conflictMessage)).isFalse();
        // AND the innocent ones, cancelled with them, are written again together and COMMITTED
        assertThat(outcome(innocent1)).isEqualTo(CommitOutcome.COMMITTED);
        assertThat(outcome(innocent2)).isEqualTo(CommitOutcome.COMMITTED);
        for (String key : List.of(ok1, ok2)) {
            assertThat(customerVersion(key)).isEqualTo(1L);
            assertThat(inboxEntryExists("m-" + key)).isTrue();
        }
        assertThat(queued.held.requests.stream().map(List::size).toList()).containsExactly(2, 8, 4);
    }

    @Test
    void twoCommitsOfTheSameItem_neverShareARequest_andBothEndAsAlone() throws Exception {
        // GIVEN a combiner with its one lane busy
        Queued queued = new Queued();

        // WHEN two commits create the same customer, and a third another one
        String same = uniqueKey();
        String other = uniqueKey();
        CompletableFuture<CommitOutcome> first = queued.add(newCustomer(same, "m-a-" + same));
        CompletableFuture<CommitOutcome> second = queued.add(newCustomer(same, "m-b-" + same));
        CompletableFuture<CommitOutcome> third = queued.add(newCustomer(other, "m-" + other));
        queued.release();

        // THEN the first and the third go together, the second after them, a lost race as it would be alone
        assertThat(outcome(first)).isEqualTo(CommitOutcome.COMMITTED);
        assertThat(outcome(second)).isEqualTo(CommitOutcome.CONFLICT);
        assertThat(outcome(third)).isEqualTo(CommitOutcome.COMMITTED);
        assertThat(queued.held.requests.stream().map(List::size).toList()).containsExactly(2, 4, 2);
        for (List<TransactWriteItem> request : queued.held.requests) {
            Set<List<Object>> items = new HashSet<>();
            request.forEach(item -> assertThat(items.add(itemOf(item))).as("one action per item").isTrue());
        }
        assertThat(customerVersion(same)).isEqualTo(1L);
        assertThat(inboxEntryExists("m-a-" + same)).isTrue();
        assertThat(inboxEntryExists("m-b-" + same)).isFalse();
        assertThat(customerVersion(other)).isEqualTo(1L);
    }

    @Test
    void commitsOverAHundredActions_areSplit_andACommitOfAHundredGoesAlone() throws Exception {
        // GIVEN a combiner with its one lane busy
        Queued queued = new Queued();

        // WHEN three commits of 40 actions wait, then one of 100, then one of 2
        List<String> keys = new ArrayList<>();
        List<CompletableFuture<CommitOutcome>> outcomes = new ArrayList<>();
        for (int actions : List.of(40, 40, 40, TaggedTransaction.MAX_ACTIONS, 2)) {
            String key = uniqueKey();
            keys.add(key);
            outcomes.add(queued.add(manyMessages(key, actions)));
        }
        queued.release();

        // THEN the first request holds the first two and the last (82: the third would go over 100), the next the
        // third (the 100 does not fit with it), the last the 100 alone; all written
        for (CompletableFuture<CommitOutcome> outcome : outcomes) {
            assertThat(outcome(outcome)).isEqualTo(CommitOutcome.COMMITTED);
        }
        assertThat(queued.held.requests.stream().map(List::size).toList()).containsExactly(2, 82, 40, 100);
        for (String key : keys) {
            assertThat(customerVersion(key)).isEqualTo(1L);
            assertThat(inboxEntryExists("m-0-" + key)).isTrue();
        }
    }

    @Test
    void combiningOff_writesEachCommitInItsOwnRequest() throws Exception {
        // GIVEN combining off
        Held held = new Held(dynamo, 0);
        CommitCombiner combiner = new CommitCombiner(held.client, false, 2);

        // WHEN five commits are submitted at once
        List<String> keys = new ArrayList<>();
        List<CompletableFuture<CommitOutcome>> outcomes = newCustomersAtOnce(combiner, 5, keys);

        // THEN one request each, all written
        for (CompletableFuture<CommitOutcome> outcome : outcomes) {
            assertThat(outcome(outcome)).isEqualTo(CommitOutcome.COMMITTED);
        }
        assertThat(held.requests).hasSize(5).allSatisfy(r -> assertThat(r).hasSize(2));
        for (String key : keys) {
            assertThat(customerVersion(key)).isEqualTo(1L);
        }
    }

    // ---------------------------------------------------------------- helpers

    /** A combiner of one lane whose first write the test holds, and the commits queued behind it in order. */
    private final class Queued {
        final Held held = new Held(dynamo, 1);
        final CommitCombiner combiner = new CommitCombiner(held.client, true, 1);
        final CompletableFuture<CommitOutcome> blocker;
        int waiting;

        Queued() {
            blocker = submit(combiner, newCustomer(uniqueKey(), "m-" + uniqueKey()));
            eventually().until(() -> held.holding.get() == 1);
        }

        /** Queues a commit behind the held write and those queued before it. */
        CompletableFuture<CommitOutcome> add(SubscriptionStore.Commit commit) {
            CompletableFuture<CommitOutcome> outcome = submit(combiner, commit);
            int expected = ++waiting;
            eventually().until(() -> combiner.waiting() == expected);
            return outcome;
        }

        /** Lets the held write go (it is written). */
        void release() throws Exception {
            held.release.countDown();
            assertThat(outcome(blocker)).isEqualTo(CommitOutcome.COMMITTED);
        }
    }

    private static CommitOutcome outcome(CompletableFuture<CommitOutcome> outcome) throws Exception {
        return outcome.get(60, TimeUnit.SECONDS);
    }

    private CompletableFuture<CommitOutcome> submit(CommitCombiner combiner, SubscriptionStore.Commit commit) {
        return CompletableFuture.supplyAsync(() -> combiner.commit(commit.tx), committers);
    }

    private static String uniqueKey() {
        return "customer#combine#" + UUID.randomUUID();
    }

    /** A commit creating a customer, with the inbox entry of one message. */
    private SubscriptionStore.Commit newCustomer(String key, String message) {
        return customer(key, null, message);
    }

    /** A commit writing a customer read at {@code expectedVersion} (null: new), with the inbox entry of a message. */
    private SubscriptionStore.Commit customer(String key, Long expectedVersion, String message) {
        Instant now = Instant.now();
        SubscriptionStore.Commit commit = store.newCommit();
        store.customer(commit, new CustomerChange(key, expectedVersion, null, null, null, null, null, null, null,
                now));
        store.inboxEntry(commit, new InboxEntry(message, InboxEntry.Status.DONE, "test", key, "test", null, now),
                now.plusSeconds(3600));
        return commit;
    }

    /** A commit of {@code actions} actions: a new customer and the inbox entries of {@code actions - 1} messages. */
    private SubscriptionStore.Commit manyMessages(String key, int actions) {
        Instant now = Instant.now();
        SubscriptionStore.Commit commit = store.newCommit();
        store.customer(commit, new CustomerChange(key, null, null, null, null, null, null, null, null, now));
        for (int i = 0; i < actions - 1; i++) {
            store.inboxEntry(commit, new InboxEntry("m-" + i + "-" + key, InboxEntry.Status.DONE, "test", key, "test",
                    null, now), now.plusSeconds(3600));
        }
        return commit;
    }

    private Long customerVersion(String key) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(tables.customers()).consistentRead(true)
                .key(SuiteTables.key(key, CustomerKeys.CUSTOMER_SK))).item();
        return item == null || item.isEmpty() ? null : Attr.number(item, "version");
    }

    private boolean inboxEntryExists(String message) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(tables.inbox()).consistentRead(true)
                .key(SuiteTables.key(SubscriptionStore.MESSAGE_PREFIX + message, SubscriptionStore.MESSAGE_SK)))
                .item();
        return item != null && !item.isEmpty();
    }

    /** The table and key an action writes. */
    private static List<Object> itemOf(TransactWriteItem item) {
        if (item.put() != null) {
            return List.of(item.put().tableName(), item.put().item().get(SuiteTables.PK),
                    item.put().item().get(SuiteTables.SK));
        }
        return List.of(item.update().tableName(), item.update().key().get(SuiteTables.PK),
                item.update().key().get(SuiteTables.SK));
    }

    /**
     * Commits {@code n} new customers (their keys added to {@code keys}), each from its own thread, released together by
     * a barrier so that they really overlap.
     */
    private List<CompletableFuture<CommitOutcome>> newCustomersAtOnce(CommitCombiner combiner, int n,
            List<String> keys) {
        CyclicBarrier together = new CyclicBarrier(n);
        List<CompletableFuture<CommitOutcome>> outcomes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String key = uniqueKey();
            keys.add(key);
            SubscriptionStore.Commit commit = newCustomer(key, "m-" + key);
            outcomes.add(CompletableFuture.supplyAsync(() -> {
                await(together);
                return combiner.commit(commit.tx);
            }, committers));
        }
        return outcomes;
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * DynamoDB Local with every {@code TransactWriteItems} request recorded, the first {@code hold} of them held until
     * {@link #release}, so the test decides which commits are waiting when a lane frees up.
     */
    private static final class Held {
        final List<List<TransactWriteItem>> requests = new CopyOnWriteArrayList<>();
        final AtomicInteger holding = new AtomicInteger();
        final CountDownLatch release = new CountDownLatch(1);
        final DynamoDbClient client;

        Held(DynamoDbClient real, int hold) {
            AtomicInteger seen = new AtomicInteger();
            this.client = (DynamoDbClient) Proxy.newProxyInstance(DynamoDbClient.class.getClassLoader(),
                    new Class<?>[] {DynamoDbClient.class}, (proxy, method, args) -> {
                        if (method.getName().equals("transactWriteItems")) {
                            TransactWriteItemsRequest request = request(args[0]);
                            requests.add(request.transactItems());
                            if (seen.getAndIncrement() < hold) {
                                holding.incrementAndGet();
                                release.await(60, TimeUnit.SECONDS);
                            }
                            return real.transactWriteItems(request);
                        }
                        try {
                            return method.invoke(real, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        }

        @SuppressWarnings("unchecked")
        private static TransactWriteItemsRequest request(Object arg) {
            if (arg instanceof TransactWriteItemsRequest r) {
                return r;
            }
            TransactWriteItemsRequest.Builder b = TransactWriteItemsRequest.builder();
            ((java.util.function.Consumer<TransactWriteItemsRequest.Builder>) arg).accept(b);
            return b.build();
        }
    }
}
