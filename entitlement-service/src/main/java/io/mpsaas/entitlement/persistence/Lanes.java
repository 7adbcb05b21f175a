package io.mpsaas.entitlement.persistence;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Lock and drain over a few lanes, as common's {@code DeliveredOutcomes}: how {@link CommitCombiner} puts the
 * requests of several callers in one. (The reads of notification batches were combined the same way for a while and
 * measured: half the BatchGetItem requests, no less CPU per notification; BENCHMARKS.md, "reads together".)
 *
 * <p>A caller adds its entry to the waiting ones; while fewer than {@code lanes} requests are in flight, it takes the
 * oldest waiting entries that fit together and makes their request, until its own is answered; if its own is in
 * another caller's request, it waits for that answer. So there is no thread and no timer filling a request: an idle
 * service's entry goes at once, alone, and under load the entries that arrived during one request are the next one's.
 *
 * @param <E> what a caller asks (a commit, a read), with room for its answer
 * @param <R> its answer
 */
final class Lanes<E extends Lanes.Entry<R>, R> {

    /** What a caller asks and, once its request is over, its answer or failure (set before it is done). */
    static class Entry<R> {
        R answer;
        RuntimeException failure;
        /** Taken by a request (under the lock). */
        boolean taken;
        /** Its request is over (under the lock). */
        boolean done;

        /** Sets the answer, or what computing it threw. */
        final void answer(Supplier<R> answer) {
            try {
                this.answer = answer.get();
            } catch (RuntimeException e) {
                this.failure = e;
            }
        }
    }

    private final int lanes;
    private final UnaryOperator<List<E>> fit;
    private final Consumer<List<E>> request;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition answered = lock.newCondition();
    /** Entries not taken by a request yet, oldest first (under the lock). */
    private final Deque<E> waiting = new ArrayDeque<>();
    /** Requests in flight (under the lock). */
    private int busy;

    /**
     * @param setting the configuration key of {@code lanes}, named when it is wrong
     * @param lanes   requests in flight at once, at least 1
     * @param fit     of the waiting entries, oldest first, those that go in the next request (the oldest always
     *                does); called under the lock: no I/O
     * @param request makes the request of a batch of entries, setting each one's answer or failure; called without
     *                the lock
     */
    Lanes(String setting, int lanes, UnaryOperator<List<E>> fit, Consumer<List<E>> request) {
        if (lanes < 1) {
            throw new IllegalArgumentException(setting + " must be at least 1, not " + lanes);
        }
        this.lanes = lanes;
        this.fit = fit;
        this.request = request;
    }

    /** The entry's answer, once a request (this caller's or another's) made it; its failure is thrown. */
    R submit(E mine) {
        lock.lock();
        try {
            waiting.add(mine);
            while (!mine.done) {
                if (busy < lanes && !mine.taken) {
                    List<E> batch = take();
                    busy++;
                    lock.unlock();
                    try {
                        request.accept(batch);
                    } finally {
                        lock.lock();
                        busy--;
                        batch.forEach(e -> e.done = true);
                        answered.signalAll();
                    }
                } else {
                    // ours is in another caller's request, or every lane is busy: wait for an answer or a lane
                    answered.awaitUninterruptibly();
                }
            }
        } finally {
            lock.unlock();
        }
        if (mine.failure != null) {
            throw mine.failure;
        }
        if (mine.answer == null) {
            throw new IllegalStateException("a request ended without an answer");
        }
        return mine.answer;
    }

    /** Entries waiting for a request. */
    int waiting() {
        lock.lock();
        try {
            return waiting.size();
        } finally {
            lock.unlock();
        }
    }

    /** Takes the waiting entries that fit in the next request. Called under the lock. */
    private List<E> take() {
        List<E> batch = fit.apply(new ArrayList<>(waiting));
        if (batch.isEmpty()) {
            throw new IllegalStateException("no waiting entry fits a request");
        }
        for (E e : batch) {
            waiting.removeIf(w -> w == e);
            e.taken = true;
        }
        return batch;
    }
}
