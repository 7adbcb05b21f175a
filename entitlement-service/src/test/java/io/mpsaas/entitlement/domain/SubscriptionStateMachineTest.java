package io.mpsaas.entitlement.domain;

import static io.mpsaas.common.customer.SubscriptionState.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.mpsaas.common.customer.SubscriptionState;
import io.mpsaas.common.messaging.CustomerEvent;
import io.mpsaas.entitlement.TestSupport;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The lifecycle rules, without AWS: newest wins, late notifications are no-ops, ties go forward. */
class SubscriptionStateMachineTest {

    private static final Instant T0 = Instant.parse("2026-11-22T06:00:00Z");

    private static Step step(String id, int minute, Step.Kind kind) {
        return new Step(id, T0.plusSeconds(60L * minute), kind, false);
    }

    /** Applies steps one message at a time, in the given arrival order. */
    private static List<SubscriptionStateMachine.Result> arrive(Step... steps) {
        List<SubscriptionStateMachine.Result> results = new ArrayList<>();
        Snapshot state = Snapshot.NONE;
        for (Step s : steps) {
            SubscriptionStateMachine.Result r = SubscriptionStateMachine.apply(state, s);
            results.add(r);
            state = r.after();
        }
        return results;
    }

    private static SubscriptionState last(List<SubscriptionStateMachine.Result> results) {
        return results.get(results.size() - 1).after().effectiveState();
    }

    private static List<String> events(List<SubscriptionStateMachine.Result> results) {
        return results.stream().flatMap(r -> r.changes().stream()).map(LifecycleChange::eventType).toList();
    }

    @Test
    void awsOrder_activatesCancelsAndEnds_flushingOnce() {
        var results = arrive(step("s", 0, Step.Kind.ACTIVATE), step("p", 10, Step.Kind.CANCEL),
                step("u", 70, Step.Kind.UNSUBSCRIBE));

        assertThat(last(results)).isEqualTo(UNSUBSCRIBED);
        assertThat(events(results)).containsExactly(CustomerEvent.CUSTOMER_ACTIVATED,
                CustomerEvent.CUSTOMER_UNSUBSCRIBE_PENDING, CustomerEvent.CUSTOMER_DEACTIVATED);
        assertThat(results.stream().flatMap(r -> r.changes().stream()).filter(LifecycleChange::flush)).hasSize(1);
    }

    @Test
    void unsubscribeSuccessBeforePending_endsUnsubscribed_andThePendingIsANoOp() {
        var results = arrive(step("s", 0, Step.Kind.ACTIVATE), step("u", 70, Step.Kind.UNSUBSCRIBE),
                step("p", 10, Step.Kind.CANCEL));

        assertThat(last(results)).isEqualTo(UNSUBSCRIBED);
        assertThat(results.get(2).stale()).isTrue();
        assertThat(results.get(2).changes()).isEmpty();
        assertThat(results.get(2).writeState()).isFalse();
    }

    @Test
    void everyArrivalOrder_ofACancellation_endsUnsubscribed() {
        List<Step> lifecycle = List.of(step("s", 0, Step.Kind.ACTIVATE), step("p", 10, Step.Kind.CANCEL),
                step("u", 70, Step.Kind.UNSUBSCRIBE));
        for (List<Step> order : TestSupport.permutations(lifecycle)) {
            var results = arrive(order.toArray(Step[]::new));
            assertThat(last(results)).as("order %s", order).isEqualTo(UNSUBSCRIBED);
            assertThat(events(results)).as("order %s", order).containsOnlyOnce(CustomerEvent.CUSTOMER_DEACTIVATED);
        }
    }

    @Test
    void everyArrivalOrder_ofALicenseLifecycle_endsDeprovisioned() {
        List<Step> lifecycle = List.of(step("c", 0, Step.Kind.NONE), step("l", 1, Step.Kind.ACTIVATE_LICENSE),
                step("e", 30, Step.Kind.CANCEL), step("d", 90, Step.Kind.DEPROVISION));
        for (List<Step> order : TestSupport.permutations(lifecycle)) {
            var results = arrive(order.toArray(Step[]::new));
            assertThat(last(results)).as("order %s", order).isEqualTo(DEPROVISIONED);
        }
    }

    @Test
    void subscribeSuccess_newerThanUnsubscribeSuccess_reactivates() {
        var results = arrive(step("s1", 0, Step.Kind.ACTIVATE), step("u", 70, Step.Kind.UNSUBSCRIBE),
                step("s2", 200, Step.Kind.ACTIVATE));

        assertThat(last(results)).isEqualTo(ACTIVE);
        assertThat(results.get(2).changes()).singleElement().satisfies(c -> {
            assertThat(c.from()).isEqualTo(UNSUBSCRIBED);
            assertThat(c.eventType()).isEqualTo(CustomerEvent.CUSTOMER_ACTIVATED);
        });
    }

