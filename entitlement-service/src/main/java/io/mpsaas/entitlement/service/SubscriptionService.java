package io.mpsaas.entitlement.service;

import io.mpsaas.common.customer.CustomerKeys;
import io.mpsaas.common.customer.CustomerRecord;
import io.mpsaas.common.customer.IdentityModel;
import io.mpsaas.common.customer.StoredEntitlement;
import io.mpsaas.common.customer.SubscriptionState;
import io.mpsaas.common.dynamo.TaggedTransaction;
import io.mpsaas.common.marketplace.MarketplaceException;
import io.mpsaas.common.messaging.CustomerEvent;
import io.mpsaas.common.messaging.CustomerIds;
import io.mpsaas.common.messaging.MeteringCommand;
import io.mpsaas.entitlement.config.EntitlementConfig;
import io.mpsaas.entitlement.domain.Agreement;
import io.mpsaas.entitlement.domain.Channel;
import io.mpsaas.entitlement.domain.Entitlements;
import io.mpsaas.entitlement.domain.LifecycleChange;
import io.mpsaas.entitlement.domain.Notification;
import io.mpsaas.entitlement.domain.Snapshot;
import io.mpsaas.entitlement.domain.Step;
import io.mpsaas.entitlement.domain.Subscriber;
import io.mpsaas.entitlement.domain.SubscriptionStateMachine;
import io.mpsaas.entitlement.marketplace.EntitlementReader;
import io.mpsaas.entitlement.messaging.EffectSender;
import io.mpsaas.entitlement.messaging.Effects;
import io.mpsaas.entitlement.persistence.AgreementPointer;
import io.mpsaas.entitlement.persistence.CommitOutcome;
import io.mpsaas.entitlement.persistence.CustomerChange;
import io.mpsaas.entitlement.persistence.InboxEntry;
import io.mpsaas.entitlement.persistence.ParkedFact;
import io.mpsaas.entitlement.persistence.PointerChange;
import io.mpsaas.entitlement.persistence.SubscriptionStore;
import io.mpsaas.entitlement.persistence.SubscriptionStore.EffectsSent;
import io.mpsaas.entitlement.persistence.SubscriptionStore.Reads;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Applies notifications to customers. The notifications of one batch are grouped by the customer they concern
 * ({@link #group}: one {@code BatchGetItem} checks the inbox and reads the customers and agreement pointers of the
 * whole batch), and each group is applied on its own, in parallel with the others ({@link #apply(Group)}): skip what
 * the inbox knows; fold the group's notifications (and the parked facts of its license events) through the state
 * machine in AWS's order; re-read the entitlements once if any of them calls for it; then write customer, pointers,
 * facts and every notification's inbox entry in one conditional transaction (a lost race reads again and
 * recomputes), the newest notification's entry carrying the lifecycle events and flush commands it decided. Once the
 * batch's groups are through, their effects are sent together and their entries marked done in one write
 * ({@link #finish}). A crash anywhere leaves either nothing written (SQS delivers the messages again) or a committed
 * entry whose effects are sent again, with the same ids, by the redelivery or by the reconciliation run.
 */
@ApplicationScoped
public class SubscriptionService {

    private final SubscriptionStore store;
    private final EntitlementReader reader;
    private final EffectSender sender;
    private final EntitlementConfig config;
    private final EntitlementMetrics metrics;
    private final Clock clock;

    public SubscriptionService(SubscriptionStore store, EntitlementReader reader, EffectSender sender,
            EntitlementConfig config, EntitlementMetrics metrics, Clock clock) {
        this.store = store;
        this.reader = reader;
        this.sender = sender;
        this.config = config;
        this.metrics = metrics;
        this.clock = clock;
    }

    /**
     * What applying a notification did.
     *
     * @param description for the log
     * @param duplicate   the message was applied before (a redelivery): nothing changed now
     */
    public record Applied(String description, boolean duplicate) {
    }

    /**
     * Notifications of one batch applied together: one customer's ({@code customerKey}: one read, at most one
     * GetEntitlements, one commit), or agreement events whose license nobody has named yet ({@code customerKey} null,
     * {@code agreementId} set: applied one after the other, each parked on the agreement).
     *
     * @param reads         what {@link #group} read for the whole batch
     * @param receivedNanos {@link System#nanoTime()} when the batch was received: a GetEntitlements call that went out
     *                      later answers for these notifications too
     */
    public record Group(String customerKey, String agreementId, List<Notification> notifications, Reads reads,
            long receivedNanos) {

        public Group {
            notifications = List.copyOf(notifications);
        }
    }

    /**
     * What became of one notification of a group: {@code applied}, or the {@code failure} that kept it from it.
     *
     * @param pending     for the notification whose inbox entry carries its commit's effects: those effects, to be
     *                    sent and marked done with the batch's others ({@link #finish})
     */
    public record Result(Notification notification, Applied applied, RuntimeException failure, Pending pending) {

        public static Result failed(Notification notification, RuntimeException failure) {
            return new Result(notification, null, failure, null);
        }
    }

    /**
     * A commit's effects, prepared in its trace and not sent yet, and the inbox entry that keeps them ({@code APPLIED})
     * until they are.
     */
    public record Pending(EffectSender.Outgoing outgoing, EffectsSent entry) {
    }

    /** What one commit did: each notification's description, and its effects to send (or null). */
    private record Committed(Map<String, String> described, Pending pending) {
    }

    /** Where a notification goes: a known customer, or (agreement events before their license) the agreement. */
    private record Target(String customerKey, Subscriber identity, Agreement agreement, String offerId,
            boolean refresh, boolean licenseEvent, String kind) {
    }

    /** Entitlements read once per group, reused if the write has to be recomputed. */
    private static final class Fetch {
        final long receivedNanos;
        SortedMap<String, StoredEntitlement> entitlements;
        Instant readAt;

        Fetch(long receivedNanos) {
            this.receivedNanos = receivedNanos;
        }
    }

    /**
     * Groups a batch's notifications (distinct messages) by the customer they concern, after reading in one round trip
     * what every group needs first: the inbox entries, the customer items the notifications name, and the agreement
     * pointers of their agreements (which name the customer of a Purchase Agreement event).
     *
     * @param receivedNanos {@link System#nanoTime()} when they were received
     */
    public List<Group> group(List<Notification> notifications, long receivedNanos) {
        Set<String> dedupes = new LinkedHashSet<>();
        Set<String> customerKeys = new LinkedHashSet<>();
        Set<String> agreementIds = new LinkedHashSet<>();
        for (Notification n : notifications) {
            dedupes.add(n.meta().dedupeKey());
            Subscriber subscriber = n.namedSubscriber();
            if (subscriber != null) {
                customerKeys.add(subscriber.key());
            }
            Agreement agreement = n.namedAgreement();
            if (agreement != null) {
                agreementIds.add(agreement.id());
            }
        }
        Reads reads = store.read(dedupes, customerKeys, agreementIds);
        Map<String, List<Notification>> byCustomer = new LinkedHashMap<>();
        Map<String, List<Notification>> byAgreement = new LinkedHashMap<>();
        for (Notification n : notifications) {
            Subscriber subscriber = n.namedSubscriber();
            String key = subscriber != null ? subscriber.key()
                    : reads.pointer(agreementOf(n).id()).map(AgreementPointer::customerKey).orElse(null);
            if (key != null) {
                byCustomer.computeIfAbsent(key, k -> new ArrayList<>()).add(n);
            } else {
                byAgreement.computeIfAbsent(agreementOf(n).id(), k -> new ArrayList<>()).add(n);
            }
        }
        List<Group> groups = new ArrayList<>();
        byCustomer.forEach((key, list) -> groups.add(new Group(key, null, list, reads, receivedNanos)));
        byAgreement.forEach((id, list) -> groups.add(new Group(null, id, list, reads, receivedNanos)));
        return groups;
    }

    /**
     * Applies one group exactly once; safe to run concurrently with the batch's other groups. Never throws: each
     * notification's result says whether it was applied, or what failed ({@code MarketplaceException}: GetEntitlements
     * failed after the adapter's retries, only for the notifications that needed it; {@link ConcurrentUpdateException}:
     * the customer kept changing under the write; any other: a dependency failed).
     */
    public List<Result> apply(Group group) {
        if (group.customerKey() != null) {
            return applyTogether(group.customerKey(), group.notifications(), group.reads(), group.receivedNanos());
        }
        // agreement events before their license: rare, and two of one agreement would race for its pointer
        List<Result> results = new ArrayList<>();
        for (Notification n : group.notifications()) {
            try {
                results.add(new Result(n, apply(n, group.receivedNanos()), null, null));
            } catch (RuntimeException e) {
                results.add(Result.failed(n, e));
            }
        }
        return results;
    }

    /**
     * Applies one notification exactly once.
     *
     * @return what it did
     * @throws io.mpsaas.common.marketplace.MarketplaceException GetEntitlements failed after the adapter's retries
     * @throws ConcurrentUpdateException the customer kept changing under the write
     */
    public Applied apply(Notification notification) {
        return apply(notification, System.nanoTime());
    }

    private Applied apply(Notification notification, long receivedNanos) {
        String dedupe = notification.meta().dedupeKey();
        for (int attempt = 0; attempt < config.conflictRetries(); attempt++) {
            Optional<InboxEntry> seen = store.inbox(dedupe);
            if (seen.isPresent()) {
                return new Applied(resume(seen.get()), seen.get().status() == InboxEntry.Status.DONE);
            }
            Target target = target(notification, store::agreement);
            if (target.customerKey() != null) {
                Result result = applyTogether(target.customerKey(), List.of(notification), null, receivedNanos)
                        .get(0);
                if (result.failure() != null) {
                    throw result.failure();
                }
                if (result.pending() != null) {
                    RuntimeException unsent = finish(List.of(result.pending())).get(result.pending());
                    if (unsent != null) {
                        throw unsent;
                    }
                }
                return result.applied();
            }
            String parked = parkOnAgreement(notification, target);
            if (parked != null) {
                return new Applied(parked, false);
            }
        }
        throw new ConcurrentUpdateException("message " + dedupe + " lost " + config.conflictRetries()
                + " write races in a row");
    }

    private static Agreement agreementOf(Notification n) {
        return Objects.requireNonNull(n.namedAgreement(), () -> "notification " + n.meta().dedupeKey()
                + " names neither a customer nor an agreement");
    }

    private Target target(Notification notification, Function<String, Optional<AgreementPointer>> pointers) {
        String kind = notification.meta().channel() == Channel.EVENTBRIDGE ? notification.meta().source()
                : notification.kindName();
        return notification.accept(new Notification.Cases<>() {
            @Override
            public Target subscribeSuccess(Notification.SubscribeSuccess n) {
                return sns(n.subscriber(), n.offerId(), true);
            }

            @Override
            public Target subscribeFail(Notification.SubscribeFail n) {
                return sns(n.subscriber(), n.offerId(), false);
            }

            @Override
            public Target unsubscribePending(Notification.UnsubscribePending n) {
                return sns(n.subscriber(), null, false);
            }

            @Override
            public Target unsubscribeSuccess(Notification.UnsubscribeSuccess n) {
                return sns(n.subscriber(), null, false);
            }

            @Override
            public Target entitlementUpdated(Notification.EntitlementUpdated n) {
                return sns(n.subscriber(), null, true);
            }

            @Override
            public Target agreementCreated(Notification.AgreementCreated n) {
                return agreement(n.agreement(), false);
            }

            @Override
            public Target agreementAmended(Notification.AgreementAmended n) {
                return agreement(n.agreement(), true);
            }

            @Override
            public Target agreementEnded(Notification.AgreementEnded n) {
                return agreement(n.agreement(), false);
            }

            @Override
            public Target licenseUpdated(Notification.LicenseUpdated n) {
                return new Target(n.subscriber().key(), n.subscriber(), n.agreement(), n.agreement().offerId(), true,
                        true, kind);
            }

            @Override
            public Target licenseDeprovisioned(Notification.LicenseDeprovisioned n) {
                return new Target(n.subscriber().key(), n.subscriber(), n.agreement(), n.agreement().offerId(),
                        false, true, kind);
            }

            private Target sns(Subscriber subscriber, String offerId, boolean refresh) {
                return new Target(subscriber.key(), subscriber, null, offerId, refresh, false, kind);
            }

            private Target agreement(Agreement agreement, boolean refresh) {
                String key = pointers.apply(agreement.id()).map(AgreementPointer::customerKey).orElse(null);
                return new Target(key, null, agreement, agreement.offerId(), refresh, false, kind);
            }
        });
    }

    // ---------------------------------------------------------------- agreement events before their license

    private String parkOnAgreement(Notification n, Target target) {
        Agreement agreement = target.agreement();
        Optional<AgreementPointer> pointer = store.agreement(agreement.id());
        if (pointer.isPresent() && pointer.get().customerKey() != null) {
            return null; // the license arrived meanwhile: go again, now with the customer
        }
        Instant now = clock.instant();
        Step step = Step.of(n);
        String status = n.endedStatus();
        ParkedFact fact = new ParkedFact(agreement.id(), step.sourceId(), step.kind(), step.occurredAt(),
                n.meta().source(), status, agreement.acceptorAccountId(), agreement.offerId());
        SubscriptionStore.Commit commit = store.newCommit();
        store.pointer(commit, new PointerChange(agreement.id(), pointer.map(AgreementPointer::version).orElse(null),
                null, null, null, agreement.acceptorAccountId(), agreement.offerId()));
        store.parkFact(commit, fact, now.plus(config.inbox().factRetention()));
        String result = "parked on agreement " + agreement.id() + " until a license event names its customer";
        store.inboxEntry(commit, new InboxEntry(n.meta().dedupeKey(), InboxEntry.Status.DONE, target.kind(), null,
                result, null, now), now.plus(config.inbox().retention()));
        CommitOutcome outcome = store.commit(commit);
        if (outcome != CommitOutcome.COMMITTED) {
            return null;
        }
        metrics.notificationCommit();
        Log.infof("%s %s (agreement %s, account %s, message %s): %s", target.kind(), n.meta().occurredAt(),
                agreement.id(), agreement.acceptorAccountId(), n.meta().messageId(), result);
        return result;
    }

    // ---------------------------------------------------------------- the customer

    /**
     * Applies one customer's notifications, coalesced: what the inbox already knows is resumed (its pending effects
     * sent) and acknowledged; the rest is one commit, recomputed from fresh reads when it loses a race. When
     * GetEntitlements fails, the notifications that needed it fail with it and the others are applied without it.
     */
    private List<Result> applyTogether(String key, List<Notification> notifications, Reads preloaded,
            long receivedNanos) {
        Map<String, Result> results = new HashMap<>();
        List<Notification> pending = new ArrayList<>(notifications);
        Reads reads = preloaded != null && preloaded.hasCustomer(key) ? preloaded : null;
        Fetch fetch = new Fetch(receivedNanos);
        int races = 0;
        try {
            while (!pending.isEmpty()) {
                if (reads == null) {
                    reads = store.read(pending.stream().map(n -> n.meta().dedupeKey()).toList(), List.of(key),
                            pending.stream().map(Notification::namedAgreement).filter(Objects::nonNull)
                                    .map(Agreement::id).toList());
                }
                for (Iterator<Notification> it = pending.iterator(); it.hasNext();) {
                    Notification n = it.next();
                    Optional<InboxEntry> seen = reads.inboxEntry(n.meta().dedupeKey());
                    if (seen.isPresent()) {
                        results.put(n.meta().dedupeKey(), new Result(n, new Applied(resume(seen.get()),
                                seen.get().status() == InboxEntry.Status.DONE), null, null));
                        it.remove();
                    }
                }
                if (pending.isEmpty()) {
                    break;
                }
                Committed applied;
                try {
                    applied = commitTogether(key, pending, reads, fetch);
                } catch (MarketplaceException e) {
                    Function<String, Optional<AgreementPointer>> pointers = reads::pointer;
                    List<Notification> refreshing = pending.stream().filter(n -> target(n, pointers).refresh())
                            .toList();
                    if (refreshing.isEmpty()) {
                        throw e;
                    }
                    refreshing.forEach(n -> results.put(n.meta().dedupeKey(), Result.failed(n, e)));
                    pending.removeAll(refreshing);
                    continue; // nothing was written: what was read still holds
                }
                if (applied != null) {
                    for (Notification n : pending) {
                        String dedupe = n.meta().dedupeKey();
                        Pending effects = applied.pending() != null
                                && applied.pending().entry().entry().dedupeKey().equals(dedupe) ? applied.pending()
                                        : null;
                        results.put(dedupe, new Result(n, new Applied(applied.described().get(dedupe), false), null,
                                effects));
                    }
                    pending.clear();
                } else if (++races >= config.conflictRetries()) {
                    throw new ConcurrentUpdateException("customer " + key + " changed under " + races
                            + " writes in a row");
                } else {
                    reads = null;
                }
            }
        } catch (RuntimeException e) {
            pending.forEach(n -> results.putIfAbsent(n.meta().dedupeKey(), Result.failed(n, e)));
        }
        return notifications.stream().map(n -> results.get(n.meta().dedupeKey())).toList();
    }

    /**
     * One commit for notifications of one customer none of which is in the inbox yet: folded through the state
     * machine in its order, with the facts parked on their agreements. The newest of them carries the effects.
     *
     * @return each notification's description by dedupe key, and the commit's effects to send; null when the write
     *         lost a race
     */
    private Committed commitTogether(String key, List<Notification> pending, Reads reads, Fetch fetch) {
        Instant now = clock.instant();
        CustomerRecord current = reads.customer(key).orElse(null);
        List<Notification> ordered = new ArrayList<>(pending);
        ordered.sort(Comparator.comparing(Step::of, SubscriptionStateMachine.ORDER));
        Notification lead = ordered.get(ordered.size() - 1);
        List<Step> steps = new ArrayList<>();
        Subscriber identity = null;
        String agreementId = null;
        String offerId = null;
        boolean refresh = false;
        Map<String, Target> licenses = new LinkedHashMap<>();
        Target newestLicense = null;
        Instant newestLicenseAt = null;
        List<String> kinds = new ArrayList<>();
        for (Notification n : ordered) {
            Target target = target(n, reads::pointer);
            steps.add(Step.of(n));
            identity = first(identity, target.identity());
            agreementId = first(agreementId, target.agreement() == null ? null : target.agreement().id());
            offerId = first(offerId, target.offerId());
            refresh |= target.refresh();
            kinds.add(target.kind());
            if (target.licenseEvent()) {
                licenses.putIfAbsent(target.agreement().id(), target);
                newestLicense = target; // in AWS's order: the last one is the newest
                newestLicenseAt = n.meta().occurredAt();
            }
        }
        Map<String, List<ParkedFact>> facts = new LinkedHashMap<>();
        for (String licensed : licenses.keySet()) {
            List<ParkedFact> parked = store.parkedFacts(licensed);
            facts.put(licensed, parked);
            parked.forEach(f -> steps.add(f.step()));
        }
        SubscriptionStateMachine.Result machine = SubscriptionStateMachine.applyAll(snapshot(current), steps);

        Map<String, StoredEntitlement> before = current == null ? Map.of() : current.entitlements();
        SortedMap<String, StoredEntitlement> entitlements = null;
        if (refresh) {
            Subscriber who = identity != null ? identity : identityOf(current);
            if (who != null && who.productCode() != null) {
                if (fetch.entitlements == null) {
                    EntitlementReader.Read read = reader.readSince(who, fetch.receivedNanos);
                    fetch.readAt = read.startedAt();
                    fetch.entitlements = Entitlements.collapse(read.entitlements());
                }
                // a read older than the stored one must not replace it
                Instant stored = current == null ? null : current.entitlementsRefreshedAt();
                if (stored == null || !stored.isAfter(fetch.readAt)) {
                    entitlements = fetch.entitlements;
                }
            }
        }
        boolean entitlementsChanged = entitlements != null && Entitlements.differ(before, entitlements);
        boolean entitlementsTold = entitlementsChanged && Entitlements.told(before, entitlements);

        String storedAgreement = current == null ? null : current.agreementId();
        Instant agreementNamedAt = newestLicense == null ? null : agreementMove(storedAgreement,
                reads.agreementNamedAt(key).orElse(null), newestLicenseAt);
        String agreementNow = agreementNamedAt != null ? newestLicense.agreement().id()
                : first(storedAgreement, agreementId);
        CustomerIds ids = ids(key, current, identity, agreementNow);
        Effects effects = effects(machine.changes(), entitlementsTold ? entitlements : null, before, ids,
                lead.meta().dedupeKey(), lead.meta().occurredAt(), machine.after(), now,
                current == null ? 1 : current.version() + 1);
        String result = describe(machine, entitlements, entitlementsChanged,
                facts.values().stream().mapToInt(List::size).sum());
        if (ordered.size() > 1) {
            result += " (" + ordered.size() + " notifications of the customer applied together)";
        }
        if (storedAgreement != null && !storedAgreement.equals(agreementNow)) {
            result += "; agreement " + agreementNow + " replaces " + storedAgreement;
        }

        SubscriptionStore.Commit commit = store.newCommit();
        store.customer(commit, new CustomerChange(key, current == null ? null : current.version(), identity,
                agreementNamedAt != null ? agreementNow : agreementId,
                agreementNamedAt != null ? newestLicense.offerId() : offerId, agreementNamedAt,
                machine.writeState() ? machine.after() : null, entitlements, fetch.readAt, now));
        for (Target license : licenses.values()) {
            String id = license.agreement().id();
            AgreementPointer pointer = reads.pointer(id).orElse(null);
            Subscriber s = license.identity();
            store.pointer(commit, new PointerChange(id, pointer == null ? null : pointer.version(), key,
                    s.productCode(), s.licenseArn(), license.agreement().acceptorAccountId(), license.offerId()));
            facts.get(id).forEach(f -> store.removeFact(commit, f));
        }
        Map<String, String> described = new LinkedHashMap<>();
        EffectsSent carrier = null;
        for (int i = 0; i < ordered.size(); i++) {
            Notification n = ordered.get(i);
            // the newest carries the effects until they are sent; the others are done with the commit
            boolean carries = n == lead && !effects.isEmpty();
            InboxEntry entry = new InboxEntry(n.meta().dedupeKey(),
                    carries ? InboxEntry.Status.APPLIED : InboxEntry.Status.DONE, kinds.get(i), key, result,
                    carries ? sender.toJson(effects) : null, now);
            store.inboxEntry(commit, entry, now.plus(config.inbox().retention()));
            if (carries) {
                carrier = new EffectsSent(entry, now.plus(config.inbox().retention()));
            }
            described.put(n.meta().dedupeKey(), result);
        }
        // the effects' messages, built here, inside the trace of the notifications that caused them (sent with the
        // batch's others); their webhook deliveries written by this very commit (a transactional outbox)
        EffectSender.Outgoing outgoing = null;
        if (carrier != null) {
            outgoing = sender.prepare(effects);
            sender.leaseWebhooks(outgoing, now, TaggedTransaction.MAX_ACTIONS - store.actions(commit))
                    .forEach(d -> store.webhookDelivery(commit, d));
        }
        CommitOutcome outcome = store.commit(commit);
        if (outcome != CommitOutcome.COMMITTED) {
            Log.debugf("Write for customer %s (messages %s) lost a race (%s); recomputing", key, messageIds(ordered),
                    outcome);
            return null;
        }
        metrics.notificationCommit();
        Log.infof("%s at %s for customer %s (product %s, message %s): %s", String.join(" + ", kinds),
                lead.meta().occurredAt(), key, ids.productCode(), messageIds(ordered), result);
        return new Committed(described, carrier == null ? null : new Pending(outgoing, carrier));
    }

    /**
     * Sends committed effects ({@link Result#pending()}), a batch's worth together, and marks their inbox entries done
     * in one write. Answers what could not be finished, with why: those entries stay pending, and the redelivery of
     * their messages or the reconciliation run sends their effects again, with the same ids.
     */
    public Map<Pending, RuntimeException> finish(List<Pending> pending) {
        Map<Pending, RuntimeException> unfinished = new java.util.IdentityHashMap<>();
        if (pending.isEmpty()) {
            return unfinished;
        }
        Set<Integer> unsent = sender.sendAll(pending.stream().map(Pending::outgoing).toList());
        List<EffectsSent> sent = new ArrayList<>();
        for (int i = 0; i < pending.size(); i++) {
            if (unsent.contains(i)) {
                unfinished.put(pending.get(i), new IllegalStateException("SQS did not take the effects of message "
                        + pending.get(i).entry().entry().dedupeKey()));
            } else {
                sent.add(pending.get(i).entry());
            }
        }
        try {
            if (!sent.isEmpty()) {
                store.markDone(sent, clock.instant());
            }
        } catch (RuntimeException e) {
            pending.forEach(p -> unfinished.putIfAbsent(p, e));
        }
        return unfinished;
    }

    private static String messageIds(List<Notification> notifications) {
        return notifications.stream().map(n -> n.meta().messageId()).collect(Collectors.joining(", "));
    }

    /** Re-reads one customer's entitlements and repairs drift. Answers whether anything changed. */
    public boolean reconcile(CustomerRecord customer) {
        Subscriber who = identityOf(customer);
        if (who == null || who.productCode() == null) {
            return false;
        }
        Instant readAt = clock.instant();
        SortedMap<String, StoredEntitlement> fresh = Entitlements.collapse(reader.read(who,
                EntitlementReader.Purpose.RECONCILIATION));
        for (int attempt = 0; attempt < config.conflictRetries(); attempt++) {
            Instant now = clock.instant();
            CustomerRecord current = store.customer(customer.key()).orElse(null);
            if (current == null || (current.entitlementsRefreshedAt() != null
                    && current.entitlementsRefreshedAt().isAfter(readAt))
                    || !Entitlements.differ(current.entitlements(), fresh)) {
                return false;
            }
            // the version makes the id unique per customer state: two replicas repairing the same drift collide
            String dedupe = "reconcile#" + current.key() + "#v" + current.version();
            if (store.inbox(dedupe).isPresent()) {
                return false;
            }
            CustomerIds ids = CustomerIds.of(current);
            Effects effects = effects(List.of(), Entitlements.told(current.entitlements(), fresh) ? fresh : null,
                    current.entitlements(), ids, dedupe, now,
                    snapshot(current), now, current.version() + 1);
            SubscriptionStore.Commit commit = store.newCommit();
            store.customer(commit, new CustomerChange(current.key(), current.version(), null, null, null, null, null,
                    fresh, readAt, now));
            store.inboxEntry(commit, new InboxEntry(dedupe, InboxEntry.Status.APPLIED, "reconciliation",
                    current.key(), "entitlements repaired", sender.toJson(effects), now),
                    now.plus(config.inbox().retention()));
            if (store.commit(commit) == CommitOutcome.COMMITTED) {
                Log.infof("Reconciliation repaired the entitlements of customer %s (product %s): %s -> %s",
                        current.key(), current.productCode(), current.entitlements().keySet(), fresh.keySet());
                sender.send(effects);
                store.markDone(dedupe, clock.instant());
                return true;
            }
        }
        throw new ConcurrentUpdateException("customer " + customer.key() + " kept changing during reconciliation");
    }

    /** Sends the effects of inbox entries committed before {@code cutoff} and never confirmed sent. */
    public int resendPendingEffects(Instant cutoff) {
        int sent = 0;
        for (InboxEntry entry : store.pendingEffects(cutoff)) {
            resume(entry);
            sent++;
        }
        return sent;
    }

    private String resume(InboxEntry entry) {
        if (entry.status() == InboxEntry.Status.DONE) {
            return "duplicate of message " + entry.dedupeKey() + " (" + entry.result() + ")";
        }
        Effects effects = sender.fromJson(entry.effectsJson());
        sender.send(effects);
        store.markDone(entry.dedupeKey(), clock.instant());
        Log.infof("Sent the pending effects of message %s for customer %s again", entry.dedupeKey(),
                entry.customerKey());
        return "effects of an earlier delivery sent again (" + entry.result() + ")";
    }

    // ---------------------------------------------------------------- effects

    /**
     * The events and commands of one commit; {@code version} is the customer item's version the commit writes, so the
     * events' sequence numbers follow the commits' order, whatever the order they are sent in.
     */
    private Effects effects(List<LifecycleChange> changes, Map<String, StoredEntitlement> newEntitlements,
            Map<String, StoredEntitlement> before, CustomerIds ids, String sourceId, Instant occurredAt,
            Snapshot after, Instant now, long version) {
        List<CustomerEvent> events = new ArrayList<>();
        List<MeteringCommand> commands = new ArrayList<>();
        for (LifecycleChange change : changes) {
            Map<String, Object> details = new LinkedHashMap<>();
            if (change.from() != null) {
                details.put("previousState", change.from().name());
            }
            switch (change.to()) {
                case ACTIVE, FREE_TRIAL -> details.put("freeTrial", change.freeTrial());
                case UNSUBSCRIBE_PENDING -> details.put("finalUsageDeadline",
                        change.occurredAt().plus(config.flush().window()).toString());
                case UNSUBSCRIBED -> details.put("reason", "unsubscribe-success");
                case DEPROVISIONED -> details.put("reason", "license-deprovisioned");
                default -> {
                }
            }
            events.add(new CustomerEvent(change.eventType(), stableId(change.eventType(), change.sourceId(),
                    ids.customerKey()), change.occurredAt(), ids, change.to(), details,
                    CustomerEvent.sequence(version, events.size())));
            if (change.flush()) {
                String reason = change.sourceId().startsWith("eventbridge#") ? "purchase-agreement-ended"
                        : "unsubscribe-pending";
                commands.add(new MeteringCommand(MeteringCommand.FLUSH, stableId(MeteringCommand.FLUSH,
                        change.sourceId(), ids.customerKey()), ids, reason, now,
                        change.occurredAt().plus(config.flush().window())));
            }
        }
        if (newEntitlements != null) {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("entitlements", EntitlementJson.of(newEntitlements));
            TreeSet<String> removed = new TreeSet<>(before.keySet());
            removed.removeAll(newEntitlements.keySet());
            details.put("removedDimensions", List.copyOf(removed));
            String type = CustomerEvent.CUSTOMER_ENTITLEMENTS_CHANGED;
            events.add(new CustomerEvent(type, stableId(type, sourceId + "#" + Entitlements.digest(newEntitlements),
                    ids.customerKey()), occurredAt, ids, after.effectiveState(), details,
                    CustomerEvent.sequence(version, events.size())));
        }
        return new Effects(events, commands);
    }

    /** The same change always gets the same id, so a consumer can dedupe a resent event or command. */
    static String stableId(String type, String sourceId, String customerKey) {
        return UUID.nameUUIDFromBytes((type + "|" + sourceId + "|" + customerKey).getBytes(StandardCharsets.UTF_8))
                .toString();
    }

    private static String describe(SubscriptionStateMachine.Result machine,
            Map<String, StoredEntitlement> entitlements, boolean entitlementsChanged, int facts) {
        StringBuilder s = new StringBuilder();
        if (!machine.changes().isEmpty()) {
            s.append("state ").append(machine.changes().get(machine.changes().size() - 1).to());
        } else if (machine.stale()) {
            s.append("late notification, state stays ").append(machine.after().effectiveState());
        } else {
            s.append("state stays ").append(machine.after().effectiveState());
        }
        if (facts > 0) {
            s.append(", ").append(facts).append(" parked agreement event(s) applied");
        }
        if (entitlements != null) {
            s.append(entitlementsChanged ? ", entitlements changed: " : ", entitlements unchanged: ")
                    .append(entitlements.keySet());
        }
        return s.toString();
    }

    // ---------------------------------------------------------------- views of the customer

    private static Snapshot snapshot(CustomerRecord current) {
        if (current == null) {
            return Snapshot.NONE;
        }
        // a state onboarding set (PENDING, without a notification time) is no notification: any notification wins
        SubscriptionState state = current.stateEventAt() == null ? null : current.subscriptionState();
        return new Snapshot(state, current.stateEventAt(), current.freeTrial());
    }

    /** How to ask GetEntitlements about a stored customer; null when the item lacks the identity. */
    static Subscriber identityOf(CustomerRecord customer) {
        if (customer == null || customer.productCode() == null) {
            return null;
        }
        boolean license = customer.licenseArn() != null
                && (customer.identityModel() == IdentityModel.CONCURRENT_AGREEMENTS
                        || customer.key().startsWith(CustomerKeys.LICENSE_PREFIX));
        if (license) {
            return Subscriber.license(customer.productCode(), customer.customerAwsAccountId(), customer.licenseArn());
        }
        return customer.customerIdentifier() == null ? null
                : Subscriber.legacy(customer.productCode(), customer.customerIdentifier());
    }

    private static CustomerIds ids(String key, CustomerRecord current, Subscriber identity, String agreementId) {
        IdentityModel model = first(current == null ? null : current.identityModel(),
                identity == null ? null : identity.identityModel());
        if (model == null) {
            model = key.startsWith(CustomerKeys.LICENSE_PREFIX) ? IdentityModel.CONCURRENT_AGREEMENTS
                    : IdentityModel.LEGACY;
        }
        return new CustomerIds(key, model,
                first(current == null ? null : current.productCode(), identity == null ? null : identity.productCode()),
                first(current == null ? null : current.customerIdentifier(),
                        identity == null ? null : identity.customerIdentifier()),
                first(current == null ? null : current.customerAwsAccountId(),
                        identity == null ? null : identity.customerAwsAccountId()),
                first(current == null ? null : current.licenseArn(), identity == null ? null : identity.licenseArn()),
                agreementId);
    }

    /**
     * Whether the newest license event of a commit names the customer's agreement from now on. A renewal (or a
     * replacement) hands the license on to a new agreement, whose License Updated names it: the customer then follows
     * it, so that terms reads, notices and the console use the current agreement. Newest event wins, as in the state
     * machine: a late event of an older agreement (AWS delivers out of order) does not bring it back. The commit's
     * version condition makes "newest" hold against what was stored when it was read.
     *
     * @param storedAgreement the customer's agreement; null when none yet
     * @param storedAt        when a license event last named it; null when not recorded (items written before it was:
     *                        the first agreement ever seen, so a license event of another one is a later agreement's)
     * @param eventAt         AWS's time of the commit's newest license event
     * @return the time to record with the event's agreement (which then replaces the stored one); null to leave the
     *         stored agreement
     */
    static Instant agreementMove(String storedAgreement, Instant storedAt, Instant eventAt) {
        return storedAgreement == null || storedAt == null || eventAt.isAfter(storedAt) ? eventAt : null;
    }

    private static <T> T first(T a, T b) {
        return a != null ? a : b;
    }
}
