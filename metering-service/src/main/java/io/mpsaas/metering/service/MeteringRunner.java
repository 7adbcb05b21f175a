package io.mpsaas.metering.service;

import io.mpsaas.common.customer.CustomerRecord;
import io.mpsaas.common.logging.CustomerMdc;
import io.mpsaas.common.marketplace.Marketplace;
import io.mpsaas.common.marketplace.UsageAllocation;
import io.mpsaas.common.marketplace.UsageRecord;
import io.mpsaas.metering.domain.Aggregate;
import io.mpsaas.metering.domain.AggregateStatus;
import io.mpsaas.metering.domain.Allocation;
import io.mpsaas.metering.domain.MeteredCustomer;
import io.mpsaas.metering.domain.MeteringWindow;
import io.mpsaas.metering.domain.PricingModel;
import io.mpsaas.metering.domain.ProductPolicy;
import io.mpsaas.metering.domain.QuotaHeadroom;
import io.mpsaas.metering.marketplace.MeteringSender;
import io.mpsaas.metering.marketplace.SendOutcome;
import io.mpsaas.metering.persistence.CustomerDirectory;
import io.mpsaas.metering.persistence.UsageTable;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.quarkus.logging.Log;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;
import org.jboss.logging.MDC;

/**
 * Meters aggregates: claims each with a lease (so replicas never send the same one at once), freezes its quantity
 * (so every retry repeats exactly the same record), decides what to bill, sends per product and records every
 * outcome. One instance per replica (its {@code owner} id names its leases); the hourly job, the retry run and the
 * flush all go through here.
 */
public class MeteringRunner {

    /**
     * Settings of one runner.
     *
     * @param owner        this replica's lease owner id
     * @param dryRun       record instead of sending
     * @param testAccounts when non-empty, only these AWS accounts are really metered
     * @param listAhead    aggregates of the pending list read ahead of the claims at most (short batches aside)
     */
    public record Settings(String owner, boolean dryRun, Set<String> testAccounts, Duration lease, int claimBatch,
            int listAhead, Duration retryLater, Duration warnBeforeDeadline) {
    }

    /** A test hook between sending and recording the outcome, where a replica can crash. */
    @FunctionalInterface
    public interface Failpoint {
        Failpoint NONE = sent -> {
        };

        void afterSend(List<Aggregate> sent);
    }

    /** Told, once each hourly run has read its pending list, what the run needs of AWS's BatchMeterUsage quota. */
    @FunctionalInterface
    public interface QuotaListener {
        QuotaListener NONE = (now, calls, records) -> {
        };

        /** The run starting at {@code now} has {@code records} records to send in {@code calls} calls. */
        void hourlyRun(Instant now, long calls, long records);
    }

    /** What one run did: aggregates by final status, plus those left for later. */
    public record Report(Map<AggregateStatus, Integer> finished, int retryLater, int claimedElsewhere, int atRisk) {

        public int count(AggregateStatus status) {
            return finished.getOrDefault(status, 0);
        }
    }

    /** Times an open aggregate is read again because usage keeps arriving before a run gives up on it. */
    private static final int FREEZE_ATTEMPTS = 5;

    /**
     * A claim takes the next BatchMeterUsage batch at a random one of the first this-many batch positions of the
     * pending list: replicas walking the same list oldest first then rarely try the same aggregates at once (a lost
     * race costs a cancelled transaction), and the order stays oldest first within a few batches.
     */
    static final int CLAIM_SPREAD = 8;

    /**
     * When a claim finds mostly aggregates other replicas took, the list is read ahead this many at a time (one
     * BatchGetItem) to the next free ones.
     */
    static final int READ_AHEAD = 100;

    /** Allocation reads of a batch run on this many threads. */
    static final int READERS = 8;

    private static final ExecutorService READER_POOL = Executors.newFixedThreadPool(READERS, daemon("metering-reader"));

    /**
     * Outcome transactions of the batches sent run on this many threads, behind the sends: one keeps up with the quota
     * (a transaction per call), two absorb a slow one, more would only compete with the claims the next calls wait for.
     */
    static final int RECORDERS = 2;

    private static final ExecutorService RECORDER_POOL = Executors.newFixedThreadPool(RECORDERS,
            daemon("metering-recorder"));

    /** BatchMeterUsage calls of one run under way at once (each started in its own rate-limit slot). */
    static final int SENDS_IN_FLIGHT = 4;

    /** The sending threads: one per run takes the claimed batches in order, up to SENDS_IN_FLIGHT send them. */
    private static final ExecutorService SENDERS = Executors.newCachedThreadPool(daemon("metering-sender"));

    /** The reading threads: one per hourly or retry run reads the pending list while the first batches are claimed. */
    private static final ExecutorService LISTERS = Executors.newCachedThreadPool(daemon("metering-lister"));

    /**
     * Aggregates of the pending list handed from the reading thread to the claims at a time (at most a page of the
     * list: a chunk waits for no more than one page read).
     */
    static final int LIST_CHUNK = 250;

