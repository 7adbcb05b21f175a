package io.mpsaas.metering.service;

import io.mpsaas.common.logging.CustomerMdc;
import io.mpsaas.common.marketplace.UsageAllocation;
import io.mpsaas.common.marketplace.UsageRecord;
import io.mpsaas.metering.domain.Aggregate;
import io.mpsaas.metering.domain.AggregateStatus;
import io.mpsaas.metering.domain.Allocation;
import io.mpsaas.metering.domain.MeteredCustomer;
import io.mpsaas.metering.domain.MeteringWindow;
import io.mpsaas.metering.domain.PricingModel;
import io.mpsaas.metering.domain.ProductPolicy;
import io.mpsaas.metering.marketplace.MeteringSender;
import io.mpsaas.metering.marketplace.SendOutcome;
import io.mpsaas.metering.persistence.CustomerDirectory;
import io.mpsaas.metering.persistence.UsageTable;
import io.quarkus.logging.Log;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.function.Predicate;

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
     */
    public record Settings(String owner, boolean dryRun, Set<String> testAccounts, Duration lease, int claimBatch,
            Duration retryLater, Duration warnBeforeDeadline) {
    }

    /** A test hook between sending and recording the outcome, where a replica can crash. */
    @FunctionalInterface
    public interface Failpoint {
        Failpoint NONE = sent -> {
        };

        void afterSend(List<Aggregate> sent);
    }

    /** What one run did: aggregates by final status, plus those left for later. */
    public record Report(Map<AggregateStatus, Integer> finished, int retryLater, int claimedElsewhere, int atRisk) {

        public int count(AggregateStatus status) {
            return finished.getOrDefault(status, 0);
        }
    }

    private static final int FREEZE_ATTEMPTS = 5;

    /**
     * DynamoDB writes of one batch (claim and freeze, allocation reads, outcomes) run on this many threads: each
     * aggregate's writes are conditional and independent of the others', and one after the other they took four round
     * trips per aggregate, far longer than the 10 BatchMeterUsage calls per second the quota allows (BENCHMARKS.md).
     */
    static final int WRITERS = 8;

    private static final ExecutorService WRITER_POOL = Executors.newFixedThreadPool(WRITERS, task -> {
        Thread thread = new Thread(task, "metering-writer");
        thread.setDaemon(true);
        return thread;
    });

    private final UsageTable table;
    private final CustomerDirectory customers;
    private final ProductPolicies products;
    private final MeteringSender sender;
    private final MeteringMetrics metrics;
    private final Settings settings;
    private final Failpoint failpoint;

    public MeteringRunner(UsageTable table, CustomerDirectory customers, ProductPolicies products,
            MeteringSender sender, MeteringMetrics metrics, Settings settings, Failpoint failpoint) {
        this.table = table;
        this.customers = customers;
        this.products = products;
        this.sender = sender;
        this.metrics = metrics;
        this.settings = settings;
        this.failpoint = failpoint;
    }

    public Settings settings() {
        return settings;
    }

    /**
     * Meters every closed hour still pending whose retry time has come; with {@code retriesOnly}, only aggregates an
     * earlier run already tried.
     */
    public Report meterClosedHours(Instant now, boolean retriesOnly) {
        Instant currentHour = MeteringWindow.hourOf(now);
        List<Aggregate> pending = table.pending(currentHour);
        Predicate<Aggregate> due = a -> a.nextAttemptAt() == null || !a.nextAttemptAt().isAfter(now);
        Predicate<Aggregate> selected = retriesOnly ? due.and(a -> a.status() == AggregateStatus.FROZEN) : due;
        int atRisk = warnAtRisk(pending, now);
        metrics.backlog(pending.size(), atRisk);
        Report report = process(pending.stream().filter(selected).toList(), now);
        return new Report(report.finished(), report.retryLater(), report.claimedElsewhere(), atRisk);
    }

    /** Logs every unsent aggregate close to its AWS deadline and counts them. */
    private int warnAtRisk(List<Aggregate> pending, Instant now) {
        int atRisk = 0;
        for (Aggregate a : pending) {
            Duration left = Duration.between(now, MeteringWindow.deadline(a.hour()));
            if (left.compareTo(settings.warnBeforeDeadline()) < 0 && !left.isNegative()) {
                atRisk++;
                Log.warnf("Usage of %s is not sent yet and AWS stops accepting it in %d min (status %s, attempts %d,"
                        + " last error %s)", a.ids(), left.toMinutes(), a.status(), a.attempts(), a.resultCode());
            }
        }
        return atRisk;
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
        Report report = process(pending, now);
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

    private Report process(List<Aggregate> candidates, Instant now) {
        Map<AggregateStatus, Integer> finished = new EnumMap<>(AggregateStatus.class);
        int[] later = {0};
        int elsewhere = 0;
        for (int from = 0; from < candidates.size(); from += settings.claimBatch()) {
            List<Aggregate> frozen = new ArrayList<>();
            List<Optional<Aggregate>> batch = inParallel(candidates.subList(from,
                    Math.min(candidates.size(), from + settings.claimBatch())), c -> claimAndFreeze(c, now));
            for (Optional<Aggregate> claimed : batch) {
                if (claimed.isPresent()) {
                    frozen.add(claimed.get());
                } else {
                    elsewhere++;
                }
            }
            meter(frozen, now, finished, later);
        }
        return new Report(finished, later[0], elsewhere, 0);
    }

    private Optional<Aggregate> claimAndFreeze(Aggregate candidate, Instant now) {
        Optional<Aggregate> claimed = table.claim(candidate.id(), settings.owner(), now, settings.lease());
        for (int attempt = 1; claimed.isPresent() && claimed.get().status() == AggregateStatus.OPEN; attempt++) {
            Aggregate open = claimed.get();
            ProductPolicy policy = products.of(open.productCode());
            Map<String, Double> entitlements = policy.pricingModel() == PricingModel.CONTRACT_WITH_CONSUMPTION
                    ? customers.find(open.customerKey(), open.hour()).map(MeteredCustomer::entitlements)
                            .orElse(Map.of())
                    : Map.of();
            long billed = policy.billed(open.dimension(), open.quantity(), entitlements);
            Double entitled = policy.pricingModel() == PricingModel.CONTRACT_WITH_CONSUMPTION
                    ? entitlements.getOrDefault(policy.entitledDimension(open.dimension()), 0.0) : null;
            Optional<Aggregate> frozen = table.freeze(open, settings.owner(), billed, entitled, now);
            if (frozen.isPresent()) {
                return frozen;
            }
            if (attempt >= FREEZE_ATTEMPTS) {
                Log.warnf("Could not freeze %s: usage keeps arriving; a later run will", open.ids());
                return Optional.empty();
            }
            // usage arrived since the claim read it: read the new quantity (our lease still holds) and freeze that
            claimed = table.aggregate(open.id()).filter(a -> settings.owner().equals(a.leaseOwner()));
        }
        return claimed;
    }

    private void meter(List<Aggregate> frozen, Instant now, Map<AggregateStatus, Integer> finished, int[] later) {
        Map<String, List<MeteringSender.Item>> byProduct = new LinkedHashMap<>();
        Map<String, Aggregate> byId = new HashMap<>();
        List<Optional<MeteringSender.Item>> items = inParallel(frozen, a -> {
            try (CustomerMdc ignored = mdc(a)) {
                return classify(a, now, finished);
            }
        });
        for (int i = 0; i < frozen.size(); i++) {
            Aggregate a = frozen.get(i);
            items.get(i).ifPresent(item -> {
                byId.put(a.id(), a);
                String group = (a.concurrentAgreements() ? "ca|" : "legacy|") + a.productCode();
                byProduct.computeIfAbsent(group, g -> new ArrayList<>()).add(item);
            });
        }
        for (Map.Entry<String, List<MeteringSender.Item>> group : byProduct.entrySet()) {
            boolean licenses = group.getKey().startsWith("ca|");
            String productCode = licenses ? null : group.getKey().substring("legacy|".length());
            Map<String, SendOutcome> outcomes = sender.send(productCode, group.getValue());
            failpoint.afterSend(group.getValue().stream().map(i -> byId.get(i.id())).toList());
            inParallel(List.copyOf(outcomes.entrySet()), e -> {
                try (CustomerMdc ignored = mdc(byId.get(e.getKey()))) {
                    record(byId.get(e.getKey()), e.getValue(), now, finished, later);
                }
                return e.getKey();
            });
        }
    }

    /** Every log line about an aggregate names its customer. */
    private static CustomerMdc mdc(Aggregate a) {
        return CustomerMdc.of(a.customerKey(), a.productCode(), a.licenseArn(), a.customerIdentifier());
    }

    /** Finishes what is not to be sent (expired, not metered, dry run); answers the record to send for the rest. */
    private Optional<MeteringSender.Item> classify(Aggregate a, Instant now, Map<AggregateStatus, Integer> finished) {
        if (!MeteringWindow.sendable(a.hour(), now)) {
            Log.errorf("Usage of %s (quantity %d) was not sent before AWS's deadline %s and can no longer be"
                    + " billed", a.ids(), a.billedQuantity(), MeteringWindow.deadline(a.hour()));
            finish(a, AggregateStatus.EXPIRED, null, "Expired", "not sent before the AWS deadline "
                    + MeteringWindow.deadline(a.hour()), now, finished);
        } else if (!products.of(a.productCode()).pricingModel().metered()) {
            finish(a, AggregateStatus.NOT_METERED, null, null, "pure contract: nothing is metered", now,
                    finished);
        } else if (settings.dryRun()) {
            finish(a, AggregateStatus.DRY_RUN, null, null, "dry run: not sent", now, finished);
        } else if (!settings.testAccounts().isEmpty()
                && !settings.testAccounts().contains(a.customerAwsAccountId())) {
            finish(a, AggregateStatus.DRY_RUN, null, null, "not a test account: not sent", now, finished);
        } else {
            return Optional.of(new MeteringSender.Item(a.id(), usageRecord(a)));
        }
        return Optional.empty();
    }

    /** {@code step} applied to each item on the writer threads; the results in the items' order. */
    private static <T, R> List<R> inParallel(List<T> items, Function<T, R> step) {
        if (items.size() < 2) {
            return items.stream().map(step).toList();
        }
        List<Future<R>> futures = new ArrayList<>(items.size());
        for (T item : items) {
            futures.add(WRITER_POOL.submit(() -> step.apply(item)));
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

    private void record(Aggregate a, SendOutcome outcome, Instant now, Map<AggregateStatus, Integer> finished,
            int[] later) {
        if (outcome instanceof SendOutcome.Sent sent) {
            finish(a, AggregateStatus.SENT, sent.meteringRecordId(), "Success", null, now, finished);
            Log.infof("Metered %s: quantity %d (usage %d), MeteringRecordId %s", a.ids(), a.billedQuantity(),
                    a.frozenQuantity(), sent.meteringRecordId());
        } else if (outcome instanceof SendOutcome.NotSubscribed) {
            Log.warnf("AWS answered CustomerNotSubscribed for %s (quantity %d)", a.ids(), a.billedQuantity());
            finish(a, AggregateStatus.CUSTOMER_NOT_SUBSCRIBED, null, "CustomerNotSubscribed", null, now, finished);
        } else if (outcome instanceof SendOutcome.Duplicate) {
            Log.errorf("AWS answered DuplicateRecord for %s: it already holds another quantity than %d for this"
                    + " hour, which stands", a.ids(), a.billedQuantity());
            finish(a, AggregateStatus.DUPLICATE_RECORD, null, "DuplicateRecord", null, now, finished);
        } else if (outcome instanceof SendOutcome.Refused refused) {
            Log.errorf("AWS refused the usage record of %s (quantity %d): %s %s", a.ids(), a.billedQuantity(),
                    refused.errorCode(), refused.message());
            finish(a, AggregateStatus.FAILED, null, refused.errorCode(), refused.message(), now, finished);
        } else if (outcome instanceof SendOutcome.Retry retry) {
            Instant next = now.plus(settings.retryLater());
            if (table.release(a, settings.owner(), retry.errorCode(), retry.message(), next, now)) {
                synchronized (later) {
                    later[0]++;
                }
                metrics.retried();
            }
            Log.warnf("Usage of %s not settled (%s: %s); trying again after %s, AWS deadline %s", a.ids(),
                    retry.errorCode(), retry.message(), next, MeteringWindow.deadline(a.hour()));
        }
    }

    private void finish(Aggregate a, AggregateStatus status, String meteringRecordId, String code, String message,
            Instant now, Map<AggregateStatus, Integer> finished) {
        if (table.finish(a, status, meteringRecordId, code, message, now)) {
            synchronized (finished) {
                finished.merge(status, 1, Integer::sum);
            }
            metrics.finished(status);
        } else {
            Log.infof("Outcome %s of %s was recorded by another run already", status, a.ids());
        }
    }

    private UsageRecord usageRecord(Aggregate a) {
        int quantity = Math.toIntExact(a.billedQuantity());
        List<UsageAllocation> allocations = quantity == a.frozenQuantity() ? allocations(a, quantity) : List.of();
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