    @Test
    void resubscribeDuringPending_thenTheOldPendingArrivesLate_staysActive() {
        var results = arrive(step("s1", 0, Step.Kind.ACTIVATE), step("s2", 20, Step.Kind.ACTIVATE),
                step("p", 10, Step.Kind.CANCEL));

        assertThat(last(results)).isEqualTo(ACTIVE);
        // the second subscribe-success changes no state, but moves its freshness so the older pending is stale
        assertThat(results.get(1).writeState()).isTrue();
        assertThat(results.get(1).changes()).isEmpty();
        assertThat(results.get(1).after().stateEventAt()).isEqualTo(T0.plusSeconds(1200));
        assertThat(results.get(2).stale()).isTrue();
    }

    @Test
    void licenseUpdated_activatesOnlyAPendingCustomer() {
        var fresh = arrive(step("l", 0, Step.Kind.ACTIVATE_LICENSE));
        var afterCancel = arrive(step("e", 30, Step.Kind.CANCEL), step("l2", 40, Step.Kind.ACTIVATE_LICENSE));

        assertThat(last(fresh)).isEqualTo(ACTIVE);
        assertThat(last(afterCancel)).isEqualTo(UNSUBSCRIBE_PENDING);
        assertThat(afterCancel.get(1).changes()).isEmpty();
    }

    @Test
    void terminatedAgreement_isAPaymentFailureBeforeActivation_andACancellationAfter() {
        assertThat(last(arrive(step("t", 0, Step.Kind.TERMINATE)))).isEqualTo(SUBSCRIBE_FAILED);
        var afterActivation = arrive(step("l", 0, Step.Kind.ACTIVATE_LICENSE), step("t", 5, Step.Kind.TERMINATE));
        assertThat(last(afterActivation)).isEqualTo(UNSUBSCRIBE_PENDING);
        assertThat(afterActivation.get(1).changes().get(0).flush()).isTrue();
    }

    @Test
    void endedStatuses_renewalsHandTheLicenseOn() {
        assertThat(Step.endedKind("RENEWED")).isEqualTo(Step.Kind.NONE);
        assertThat(Step.endedKind("replaced")).isEqualTo(Step.Kind.NONE);
        assertThat(Step.endedKind("TERMINATED")).isEqualTo(Step.Kind.TERMINATE);
        assertThat(Step.endedKind("CANCELLED")).isEqualTo(Step.Kind.CANCEL);
        assertThat(Step.endedKind("EXPIRED")).isEqualTo(Step.Kind.CANCEL);
        assertThat(Step.endedKind(null)).isEqualTo(Step.Kind.CANCEL);
    }

    @Test
    void sameSecond_tiesGoForwardAlongTheLifecycle_neverBack() {
        // EventBridge times have one-second resolution: Ended and Deprovisioned may share one
        var forward = arrive(step("e", 0, Step.Kind.CANCEL), step("d", 0, Step.Kind.DEPROVISION));
        var backward = arrive(step("d", 0, Step.Kind.DEPROVISION), step("e", 0, Step.Kind.CANCEL));

        assertThat(last(forward)).isEqualTo(DEPROVISIONED);
        assertThat(last(backward)).isEqualTo(DEPROVISIONED);
        assertThat(backward.get(1).stale()).isTrue();
    }

    @Test
    void freeTrial_isItsOwnState_andTheFlagIsKept() {
        var results = arrive(new Step("s", T0, Step.Kind.ACTIVATE, true), step("p", 10, Step.Kind.CANCEL));

        assertThat(results.get(0).after().effectiveState()).isEqualTo(FREE_TRIAL);
        assertThat(results.get(0).changes().get(0).freeTrial()).isTrue();
        assertThat(results.get(1).after().freeTrial()).isTrue();
    }

    @Test
    void noStateSteps_changeNothing_andAreNotStale() {
        var results = arrive(step("s", 10, Step.Kind.ACTIVATE), step("n", 0, Step.Kind.NONE));

        assertThat(results.get(1).changes()).isEmpty();
        assertThat(results.get(1).stale()).isFalse();
        assertThat(results.get(1).writeState()).isFalse();
    }

    @Test
    void applyAll_ordersParkedFactsByTimeBeforeApplying() {
        // facts parked on an agreement come back in any order; the license event folds them in AWS's order
        var result = SubscriptionStateMachine.applyAll(Snapshot.NONE, List.of(step("e", 30, Step.Kind.CANCEL),
                step("l", 1, Step.Kind.ACTIVATE_LICENSE), step("c", 0, Step.Kind.NONE)));

        assertThat(result.after().effectiveState()).isEqualTo(UNSUBSCRIBE_PENDING);
        assertThat(result.changes()).extracting(LifecycleChange::eventType).containsExactly(
                CustomerEvent.CUSTOMER_ACTIVATED, CustomerEvent.CUSTOMER_UNSUBSCRIBE_PENDING);
    }

    @Test
    void aStateSetWithoutANotificationTime_yieldsToAnyNotification() {
        // onboarding's PENDING carries no stateEventAt
        var result = SubscriptionStateMachine.apply(new Snapshot(PENDING, null, false),
                step("s", -100000, Step.Kind.ACTIVATE));

        assertThat(result.after().effectiveState()).isEqualTo(ACTIVE);
    }
}
