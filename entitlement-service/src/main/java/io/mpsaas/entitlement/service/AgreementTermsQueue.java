package io.mpsaas.entitlement.service;

import io.mpsaas.entitlement.config.EntitlementConfig;
import io.quarkus.logging.Log;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Reads the terms of the agreements notifications may have changed off the notification path (issue 16): the handler
 * hands their ids over and returns its batch's outcomes at once, so the batch's SQS deletes and the next receive never
 * wait for the Agreement and Catalog APIs. One worker reads them one after the other through the same clients (their
 * throttling retries and backoff unchanged, and no more Agreement API calls at once than before). What is dropped
 * (queue full, service stopping), lost (a crash) or fails is read again by the reconciliation run
 * ({@link ReconciliationService#termsToRead}).
 */
@ApplicationScoped
public class AgreementTermsQueue {

    private final AgreementTermsService terms;
    /** Ids queued and not started yet: a second notification of one of them needs no read of its own. */
    private final Set<String> waiting = ConcurrentHashMap.newKeySet();
    private final ThreadPoolExecutor worker;

    public AgreementTermsQueue(AgreementTermsService terms, EntitlementConfig config) {
        this.terms = terms;
        this.worker = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(config.agreements().refreshQueueSize()), r -> {
                    Thread t = new Thread(r, "agreement-terms");
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
    }

    /** Queues a read of each agreement's terms and returns at once; nothing when terms are not read at all. */
    public void offer(Collection<String> agreementIds) {
        if (!terms.enabled()) {
            return;
        }
        for (String agreementId : agreementIds) {
            if (!waiting.add(agreementId)) {
                continue; // its read has not started: it will see this notification's change as well
            }
            try {
                worker.execute(new Read(agreementId));
            } catch (RejectedExecutionException e) {
                waiting.remove(agreementId);
                Log.warnf("Terms of agreement %s not read now (%s): the reconciliation run reads them",
                        agreementId, worker.isShutdown() ? "the service is stopping" : "the terms queue is full");
            }
        }
    }

    /** Whether no read is queued or under way (the terms stored now stay as they are until a notification comes). */
    public boolean idle() {
        return waiting.isEmpty() && worker.getQueue().isEmpty() && worker.getActiveCount() == 0;
    }

    @PreDestroy
    void stop() {
        // the consumers stopped first (ShutdownEvent): nothing more is offered; a read in flight is interrupted
        List<Runnable> dropped = worker.shutdownNow();
        if (!dropped.isEmpty()) {
            Log.warnf("Stopping: the terms of %d agreements not read (the reconciliation run reads them): %s",
                    dropped.size(), dropped.stream().limit(20).map(r -> ((Read) r).agreementId).toList());
        }
    }

    /** One agreement's read; the id leaves {@link #waiting} as it starts, so a change from now on queues a new read. */
    private final class Read implements Runnable {

        private final String agreementId;

        Read(String agreementId) {
            this.agreementId = agreementId;
        }

        @Override
        public void run() {
            waiting.remove(agreementId);
            try {
                terms.refreshAgreement(agreementId);
            } catch (RuntimeException e) {
                Log.warnf("Could not read the terms of agreement %s (the reconciliation run tries again): %s",
                        agreementId, e.toString());
            }
        }
    }
}
