package io.mpsaas.entitlement.service;

import io.mpsaas.common.customer.CustomerKeys;
import io.mpsaas.common.customer.CustomerRecord;
import io.mpsaas.common.customer.IdentityModel;
import io.mpsaas.common.customer.StoredEntitlement;
import io.mpsaas.common.customer.SubscriptionState;
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
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Applies notifications to customers. For each message: skip it if the inbox knows it; read the customer (and, for
 * agreement and license events, the agreement pointer and any parked facts); run the state machine; re-read the
 * entitlements when the notification calls for it; then write customer, pointer, facts and the inbox entry in one
 * conditional transaction (a lost race recomputes); finally send the lifecycle events and flush commands that were
 * committed with the inbox entry, and mark it done. A crash anywhere leaves either nothing written (SQS delivers the
 * message again) or a committed entry whose effects are sent again, with the same ids, by the redelivery or by the
 * reconciliation run.
 */
@ApplicationScoped
public class SubscriptionService {

    private final SubscriptionStore store;
    private final EntitlementReader reader;
    private final EffectSender sender;
    private final EntitlementConfig config;
    private final Clock clock;

    public SubscriptionService(SubscriptionStore store, EntitlementReader reader, EffectSender sender,
            EntitlementConfig config, Clock clock) {
        this.store = store;
        this.reader = reader;
        this.sender = sender;
        this.config = config;
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

    /** Where a notification goes: a known customer, or (agreement events before their license) the agreement. */
    private record Target(String customerKey, Subscriber identity, Agreement agreement, String offerId,
            boolean refresh, boolean licenseEvent, String kind) {
    }

    /** Entitlements read once per message, reused if the write has to be recomputed. */
    private static final class Fetch {
        SortedMap<String, StoredEntitlement> entitlements;
        Instant readAt;
    }

    /**
     * Applies one notification exactly once.
     *
     * @return what it did
     * @throws io.mpsaas.common.marketplace.MarketplaceException GetEntitlements failed after the adapter's retries
     * @throws ConcurrentUpdateException the customer kept changing under the write
     */
    public Applied apply(Notification notification) {
        String dedupe = notification.meta().dedupeKey();
        Fetch fetch = new Fetch();
        for (int attempt = 0; attempt < config.conflictRetries(); attempt++) {
            Optional<InboxEntry> seen = store.inbox(dedupe);
            if (seen.isPresent()) {
                return new Applied(resume(seen.get()), seen.get().status() == InboxEntry.Status.DONE);
            }
            Target target = target(notification);
            String result = target.customerKey() == null
                    ? parkOnAgreement(notification, target)
                    : applyToCustomer(notification, target, fetch);
            if (result != null) {
                return new Applied(result, false);
            }
        }
        throw new ConcurrentUpdateException("message " + dedupe + " lost " + config.conflictRetries()
                + " write races in a row");
    }

    private Target target(Notification notification) {
        String kind = notification.meta().channel() == Channel.EVENTBRIDGE ? notification.meta().source()
                : notification.getClass().getSimpleName();
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
                String key = store.agreement(agreement.id()).map(AgreementPointer::customerKey).orElse(null);
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
        String status = n instanceof Notification.AgreementEnded e ? e.status() : null;
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
        Log.infof("%s %s (agreement %s, account %s, message %s): %s", target.kind(), n.meta().occurredAt(),
                agreement.id(), agreement.acceptorAccountId(), n.meta().messageId(), result);
        return result;
    }

    // ---------------------------------------------------------------- the customer

    private String applyToCustomer(Notification n, Target target, Fetch fetch) {
        Instant now = clock.instant();
        String key = target.customerKey();
        CustomerRecord current = store.customer(key).orElse(null);
        List<Step> steps = new ArrayList<>();
        steps.add(Step.of(n));
        List<ParkedFact> facts = List.of();
        AgreementPointer pointer = null;
        if (target.licenseEvent()) {
            pointer = store.agreement(target.agreement().id()).orElse(null);
            facts = store.parkedFacts(target.agreement().id());
            facts.forEach(f -> steps.add(f.step()));
        }
        SubscriptionStateMachine.Result machine = SubscriptionStateMachine.applyAll(snapshot(current), steps);

        Map<String, StoredEntitlement> before = current == null ? Map.of() : current.entitlements();
        SortedMap<String, StoredEntitlement> entitlements = null;
        if (target.refresh()) {
            Subscriber who = target.identity() != null ? target.identity() : identityOf(current);
            if (who != null && who.productCode() != null) {
                if (fetch.entitlements == null) {
                    fetch.readAt = clock.instant();
                    fetch.entitlements = Entitlements.collapse(reader.read(who));
                }
                // a read older than the stored one must not replace it
                Instant stored = current == null ? null : current.entitlementsRefreshedAt();
                if (stored == null || !stored.isAfter(fetch.readAt)) {
                    entitlements = fetch.entitlements;
                }
            }
        }
        boolean entitlementsChanged = entitlements != null && Entitlements.differ(before, entitlements);

        String agreementId = target.agreement() == null ? null : target.agreement().id();
        CustomerIds ids = ids(key, current, target.identity(), agreementId);
        Effects effects = effects(machine.changes(), entitlementsChanged ? entitlements : null, before, ids,
                n.meta().dedupeKey(), n.meta().occurredAt(), machine.after(), now);
        String result = describe(machine, entitlements, entitlementsChanged, facts.size());

        SubscriptionStore.Commit commit = store.newCommit();
        store.customer(commit, new CustomerChange(key, current == null ? null : current.version(),
                target.identity(), agreementId, target.offerId(), machine.writeState() ? machine.after() : null,
                entitlements, fetch.readAt, now));
        if (target.licenseEvent()) {
            Subscriber s = target.identity();
            store.pointer(commit, new PointerChange(agreementId, pointer == null ? null : pointer.version(), key,
                    s.productCode(), s.licenseArn(), target.agreement().acceptorAccountId(), target.offerId()));
            facts.forEach(f -> store.removeFact(commit, f));
        }
        store.inboxEntry(commit, new InboxEntry(n.meta().dedupeKey(),
                effects.isEmpty() ? InboxEntry.Status.DONE : InboxEntry.Status.APPLIED, target.kind(), key, result,
                effects.isEmpty() ? null : sender.toJson(effects), now), now.plus(config.inbox().retention()));
        CommitOutcome outcome = store.commit(commit);
        if (outcome != CommitOutcome.COMMITTED) {
            Log.debugf("Write for customer %s (message %s) lost a race (%s); recomputing", key,
                    n.meta().messageId(), outcome);
            return null;
        }
        Log.infof("%s at %s for customer %s (product %s, message %s): %s", target.kind(), n.meta().occurredAt(), key,
                ids.productCode(), n.meta().messageId(), result);
        if (!effects.isEmpty()) {
            sender.send(effects);
            store.markDone(n.meta().dedupeKey(), clock.instant());
        }
        return result;
    }

    /** Re-reads one customer's entitlements and repairs drift. Answers whether anything changed. */
    public boolean reconcile(CustomerRecord customer) {
        Subscriber who = identityOf(customer);
        if (who == null || who.productCode() == null) {
            return false;
        }
        Instant readAt = clock.instant();
        SortedMap<String, StoredEntitlement> fresh = Entitlements.collapse(reader.read(who));
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
            Effects effects = effects(List.of(), fresh, current.entitlements(), ids, dedupe, now,
                    snapshot(current), now);
            SubscriptionStore.Commit commit = store.newCommit();
            store.customer(commit, new CustomerChange(current.key(), current.version(), null, null, null, null, fresh,
                    readAt, now));
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

    private Effects effects(List<LifecycleChange> changes, Map<String, StoredEntitlement> newEntitlements,
            Map<String, StoredEntitlement> before, CustomerIds ids, String sourceId, Instant occurredAt,
            Snapshot after, Instant now) {
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
                    ids.customerKey()), change.occurredAt(), ids, change.to(), details));
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
                    ids.customerKey()), occurredAt, ids, after.effectiveState(), details));
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
                first(current == null ? null : current.agreementId(), agreementId));
    }

    private static <T> T first(T a, T b) {
        return a != null ? a : b;
    }
}
