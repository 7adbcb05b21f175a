package io.mpsaas.entitlement.domain;

import io.mpsaas.common.customer.SubscriptionState;
import io.mpsaas.common.messaging.CustomerEvent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The subscription lifecycle. AWS delivers notifications at least once and in any order, so the rule is: the newest
 * notification (by AWS's own timestamp, {@code stateEventAt}) decides the state. A late notification changes nothing
 * (an {@code unsubscribe-pending} older than the {@code unsubscribe-success} already applied is a no-op), and a newer
 * one always wins, which is also how a re-subscribe after a cancellation re-activates. Two notifications with the same
 * timestamp (EventBridge has one-second resolution) are ordered by how far along the lifecycle they lead.
 */
public final class SubscriptionStateMachine {

    private SubscriptionStateMachine() {
    }

    /** The outcome of one or more steps: the state after them, and the changes made on the way. */
    public record Result(Snapshot after, List<LifecycleChange> changes, boolean stale, boolean touched) {

        /** Whether the state (or its freshness) must be written. */
        public boolean writeState() {
            return touched;
        }
    }

    /** Applies one step. */
    public static Result apply(Snapshot current, Step step) {
        return applyAll(current, List.of(step));
    }

    /** AWS's order of steps: by time, then by lifecycle position for equal times (the order {@link #applyAll} uses). */
    public static final Comparator<Step> ORDER = Comparator.comparing(Step::occurredAt)
            .thenComparingInt(SubscriptionStateMachine::stepRank);

    /** Applies steps in AWS's order (time, then lifecycle position for equal times), whatever order they came in. */
    public static Result applyAll(Snapshot current, List<Step> steps) {
        List<Step> ordered = new ArrayList<>(steps);
        ordered.sort(ORDER);
        Snapshot state = current;
        List<LifecycleChange> changes = new ArrayList<>();
        boolean stale = false;
        boolean touched = false;
        for (Step step : ordered) {
            One one = applyOne(state, step);
            state = one.after;
            stale |= one.stale;
            touched |= one.touched;
            if (one.change != null) {
                changes.add(one.change);
            }
        }
        return new Result(state, List.copyOf(changes), stale, touched);
    }

    private record One(Snapshot after, LifecycleChange change, boolean stale, boolean touched) {
    }

    private static One applyOne(Snapshot current, Step step) {
        SubscriptionState from = current.effectiveState();
        SubscriptionState target = target(from, step);
        if (target == null) {
            return new One(current, null, false, false);
        }
        if (current.stateEventAt() != null) {
            int age = step.occurredAt().compareTo(current.stateEventAt());
            boolean forwardOnTie = age == 0 && rank(target) > rank(from);
            if (age < 0 || (age == 0 && !forwardOnTie)) {
                return new One(current, null, true, false);
            }
        }
        boolean freeTrial = step.kind() == Step.Kind.ACTIVATE ? step.freeTrial() : current.freeTrial();
        Snapshot after = new Snapshot(target, step.occurredAt(), freeTrial);
        if (target == from && current.state() != null) {
            // same state, newer notification: only the freshness moves (so an older message cannot undo it later)
            return new One(after, null, false, true);
        }
        LifecycleChange change = new LifecycleChange(eventType(target), current.state(), target, step.sourceId(),
                step.occurredAt(), freeTrial, target == SubscriptionState.UNSUBSCRIBE_PENDING);
        return new One(after, change, false, true);
    }

    /** The state a step leads to from {@code from}, or null when it does not touch the state. */
    static SubscriptionState target(SubscriptionState from, Step step) {
        return switch (step.kind()) {
            case NONE -> null;
            case ACTIVATE -> step.freeTrial() ? SubscriptionState.FREE_TRIAL : SubscriptionState.ACTIVE;
            // a license update activates a pending customer; afterwards it is about entitlements only
            case ACTIVATE_LICENSE -> from == SubscriptionState.PENDING ? SubscriptionState.ACTIVE : null;
            case SUBSCRIBE_FAIL -> SubscriptionState.SUBSCRIBE_FAILED;
            case CANCEL -> SubscriptionState.UNSUBSCRIBE_PENDING;
            case TERMINATE -> from == SubscriptionState.PENDING ? SubscriptionState.SUBSCRIBE_FAILED
                    : SubscriptionState.UNSUBSCRIBE_PENDING;
            case UNSUBSCRIBE -> SubscriptionState.UNSUBSCRIBED;
            case DEPROVISION -> SubscriptionState.DEPROVISIONED;
        };
    }

    /** Position along one subscription's lifecycle; breaks ties between notifications of the same second. */
    static int rank(SubscriptionState state) {
        return switch (state) {
            case PENDING -> 0;
            case ACTIVE, FREE_TRIAL -> 1;
            case UNSUBSCRIBE_PENDING -> 2;
            case SUBSCRIBE_FAILED, UNSUBSCRIBED, DEPROVISIONED -> 3;
        };
    }

    private static int stepRank(Step step) {
        return switch (step.kind()) {
            case NONE -> 0;
            case ACTIVATE, ACTIVATE_LICENSE -> 1;
            case CANCEL, TERMINATE -> 2;
            case SUBSCRIBE_FAIL, UNSUBSCRIBE, DEPROVISION -> 3;
        };
    }

    private static String eventType(SubscriptionState target) {
        return switch (target) {
            case ACTIVE, FREE_TRIAL -> CustomerEvent.CUSTOMER_ACTIVATED;
            case UNSUBSCRIBE_PENDING -> CustomerEvent.CUSTOMER_UNSUBSCRIBE_PENDING;
            case UNSUBSCRIBED, DEPROVISIONED -> CustomerEvent.CUSTOMER_DEACTIVATED;
            case SUBSCRIBE_FAILED -> CustomerEvent.CUSTOMER_SUBSCRIBE_FAILED;
            case PENDING -> throw new IllegalStateException("no notification leads back to PENDING");
        };
    }
}