    private final UsageTable table;
    private final CustomerDirectory customers;
    private final ProductPolicies products;
    private final MeteringSender sender;
    private final MeteringMetrics metrics;
    private final Settings settings;
    private final Failpoint failpoint;
    private final QuotaListener quota;

    public MeteringRunner(UsageTable table, CustomerDirectory customers, ProductPolicies products,
            MeteringSender sender, MeteringMetrics metrics, Settings settings, Failpoint failpoint) {
        this(table, customers, products, sender, metrics, settings, failpoint, QuotaListener.NONE);
    }

    public MeteringRunner(UsageTable table, CustomerDirectory customers, ProductPolicies products,
            MeteringSender sender, MeteringMetrics metrics, Settings settings, Failpoint failpoint,
            QuotaListener quota) {
        this.table = table;
        this.customers = customers;
        this.products = products;
        this.sender = sender;
        this.metrics = metrics;
        this.settings = settings;
        this.failpoint = failpoint;
        this.quota = quota;
    }

    public Settings settings() {
        return settings;
    }

    /**
     * Meters every closed hour still pending whose retry time has come; with {@code retriesOnly}, only aggregates an
     * earlier run already tried.
     */
    public Report meterClosedHours(Instant now, boolean retriesOnly) {
        Predicate<Aggregate> dueNow = a -> a.nextAttemptAt() == null || !a.nextAttemptAt().isAfter(now);
        Predicate<Aggregate> selected = retriesOnly ? dueNow.and(a -> a.status() == AggregateStatus.FROZEN)
                : dueNow;
        Listing listing = new Listing(settings.listAhead());
        Future<?> reading = LISTERS.submit(inCallersContext(() -> {
            list(now, selected, !retriesOnly, listing);
            return null;
        }));
        Report report;
        try {
            report = process(listing, now);
        } finally {
            // the list is read to its end even when the run failed: its figures are the backlog's
            try {
                reading.get();
            } catch (ExecutionException e) {
                Log.warnf(e.getCause(), "Reading the pending list failed");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return new Report(report.finished(), report.retryLater(), report.claimedElsewhere(), listing.atRisk);
    }

    /**
     * Reads the pending list of the closed hours (the reading thread of a run): hands the selected aggregates to the
     * claims as they come, a chunk at a time, so the first batch is claimed after the first page, not after the whole
     * list, and never more than {@code list-ahead} ahead of the claims (it pauses until they catch up); then logs and
     * records what the list held (backlog, aggregates at risk, the hourly run's quota need). Once the claims are over
     * (a failed run), it reads on only to count.
     */
    private void list(Instant now, Predicate<Aggregate> selected, boolean hourly, Listing listing) {
        Instant currentHour = MeteringWindow.hourOf(now);
        long readStart = System.nanoTime();
        int pending = 0;
        int atRisk = 0;
        Map<String, Long> perGroup = new HashMap<>();
        long due = 0;
        List<Aggregate> chunk = new ArrayList<>();
        try {
            for (Iterator<Aggregate> it = table.pendingInOrder(currentHour); it.hasNext(); ) {
                Aggregate a = it.next();
                pending++;
                if (warnIfAtRisk(a, now)) {
                    atRisk++;
                }
                if (selected.test(a)) {
                    chunk.add(a);
                    perGroup.merge(sendGroup(a), 1L, Long::sum);
                    due++;
                    if (chunk.size() >= Math.min(LIST_CHUNK, table.pendingPage())) {
                        listing.hand(chunk);
                        chunk = new ArrayList<>();
                    }
                }
            }
            if (!chunk.isEmpty()) {
                listing.hand(chunk);
            }
            Log.infof("Metering run: %d aggregates pending before %s, listed in %d ms (%d ms of it paused while"
                    + " list-ahead aggregates waited for their claims)", pending, currentHour,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - readStart),
                    TimeUnit.NANOSECONDS.toMillis(listing.paused()));
            listing.atRisk = atRisk;
            metrics.backlog(pending, atRisk);
            if (hourly) {
                try {
                    quota.hourlyRun(now, QuotaHeadroom.calls(perGroup), due);
                } catch (RuntimeException e) {
                    // the quota figures are for operators: never a reason not to meter
                    Log.warnf(e, "Could not record the quota need of the hourly run");
                }
            }
        } catch (RuntimeException e) {
            listing.failure = e;
        } finally {
            listing.chunks.add(END);
        }
    }

    /** Logs every unsent aggregate close to its AWS deadline and counts them. */
    private int warnAtRisk(List<Aggregate> pending, Instant now) {
        int atRisk = 0;
        for (Aggregate a : pending) {
            if (warnIfAtRisk(a, now)) {
                atRisk++;
            }
        }
        return atRisk;
    }

    /** Logs an unsent aggregate close to its AWS deadline; whether it is. */
    private boolean warnIfAtRisk(Aggregate a, Instant now) {
        Duration left = Duration.between(now, MeteringWindow.deadline(a.hour()));
        if (left.compareTo(settings.warnBeforeDeadline()) < 0 && !left.isNegative()) {
            Log.warnf("Usage of %s is not sent yet and AWS stops accepting it in %d min (status %s, attempts %d,"
                    + " last error %s)", a.ids(), left.toMinutes(), a.status(), a.attempts(), a.resultCode());
            return true;
        }
        return false;
    }

    /**
     * Meters everything pending of one customer now, the current (still open) hour included: the final flush after a
     * cancellation, inside AWS's one-hour window.
     */
    public Report flush(String customerKey, Instant now) {
        List<Aggregate> pending = table.ofCustomer(customerKey, 1000).stream()
                .filter(a -> a.status().pending())
                .filter(a -> !a.hour().isAfter(MeteringWindow.hourOf(now)))
                .toList();
        int atRisk = warnAtRisk(pending, now);
        Report report = process(Listing.of(pending), now);
        return new Report(report.finished(), report.retryLater(), report.claimedElsewhere(), atRisk);
    }

    /**
     * Creates zero-quantity aggregates for {@code hour} for every customer that accepts usage, of every configured
     * metered product with known dimensions, unless usage exists already (AWS recommends a record every hour).
     */
    public int zeroRecords(Instant hour, Instant now) {
        int created = 0;
        for (Map.Entry<String, ProductPolicy> product : products.configured().entrySet()) {
            ProductPolicy policy = product.getValue();
            if (!policy.pricingModel().metered() || policy.dimensions().isEmpty()) {
                continue;
            }
            for (MeteredCustomer customer : customers.ofProduct(product.getKey(), now)) {
                if (!customer.state().acceptsUsage()) {
                    continue;
                }
                for (String dimension : policy.dimensions()) {
                    if (table.ensureAggregate(customer, dimension, hour, now)) {
                        created++;
                    }
                }
            }
        }
        return created;
    }

    /**
     * Meters the candidates as a pipeline: this thread claims and freezes them by BatchMeterUsage batch as they are
     * read (one transaction of up to 25 per call, one product and identity model each, full batches of 25 but a group's
     * last),
     * the batches are sent in claim order under the rate limit (a few calls at once), and each batch's outcomes are
     * written together while the next ones are sent. At most {@code claim-batch} aggregates are claimed ahead of
     * sending.
     */
    private Report process(Listing candidates, Instant now) {
        Run run = new Run(now);
        BlockingQueue<List<Aggregate>> toSend = new ArrayBlockingQueue<>(
                Math.max(1, settings.claimBatch() / Marketplace.MAX_RECORDS_PER_BATCH));
        Future<?> sending = SENDERS.submit(inCallersContext(() -> {
            sendAll(toSend, run);
            return null;
        }));
        try {
            claimAll(candidates, toSend, run, sending);
        } catch (RuntimeException e) {
            run.fail(e);
        } finally {
            // the reading stops handing on (it only counts what is left), then the senders learn the claims are over
            candidates.close();
            hand(END, toSend, run, sending);
        }
        await(sending, run);
        for (Future<?> recording : run.recordings()) {
            await(recording, run);
        }
        if (run.failure != null) {
            throw run.failure;
        }
        return new Report(run.finished, run.later.get(), run.elsewhere.get(), 0);
    }

    /** What one run did, shared by its claiming, sending and recording threads. */
    private static final class Run {

        final Instant now;
        final Map<AggregateStatus, Integer> finished = new EnumMap<>(AggregateStatus.class);
        final AtomicInteger later = new AtomicInteger();
        final AtomicInteger elsewhere = new AtomicInteger();
        /** Another replica claimed from the same list during this run (seen in a cancelled claim). */
        boolean contended;
        /** The last claim found mostly aggregates other replicas took: read ahead before the next one. */
        boolean scanning;
        private final List<Future<?>> recordings = new ArrayList<>();
        volatile RuntimeException failure;

        Run(Instant now) {
            this.now = now;
        }

        synchronized void fail(RuntimeException e) {
            if (failure == null) {
                failure = e;
            }
        }

        synchronized void finished(AggregateStatus status) {
            finished.merge(status, 1, Integer::sum);
        }

        synchronized void recording(Future<?> f) {
            recordings.add(f);
        }

        synchronized List<Future<?>> recordings() {
            return List.copyOf(recordings);
        }
    }

    /** The end of a run's claims (compared by identity). */
    private static final List<Aggregate> END = Collections.unmodifiableList(new ArrayList<>());

    /** Hands a claimed batch (or END) to the sending thread, unless the run failed or the sender stopped. */
    private static boolean hand(List<Aggregate> batch, BlockingQueue<List<Aggregate>> toSend, Run run,
            Future<?> sending) {
        try {
            while (!toSend.offer(batch, 100, TimeUnit.MILLISECONDS)) {
                if (sending.isDone() || (run.failure != null && batch != END)) {
                    return false;
                }
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while metering", e);
        }
    }

    private static void await(Future<?> future, Run run) {
        try {
            future.get();
        } catch (ExecutionException e) {
            run.fail(e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            run.fail(new IllegalStateException("interrupted while metering", e));
        }
    }

    // ---- claiming

    /** An aggregate still to claim, with the times it was read again because it changed. */
    private record Candidate(Aggregate aggregate, int reads) {
    }

    /**
     * The aggregates a run meters, as they are read: chunks of the pending list, then END (compared by identity), and
     * what made the reading stop early, if anything. The reading thread hands a chunk on only while fewer than {@code
     * ahead} aggregates are handed on and not yet sorted into batches, or sorted into full batches of 25 not yet
     * claimed (the claiming thread tells this figure before each claim). Aggregates of a product's short batch do not
     * count: when the claims wait for more of the list, nothing counts, so the reading never waits for them.
     */
    private static final class Listing {

        final BlockingQueue<List<Aggregate>> chunks = new LinkedBlockingQueue<>();
        volatile RuntimeException failure;
        volatile int atRisk;
        private final int ahead;
        /** Aggregates in chunks handed on and not yet drained (guarded by this). */
        private int queued;
        /** Aggregates the claims hold in full batches (guarded by this). */
        private int ready;
        /** The claims are over: nothing more is handed on (guarded by this). */
        private boolean closed;
        /** Nanoseconds the reading thread paused for the claims (guarded by this). */
        private long paused;

        Listing(int ahead) {
            this.ahead = Math.max(1, ahead);
        }

        /** A list read already (the flush's). */
        static Listing of(List<Aggregate> aggregates) {
            Listing listing = new Listing(Integer.MAX_VALUE);
            if (!aggregates.isEmpty()) {
                listing.chunks.add(aggregates);
            }
            listing.chunks.add(END);
            return listing;
        }

        /**
         * The reading thread: hands the chunk on once fewer than {@code ahead} aggregates wait for a claim, or drops it
         * when the claims are over.
         */
        synchronized void hand(List<Aggregate> chunk) {
            long start = System.nanoTime();
            try {
                while (!closed && queued + ready >= ahead) {
                    wait();
                }
                paused += System.nanoTime() - start;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while reading the pending list", e);
            }
            if (!closed) {
                queued += chunk.size();
                chunks.add(chunk);
            }
        }

        /** How long the reading paused for the claims, in nanoseconds. */
        synchronized long paused() {
            return paused;
        }

        /** The claiming thread: this many aggregates wait in its full batches. */
        synchronized void holding(int inFullBatches) {
            boolean fewer = inFullBatches < ready;
            ready = inFullBatches;
            if (fewer) {
                notifyAll();
            }
        }

        /** The claiming thread: the claims are over. */
        synchronized void close() {
            closed = true;
            notifyAll();
        }

        private synchronized void drained(List<Aggregate> chunk) {
            queued -= chunk.size();
            notifyAll();
        }

        /**
         * Adds the chunks read since the last call to their groups, waiting for the next one when {@code wait}; whether
         * the whole list has been read (or the run stopped: a failure of the reading thread fails the run).
         */
        boolean drain(Map<String, List<Candidate>> groups, boolean wait, Run run) {
            try {
                List<Aggregate> chunk = wait ? chunks.poll(100, TimeUnit.MILLISECONDS) : chunks.poll();
                while (wait && chunk == null && run.failure == null) {
                    chunk = chunks.poll(100, TimeUnit.MILLISECONDS);
                }
                for (; chunk != null; chunk = chunks.poll()) {
                    if (chunk == END) {
                        if (failure != null) {
                            run.fail(failure);
                        }
                        return true;
                    }
                    for (Aggregate a : chunk) {
                        groups.computeIfAbsent(sendGroup(a), g -> new ArrayList<>()).add(new Candidate(a, 0));
                    }
                    drained(chunk);
                }
                return run.failure != null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                run.fail(new IllegalStateException("interrupted while metering", e));
                return true;
            }
        }
    }

    /**
     * Claims batch after batch as the list is read. One BatchMeterUsage call is for one product and identity model, so
     * claims never mix them. While the list is still being read, only full batches of 25 are claimed (a group with
     * fewer waits for the next chunk): a batch is short only when the whole list is known and the group holds fewer,
     * so N aggregates of a group still cost ceil(N/25) calls whatever the number of replicas and the pace of reading.
     */
    private void claimAll(Listing listing, BlockingQueue<List<Aggregate>> toSend, Run run, Future<?> sending) {
        Map<String, List<Candidate>> groups = new LinkedHashMap<>();
        boolean listed = listing.drain(groups, false, run);
        while (run.failure == null) {
            listing.holding(inFullBatches(groups));
            List<Candidate> queue = claimable(groups, listed);
            if (queue == null) {
                if (listed) {
                    return;
                }
                listed = listing.drain(groups, true, run);
                continue;
            }
            List<Aggregate> batch = claimNext(queue, run, listed);
            if (!batch.isEmpty() && !hand(batch, toSend, run, sending)) {
                return;
            }
            if (!listed) {
                listed = listing.drain(groups, false, run);
            }
        }
    }

    /** Aggregates of the groups that make full batches of 25 (what the claims can take without more of the list). */
    private static int inFullBatches(Map<String, List<Candidate>> groups) {
        int full = 0;
        for (List<Candidate> queue : groups.values()) {
            full += queue.size() - queue.size() % Marketplace.MAX_RECORDS_PER_BATCH;
        }
        return full;
    }

    /** The queue of the first group holding a full batch; once the whole list is read, of the first holding any. */
    private static List<Candidate> claimable(Map<String, List<Candidate>> groups, boolean listed) {
        for (List<Candidate> queue : groups.values()) {
            if (queue.size() >= Marketplace.MAX_RECORDS_PER_BATCH || listed && !queue.isEmpty()) {
                return queue;
            }
        }
        return null;
    }

    private static String sendGroup(Aggregate a) {
        return (a.concurrentAgreements() ? "ca|" : "legacy|") + a.productCode();
    }

    /**
     * Claims the next batch of a group: 25 aggregates (fewer only when fewer are left) in one all-or-nothing
     * transaction. When it is cancelled, the reasons say per aggregate what happened: taken by another replica or no
     * longer pending (dropped: claimed elsewhere), changed but still free (read again, put back), untouched (put back);
     * the batch is then filled again from the list, so claims stay full and N aggregates of a group cost ceil(N/25)
     * calls whatever the number of replicas. Answers the frozen batch, or empty when nothing was claimed this time.
     */
    private List<Aggregate> claimNext(List<Candidate> queue, Run run, boolean listed) {
        if (run.scanning) {
            // the last claim found mostly aggregates other replicas took: skip past their part of the list by reading
            // ahead, which is much cheaper than learning it from cancelled claims
            scan(queue, run);
            if (queue.isEmpty() || !listed && queue.size() < Marketplace.MAX_RECORDS_PER_BATCH) {
                // a short batch only once the whole list is known
                return List.of();
            }
        }
        int size = Math.min(Marketplace.MAX_RECORDS_PER_BATCH, queue.size());
        int batches = queue.size() / Marketplace.MAX_RECORDS_PER_BATCH;
        int from = batches > 1 && !run.contended ? ThreadLocalRandom.current().nextInt(Math.min(CLAIM_SPREAD,
                batches)) * Marketplace.MAX_RECORDS_PER_BATCH : 0;
        List<Candidate> chunk = new ArrayList<>(queue.subList(from, from + size));
        for (int stalled = 0; ; ) {
            UsageTable.Claim claim = table.claimAndFreeze(billing(chunk), settings.owner(), run.now,
                    settings.lease());
            if (claim instanceof UsageTable.Claimed claimed) {
                queue.subList(from, from + size).clear();
                return claimed.aggregates();
            }
            UsageTable.NotClaimed refused = (UsageTable.NotClaimed) claim;
            if (refused.changed().isEmpty()) {
                // only conflicts (another replica or a late usage write on the same items) or throttling
                if (++stalled < UsageTable.TRANSACTION_ATTEMPTS) {
                    UsageTable.pause(stalled);
                    continue;
                }
                Log.warnf("Could not claim %d aggregates (%s, ...): transactions kept conflicting; a later run will",
                        chunk.size(), chunk.get(0).aggregate().ids());
                queue.subList(from, from + size).clear();
                run.elsewhere.addAndGet(chunk.size());
                return List.of();
            }
            List<Candidate> kept = new ArrayList<>();
            int taken = 0;
            for (Candidate c : chunk) {
                if (!refused.changed().containsKey(c.aggregate().id())) {
                    kept.add(c);
                    continue;
                }
                Optional<Aggregate> now = refused.changed().get(c.aggregate().id());
                if (now.isEmpty() || !settings.owner().equals(now.get().leaseOwner())
                        && (now.get().leaseOwner() != null || !now.get().status().pending())) {
                    taken++;
                }
                if (now.isPresent() && takeable(now.get(), run.now) && c.reads() < FREEZE_ATTEMPTS) {
                    // usage arrived since the list was read (or another run froze it and let go): claim what is there
                    kept.add(new Candidate(now.get(), c.reads() + 1));
                } else {
                    if (now.isPresent() && c.reads() >= FREEZE_ATTEMPTS) {
                        Log.warnf("Could not freeze %s: usage keeps arriving; a later run will", c.aggregate().ids());
                    }
                    run.elsewhere.incrementAndGet();
                }
            }
            List<Candidate> window = queue.subList(from, from + size);
            window.clear();
            window.addAll(kept);
            if (taken > 0 && !run.contended) {
                // another replica claims from the same list: go on from a random point of it, so replicas work on
                // different parts instead of racing for the same batches
                run.contended = true;
                int batchesLeft = queue.size() / Marketplace.MAX_RECORDS_PER_BATCH;
                if (batchesLeft > 1) {
                    Collections.rotate(queue, -ThreadLocalRandom.current().nextInt(batchesLeft)
                            * Marketplace.MAX_RECORDS_PER_BATCH);
                }
            }
            run.scanning = taken > size / 2;
            return List.of();
        }
    }

    /**
     * Reads the list ahead, {@link #READ_AHEAD} aggregates at a time, until a batch of free ones is at its head (or the
     * list is through): those another run took are dropped, the others updated.
     */
    private void scan(List<Candidate> queue, Run run) {
        int free = 0;
        while (free < Marketplace.MAX_RECORDS_PER_BATCH && free < queue.size()) {
            List<Candidate> ahead = queue.subList(free, Math.min(queue.size(), free + READ_AHEAD));
            Map<String, Optional<Aggregate>> now = table.aggregates(ahead.stream().map(c -> c.aggregate().id())
                    .toList());
            List<Candidate> kept = new ArrayList<>();
            for (Candidate c : ahead) {
                Optional<Aggregate> current = now.getOrDefault(c.aggregate().id(), Optional.empty());
                if (current.isPresent() && takeable(current.get(), run.now)) {
                    kept.add(new Candidate(current.get(), c.reads()));
                } else {
                    run.elsewhere.incrementAndGet();
                }
            }
            ahead.clear();
            ahead.addAll(kept);
            free += kept.size();
        }
        run.scanning = false;
    }

    /** Whether this run may claim the aggregate as it is now: pending, due, and leased by nobody else. */
    private boolean takeable(Aggregate a, Instant now) {
        boolean pending = a.status() == AggregateStatus.OPEN || (a.status() == AggregateStatus.FROZEN
                && a.frozenQuantity() != null && a.billedQuantity() != null);
        boolean leaseFree = a.leaseUntil() == null || a.leaseUntil().isBefore(now)
                || settings.owner().equals(a.leaseOwner());
        return pending && leaseFree && (a.nextAttemptAt() == null || !a.nextAttemptAt().isAfter(now));
    }

    /** The claim requests of a chunk: for an open aggregate, what its freeze bills (consumption contracts). */
    private List<UsageTable.ClaimRequest> billing(List<Candidate> chunk) {
        Set<String> contracts = new HashSet<>();
        for (Candidate c : chunk) {
            Aggregate a = c.aggregate();
            if (a.status() == AggregateStatus.OPEN
                    && products.of(a.productCode()).pricingModel() == PricingModel.CONTRACT_WITH_CONSUMPTION) {
                contracts.add(a.customerKey());
            }
        }
        Map<String, Optional<CustomerRecord>> entitled = contracts.isEmpty() ? Map.of()
                : customers.records(contracts);
        List<UsageTable.ClaimRequest> requests = new ArrayList<>(chunk.size());
        for (Candidate c : chunk) {
            Aggregate a = c.aggregate();
            if (a.status() != AggregateStatus.OPEN) {
                requests.add(new UsageTable.ClaimRequest(a, 0, null));
                continue;
            }
            ProductPolicy policy = products.of(a.productCode());
            boolean consumption = policy.pricingModel() == PricingModel.CONTRACT_WITH_CONSUMPTION;
            // the entitlement as of the usage hour, stored with the freeze so every retry bills the same overage
            Map<String, Double> entitlements = consumption
                    ? entitled.getOrDefault(a.customerKey(), Optional.empty())
                            .map(r -> CustomerDirectory.asOf(r, a.hour()).entitlements()).orElse(Map.of())
                    : Map.of();
            long billed = policy.billed(a.dimension(), a.quantity(), entitlements);
            Double entitledQuantity = consumption
                    ? entitlements.getOrDefault(policy.entitledDimension(a.dimension()), 0.0) : null;
            requests.add(new UsageTable.ClaimRequest(a, billed, entitledQuantity));
        }
        return requests;
    }

    // ---- sending and recording

    /**
     * The sending thread: takes each claimed batch in claim order, reserves its BatchMeterUsage slot (so calls start
     * in claim order, one rate-limit interval apart) and has it sent by one of up to {@link #SENDS_IN_FLIGHT} sends
     * at once, so a call waiting for AWS (or backing off after a throttle) never holds up the next slot; until END or
     * a failure.
     */
    private void sendAll(BlockingQueue<List<Aggregate>> toSend, Run run) {
        Semaphore inFlight = new Semaphore(SENDS_IN_FLIGHT);
        List<Future<?>> sends = new ArrayList<>();
        try {
            for (List<Aggregate> batch = toSend.take(); batch != END; batch = toSend.take()) {
                if (run.failure != null) {
                    continue;
                }
                inFlight.acquire();
                long slot = sender.reserve();
                List<Aggregate> claimed = batch;
                sends.add(SENDERS.submit(inCallersContext(() -> {
                    try {
                        meter(claimed, run, slot);
                    } catch (RuntimeException e) {
                        run.fail(e);
                    } finally {
                        inFlight.release();
                    }
                    return null;
                })));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            run.fail(new IllegalStateException("interrupted while metering", e));
        } catch (RuntimeException e) {
            run.fail(e);
        }
        for (Future<?> send : sends) {
            await(send, run);
        }
    }

    /** Sends one claimed batch (one product and identity model) in its slot and has its outcomes written together. */
    private void meter(List<Aggregate> frozen, Run run, long slot) {
        List<UsageTable.Outcome> outcomes = new ArrayList<>();
        List<Aggregate> sendable = new ArrayList<>();
        for (Aggregate a : frozen) {
            try (CustomerMdc ignored = mdc(a)) {
                UsageTable.Finish unsent = classify(a, run.now);
                if (unsent == null) {
                    sendable.add(a);
                } else {
                    outcomes.add(unsent);
                }
            }
        }
        if (!sendable.isEmpty()) {
            Map<String, Aggregate> byId = new HashMap<>();
            sendable.forEach(a -> byId.put(a.id(), a));
            List<MeteringSender.Item> items = inParallel(sendable, a -> new MeteringSender.Item(a.id(),
                    usageRecord(a)));
            Aggregate first = sendable.get(0);
            Map<String, SendOutcome> sent = sender.send(first.concurrentAgreements() ? null : first.productCode(),
                    items, OptionalLong.of(slot));
            failpoint.afterSend(sendable);
            sent.forEach((id, outcome) -> outcomes.add(outcome(byId.get(id), outcome, run.now)));
        }
        run.recording(RECORDER_POOL.submit(inCallersContext(() -> record(outcomes, run))));
    }

    /** Finishes what is not to be sent (expired, not metered, dry run); null for what is to be sent. */
    private UsageTable.Finish classify(Aggregate a, Instant now) {
        if (!MeteringWindow.sendable(a.hour(), now)) {
            Log.errorf("Usage of %s (quantity %d) was not sent before AWS's deadline %s and can no longer be"
                    + " billed", a.ids(), a.billedQuantity(), MeteringWindow.deadline(a.hour()));
            return new UsageTable.Finish(a, AggregateStatus.EXPIRED, null, "Expired",
                    "not sent before the AWS deadline " + MeteringWindow.deadline(a.hour()));
        } else if (!products.of(a.productCode()).pricingModel().metered()) {
            return new UsageTable.Finish(a, AggregateStatus.NOT_METERED, null, null,
                    "pure contract: nothing is metered");
        } else if (settings.dryRun()) {
            return new UsageTable.Finish(a, AggregateStatus.DRY_RUN, null, null, "dry run: not sent");
        } else if (!settings.testAccounts().isEmpty()
                && !settings.testAccounts().contains(a.customerAwsAccountId())) {
            return new UsageTable.Finish(a, AggregateStatus.DRY_RUN, null, null, "not a test account: not sent");
        }
        return null;
    }

    /** What AWS's answer makes of an aggregate: a final status, or back to a later run. */
    private UsageTable.Outcome outcome(Aggregate a, SendOutcome outcome, Instant now) {
        try (CustomerMdc ignored = mdc(a)) {
            if (outcome instanceof SendOutcome.Sent sent) {
                Log.infof("Metered %s: quantity %d (usage %d), MeteringRecordId %s", a.ids(), a.billedQuantity(),
                        a.frozenQuantity(), sent.meteringRecordId());
                return new UsageTable.Finish(a, AggregateStatus.SENT, sent.meteringRecordId(), "Success", null);
            } else if (outcome instanceof SendOutcome.NotSubscribed) {
                Log.warnf("AWS answered CustomerNotSubscribed for %s (quantity %d)", a.ids(), a.billedQuantity());
                return new UsageTable.Finish(a, AggregateStatus.CUSTOMER_NOT_SUBSCRIBED, null,
                        "CustomerNotSubscribed", null);
            } else if (outcome instanceof SendOutcome.Duplicate) {
                Log.errorf("AWS answered DuplicateRecord for %s: it already holds another quantity than %d for this"
                        + " hour, which stands", a.ids(), a.billedQuantity());
                return new UsageTable.Finish(a, AggregateStatus.DUPLICATE_RECORD, null, "DuplicateRecord", null);
            } else if (outcome instanceof SendOutcome.Refused refused) {
                Log.errorf("AWS refused the usage record of %s (quantity %d): %s %s", a.ids(), a.billedQuantity(),
                        refused.errorCode(), refused.message());
                return new UsageTable.Finish(a, AggregateStatus.FAILED, null, refused.errorCode(),
                        refused.message());
            }
            SendOutcome.Retry retry = (SendOutcome.Retry) outcome;
            Instant next = now.plus(settings.retryLater());
            Log.warnf("Usage of %s not settled (%s: %s); trying again after %s, AWS deadline %s", a.ids(),
                    retry.errorCode(), retry.message(), next, MeteringWindow.deadline(a.hour()));
            return new UsageTable.Release(a, retry.errorCode(), retry.message(), next);
        }
    }

    /** Writes a batch's outcomes together and counts what they decided. */
    private Void record(List<UsageTable.Outcome> outcomes, Run run) {
        if (outcomes.isEmpty()) {
            return null;
        }
        List<Boolean> written = table.recordOutcomes(outcomes, settings.owner(), run.now);
        for (int i = 0; i < outcomes.size(); i++) {
            UsageTable.Outcome outcome = outcomes.get(i);
            if (outcome instanceof UsageTable.Finish finish) {
                if (written.get(i)) {
                    run.finished(finish.status());
                    metrics.finished(finish.status());
                } else {
                    try (CustomerMdc ignored = mdc(finish.frozen())) {
                        Log.infof("Outcome %s of %s was recorded by another run already", finish.status(),
                                finish.frozen().ids());
                    }
                }
            } else if (written.get(i)) {
                run.later.incrementAndGet();
                metrics.retried();
            }
        }
        return null;
    }

    /** Every log line about an aggregate names its customer. */
    private static CustomerMdc mdc(Aggregate a) {
        return CustomerMdc.of(a.customerKey(), a.productCode(), a.licenseArn(), a.customerIdentifier());
    }

    /**
     * The task, to run on another thread inside the caller's trace (a flush command's, an operator's request) and
     * with the caller's log context (the SQS message id, ...), as if the caller ran it.
     */
    private static <T> Callable<T> inCallersContext(Callable<T> task) {
        Context trace = Context.current();
        Map<String, Object> logContext = MDC.getMap();
        return () -> {
            Map<String, Object> own = MDC.getMap();
            MDC.clear();
            logContext.forEach(MDC::put);
            try (Scope ignored = trace.makeCurrent()) {
                return task.call();
            } finally {
                MDC.clear();
                own.forEach(MDC::put);
            }
        };
    }

    private static ThreadFactory daemon(String name) {
        return task -> {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    /** {@code step} applied to each item on the reader threads; the results in the items' order. */
    private static <T, R> List<R> inParallel(List<T> items, Function<T, R> step) {
        if (items.size() < 2) {
            return items.stream().map(step).toList();
        }
        List<Future<R>> futures = new ArrayList<>(items.size());
        for (T item : items) {
            futures.add(READER_POOL.submit(inCallersContext(() -> step.apply(item))));
        }
        List<R> results = new ArrayList<>(items.size());
        RuntimeException failure = null;
        for (Future<R> future : futures) {
            try {
                results.add(future.get());
            } catch (ExecutionException e) {
                // the other steps ran anyway: all are awaited, then the first failure propagates
                if (failure == null) {
                    failure = e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while metering", e);
            }
        }
        if (failure != null) {
            throw failure;
        }
        return results;
    }

    private UsageRecord usageRecord(Aggregate a) {
        int quantity = Math.toIntExact(a.billedQuantity());
        List<UsageAllocation> allocations = quantity == a.frozenQuantity() && a.mayHaveAllocations()
                ? allocations(a, quantity) : List.of();
        return new UsageRecord(a.hour(), a.concurrentAgreements() ? null : a.customerIdentifier(),
                a.concurrentAgreements() ? a.customerAwsAccountId() : null,
                a.concurrentAgreements() ? a.licenseArn() : null, a.dimension(), quantity, allocations);
    }

    /**
     * The frozen usage split by tags: the tagged buckets plus one untagged bucket for the rest (records sent without
     * allocations), so the parts add up to the quantity as AWS requires. None when nothing was tagged.
     */
    private List<UsageAllocation> allocations(Aggregate a, int quantity) {
        List<Allocation> buckets = table.allocations(a.id());
        List<UsageAllocation> tagged = new ArrayList<>();
        long sum = 0;
        for (Allocation b : buckets) {
            sum += b.quantity();
            if (!b.tags().isEmpty() && b.quantity() > 0) {
                tagged.add(new UsageAllocation(Math.toIntExact(b.quantity()), b.tags().entrySet().stream()
                        .map(e -> new UsageAllocation.Tag(e.getKey(), e.getValue())).toList()));
            }
        }
        if (tagged.isEmpty()) {
            return List.of();
        }
        long untagged = quantity - tagged.stream().mapToLong(UsageAllocation::allocatedUsageQuantity).sum();
        if (sum > quantity || untagged < 0) {
            Log.errorf("Allocations of %s add up to %d, more than the quantity %d; sending without them", a.ids(),
                    sum, quantity);
            return List.of();
        }
        List<UsageAllocation> all = new ArrayList<>(tagged);
        if (untagged > 0) {
            all.add(new UsageAllocation(Math.toIntExact(untagged), List.of()));
        }
        return all;
    }
}
