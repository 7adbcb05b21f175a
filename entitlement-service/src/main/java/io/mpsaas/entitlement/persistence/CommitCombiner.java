package io.mpsaas.entitlement.persistence;

import io.mpsaas.common.dynamo.SuiteTables;
import io.mpsaas.common.dynamo.TaggedTransaction;
import io.mpsaas.entitlement.persistence.SubscriptionStore.Action;
import io.quarkus.logging.Log;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * The commits of several customers that are ready at about the same time, written in one {@code TransactWriteItems}:
 * about half of a commit's cost is per request (HTTP, SigV4 signing, parsing the answer), not per item, and each
 * commit's outcome is still exactly what it would have been alone.
 *
 * <p>Lock and drain, as common's {@code DeliveredOutcomes}: a committer adds its commit to the waiting ones; while
 * fewer than {@code lanes} writes are in flight, it takes the oldest waiting commits that fit together and writes them,
 * until its own is answered; if its own is in another committer's write, it waits for that answer. So there is no
 * thread and no timer filling a request: an idle service's commit goes at once, alone, and under load the commits that
 * arrived during one write are the next write's. Commits fit together while they hold at most
 * {@link TaggedTransaction#MAX_ACTIONS} actions in all and no two actions on the same item (DynamoDB refuses such a
 * request whole as invalid): one that does not fit waits for the next write.
 *
 * <p>Outcomes are read by action, each action tagged with the commit it came from: written, every commit is
 * {@link CommitOutcome#COMMITTED}; cancelled with one reason per action, a commit with refusals gets the outcome its
 * own refusals give, and the commits cancelled only because of another (every reason {@code None}) are written again
 * together; cancelled without usable reasons, or refused as invalid as a whole, each commit is written again alone; any
 * other failure (throttling, network, access) is every commit's, as it would have been alone.
 */
final class CommitCombiner {

    private final DynamoDbClient dynamo;
    private final boolean combine;
    private final int lanes;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition answered = lock.newCondition();
    /** Commits not taken by a write yet, oldest first (under the lock). */
    private final Deque<Waiting> waiting = new ArrayDeque<>();
    /** Writes in flight (under the lock). */
    private int busy;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong commits = new AtomicLong();

    /**
     * @param combine whether commits share requests ({@code suite.entitlement.combine-commits}); off, each commit is
     *                its own request, written by its own thread
     * @param lanes   combined writes in flight at once ({@code suite.entitlement.commit-lanes}), at least 1
     */
    CommitCombiner(DynamoDbClient dynamo, boolean combine, int lanes) {
        if (lanes < 1) {
            throw new IllegalArgumentException("suite.entitlement.commit-lanes must be at least 1, not " + lanes);
        }
        this.dynamo = dynamo;
        this.combine = combine;
        this.lanes = lanes;
    }

    /** A commit and, once its write is over, its outcome or failure (set before {@code done}, under the lock). */
    private static final class Waiting {
        final TaggedTransaction<Action> tx;
        CommitOutcome outcome;
        RuntimeException failure;
        boolean taken;
        boolean done;

        Waiting(TaggedTransaction<Action> tx) {
            this.tx = tx;
        }
    }

    /** One action of a combined write: the commit it came from, and what it writes. */
    private record Tag(Waiting commit, Action action) {
    }

    /** An item an action writes: two actions on the same one may not share a request. */
    private record ItemKey(String table, AttributeValue pk, AttributeValue sk) {
    }

    /** Writes the commit, with others waiting when combining; a failed condition is reported, anything else thrown. */
    CommitOutcome commit(TaggedTransaction<Action> tx) {
        if (!combine) {
            return alone(tx);
        }
        Waiting mine = new Waiting(tx);
        lock.lock();
        try {
            waiting.add(mine);
            while (!mine.done) {
                if (busy < lanes && !mine.taken) {
                    List<Waiting> batch = take();
                    busy++;
                    lock.unlock();
                    try {
                        write(batch);
                    } finally {
                        lock.lock();
                        busy--;
                        batch.forEach(w -> w.done = true);
                        answered.signalAll();
                    }
                } else {
                    // ours is in another committer's write, or every lane is busy: wait for an answer or a lane
                    answered.awaitUninterruptibly();
                }
            }
        } finally {
            lock.unlock();
        }
        if (mine.failure != null) {
            throw mine.failure;
        }
        if (mine.outcome == null) {
            throw new IllegalStateException("the write of a commit ended without an outcome");
        }
        return mine.outcome;
    }

    /** TransactWriteItems requests made so far. */
    long requests() {
        return requests.get();
    }

    /**
     * Commits the requests carried so far (a commit written again, cancelled by another's refusal, counts again); with
     * {@link #requests()}, the commits per request.
     */
    long commits() {
        return commits.get();
    }

    /** Commits waiting for a write. */
    int waiting() {
        lock.lock();
        try {
            return waiting.size();
        } finally {
            lock.unlock();
        }
    }

    /** Takes the oldest waiting commits that fit in one request (the oldest always does). Called under the lock. */
    private List<Waiting> take() {
        List<Waiting> batch = new ArrayList<>();
        Set<ItemKey> items = new HashSet<>();
        int actions = 0;
        for (Iterator<Waiting> i = waiting.iterator(); i.hasNext() && actions < TaggedTransaction.MAX_ACTIONS;) {
            Waiting w = i.next();
            List<ItemKey> keys = w.tx.items().stream().map(CommitCombiner::itemKey).toList();
            if (!batch.isEmpty() && (actions + w.tx.size() > TaggedTransaction.MAX_ACTIONS
                    || keys.stream().anyMatch(items::contains))) {
                continue;
            }
            i.remove();
            w.taken = true;
            batch.add(w);
            items.addAll(keys);
            actions += w.tx.size();
        }
        return batch;
    }

    /** Writes the batch and answers each of its commits. Called without the lock. */
    private void write(List<Waiting> batch) {
        List<Waiting> pending = batch;
        while (!pending.isEmpty()) {
            if (pending.size() == 1) {
                Waiting last = pending.get(0);
                answer(last, () -> alone(last.tx));
                return;
            }
            pending = together(pending);
        }
    }

    /**
     * One request of several commits; answers those it settles and returns the ones to write again together (cancelled
     * only because of another commit).
     */
    private List<Waiting> together(List<Waiting> batch) {
        TaggedTransaction<Tag> tx = new TaggedTransaction<>();
        for (Waiting w : batch) {
            List<TransactWriteItem> items = w.tx.items();
            List<Action> tags = w.tx.tags();
            for (int i = 0; i < items.size(); i++) {
                tx.add(new Tag(w, tags.get(i)), items.get(i));
            }
        }
        Log.debugf("%d commits (%d actions) in one TransactWriteItems", batch.size(), tx.size());
        requests.incrementAndGet();
        commits.addAndGet(batch.size());
        try {
            dynamo.transactWriteItems(r -> r.transactItems(tx.items()));
            batch.forEach(w -> w.outcome = CommitOutcome.COMMITTED);
            return List.of();
        } catch (TransactionCanceledException e) {
            List<TaggedTransaction.Refusal<Tag>> refusals;
            try {
                refusals = tx.refusals(e);
            } catch (TransactionCanceledException unattributable) {
                refusals = List.of();
            }
            if (refusals.isEmpty() || !TaggedTransaction.validationError(e).isEmpty()) {
                // nothing says which commit failed, or the request was refused as a whole: each on its own
                each(batch);
                return List.of();
            }
            Map<Waiting, List<TaggedTransaction.Refusal<Action>>> byCommit = new IdentityHashMap<>();
            for (TaggedTransaction.Refusal<Tag> r : refusals) {
                byCommit.computeIfAbsent(r.tag().commit(), w -> new ArrayList<>()).add(new TaggedTransaction.Refusal<>(
                        r.tag().action(), r.code(), r.item(), r.message()));
            }
            List<Waiting> innocent = new ArrayList<>();
            for (Waiting w : batch) {
                List<TaggedTransaction.Refusal<Action>> own = byCommit.get(w);
                if (own == null) {
                    innocent.add(w);
                } else {
                    answer(w, () -> outcome(own, e));
                }
            }
            return innocent;
        } catch (RuntimeException e) {
            if (e instanceof DynamoDbException d && d.awsErrorDetails() != null
                    && "ValidationException".equals(d.awsErrorDetails().errorCode())) {
                // the request as a whole refused as invalid (over DynamoDB's size of a request): each on its own
                Log.debugf("%d commits refused together (%s); written one by one", batch.size(), e.getMessage());
                each(batch);
                return List.of();
            }
            // any other failure (throttling, network, access) is every commit's, as it would have been alone
            batch.forEach(w -> w.failure = e);
            return List.of();
        }
    }

    /** Writes each commit of the batch in its own request. */
    private void each(List<Waiting> batch) {
        for (Waiting w : batch) {
            answer(w, () -> alone(w.tx));
        }
    }

    /** Sets the commit's outcome, or what computing it threw. */
    private static void answer(Waiting w, Supplier<CommitOutcome> outcome) {
        try {
            w.outcome = outcome.get();
        } catch (RuntimeException e) {
            w.failure = e;
        }
    }

    /** One commit in its own request: the outcome of its own refusals. */
    private CommitOutcome alone(TaggedTransaction<Action> tx) {
        requests.incrementAndGet();
        commits.incrementAndGet();
        try {
            dynamo.transactWriteItems(r -> r.transactItems(tx.items()));
            return CommitOutcome.COMMITTED;
        } catch (TransactionCanceledException e) {
            List<TaggedTransaction.Refusal<Action>> refusals;
            try {
                refusals = tx.refusals(e);
            } catch (TransactionCanceledException unattributable) {
                // no reason per action: nothing says which write failed; read again and retry, as for a lost race
                return CommitOutcome.CONFLICT;
            }
            return outcome(refusals, e);
        }
    }

    /**
     * A cancelled commit's outcome from its own refusals: {@link CommitOutcome#DUPLICATE} when its inbox entry exists
     * (someone else processed the message meanwhile), {@link CommitOutcome#CONFLICT} for a failed condition or another
     * transaction on an item; {@code cancelled} thrown for any other reason.
     */
    private static CommitOutcome outcome(List<TaggedTransaction.Refusal<Action>> refusals,
            TransactionCanceledException cancelled) {
        if (refusals.stream().anyMatch(r -> r.tag() == Action.INBOX_ENTRY && r.conditionFailed())) {
            return CommitOutcome.DUPLICATE;
        }
        if (refusals.stream().anyMatch(r -> !r.conditionFailed() && !TaggedTransaction.CONFLICT.equals(r.code()))) {
            throw cancelled;
        }
        return CommitOutcome.CONFLICT;
    }

    /** The table and key of the item an action writes (every suite table is keyed {@code pk}, {@code sk}). */
    private static ItemKey itemKey(TransactWriteItem item) {
        if (item.put() != null) {
            Map<String, AttributeValue> i = item.put().item();
            return new ItemKey(item.put().tableName(), i.get(SuiteTables.PK), i.get(SuiteTables.SK));
        }
        if (item.update() != null) {
            return key(item.update().tableName(), item.update().key());
        }
        if (item.delete() != null) {
            return key(item.delete().tableName(), item.delete().key());
        }
        return key(item.conditionCheck().tableName(), item.conditionCheck().key());
    }

    private static ItemKey key(String table, Map<String, AttributeValue> key) {
        return new ItemKey(table, key.get(SuiteTables.PK), key.get(SuiteTables.SK));
    }
}
