package io.mpsaas.common.webhook;

import io.mpsaas.common.dynamo.BatchWrites;
import io.mpsaas.common.webhook.WebhookDeliveries.Delivered;
import io.quarkus.logging.Log;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The 2xx outcomes of one dispatcher's senders, written together: up to {@value BatchWrites#MAX_ITEMS} to a
 * {@code BatchWriteItem} ({@link WebhookDeliveries#delivered(List)}) instead of one UpdateItem each.
 *
 * <p>Lock and drain rather than a writer thread: a sender that got a 2xx adds its outcome to the waiting ones and
 * takes the writing lock; holding it, it writes everything waiting (up to 25 per write) until its own outcome is
 * answered, and the senders that added theirs meanwhile, once they get the lock, find theirs answered already. So
 * there is no thread to start or stop and no timer filling a batch: an idle dispatcher's outcome is written at once
 * by its own sender, and under load the outcomes that arrive during one write are the next write's batch. Each sender
 * gets its own answer, so the caller's metrics and log follow the write, as they did.
 */
final class DeliveredOutcomes {

    private final WebhookDeliveries deliveries;
    private final Queue<Waiting> waiting = new ConcurrentLinkedQueue<>();
    private final ReentrantLock writing = new ReentrantLock();

    DeliveredOutcomes(WebhookDeliveries deliveries) {
        this.deliveries = deliveries;
    }

    /** An outcome and, once its write is over, whether it was written (read and set under the lock). */
    private static final class Waiting {
        final Delivered outcome;
        Boolean written;

        Waiting(Delivered outcome) {
            this.outcome = outcome;
        }
    }

    /**
     * Records a 2xx, with those of other senders waiting; answers whether it was written. False when the write failed
     * (logged): the delivery stays claimed and is due again at its lease's end.
     */
    boolean record(WebhookDelivery d, int httpStatus, Instant at) {
        Waiting mine = new Waiting(new Delivered(d, httpStatus, at));
        waiting.add(mine);
        writing.lock();
        try {
            // until answered, ours is still waiting: each round writes the oldest waiting ones
            while (mine.written == null) {
                writeWaiting();
            }
            return mine.written;
        } finally {
            writing.unlock();
        }
    }

    /**
     * Writes every outcome still waiting (the dispatcher stopping: none is left unanswered, whatever becomes of the
     * senders that added them).
     */
    void flush() {
        writing.lock();
        try {
            while (!waiting.isEmpty()) {
                writeWaiting();
            }
        } finally {
            writing.unlock();
        }
    }

    /** One write of the oldest waiting outcomes, each answered. Called under the lock. */
    private void writeWaiting() {
        List<Waiting> batch = new ArrayList<>();
        for (Waiting w = waiting.poll(); w != null; w = batch.size() < BatchWrites.MAX_ITEMS ? waiting.poll() : null) {
            batch.add(w);
        }
        if (batch.isEmpty()) {
            return;
        }
        Set<Delivered> unwritten = Collections.newSetFromMap(new IdentityHashMap<>());
        String why = "DynamoDB left it unwritten";
        try {
            unwritten.addAll(deliveries.delivered(batch.stream().map(w -> w.outcome).toList()));
        } catch (RuntimeException e) {
            batch.forEach(w -> unwritten.add(w.outcome));
            why = e.toString();
        }
        for (Waiting w : batch) {
            w.written = !unwritten.contains(w.outcome);
            if (!w.written) {
                WebhookDelivery d = w.outcome.delivery();
                Log.warnf("Webhook %s %s to endpoint %s was delivered (HTTP %d) for customer %s (product %s), but its"
                        + " outcome could not be written (%s); it is sent again after its lease", d.type(),
                        d.eventId(), d.endpoint(), w.outcome.httpStatus(), d.customerKey(), d.productCode(), why);
            }
        }
    }
}
