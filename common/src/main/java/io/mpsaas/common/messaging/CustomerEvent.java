package io.mpsaas.common.messaging;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.mpsaas.common.customer.SubscriptionState;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A lifecycle event for the seller's app, sent on the customer-events queue: a buyer registered, a subscription
 * became active, entitlements changed, access ended. {@code eventId} is stable for one change, so a consumer can
 * dedupe; {@code details} carries what is specific to the type (never personal data). {@code sequence} (subscription
 * events of entitlement-service) increases with every change of the customer: standard SQS may deliver a customer's
 * events out of order, and the app orders them by it (an event with a lower sequence than one already applied is
 * older news).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CustomerEvent(String type, String eventId, Instant occurredAt, CustomerIds customer,
        SubscriptionState state, Map<String, Object> details, Long sequence) {

    public static final String CUSTOMER_REGISTERED = "customer-registered";
    public static final String CUSTOMER_ACTIVATED = "customer-activated";
    public static final String CUSTOMER_ENTITLEMENTS_CHANGED = "customer-entitlements-changed";
    public static final String CUSTOMER_UNSUBSCRIBE_PENDING = "customer-unsubscribe-pending";
    public static final String CUSTOMER_DEACTIVATED = "customer-deactivated";
    public static final String CUSTOMER_SUBSCRIBE_FAILED = "customer-subscribe-failed";
    /**
     * A contract that does not renew ends soon ({@code details.endsAt}, {@code details.agreementId}); once per
     * agreement, without a {@link #sequence()}: a notice about the agreement, not a change of the subscription.
     */
    public static final String CUSTOMER_AGREEMENT_ENDING = "customer-agreement-ending";
    /**
     * A free trial ended while the buyer is still subscribed: paid use from {@code details.freeTrialEndedAt}; once
     * per agreement, without a {@link #sequence()}.
     */
    public static final String CUSTOMER_FREE_TRIAL_CONVERTED = "customer-free-trial-converted";

    /** SQS message attribute carrying {@link #type()}, so consumers can filter without parsing. */
    public static final String TYPE_ATTRIBUTE = "eventType";

    public CustomerEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(occurredAt, "occurredAt");
        Objects.requireNonNull(customer, "customer");
        details = details == null ? Map.of() : Map.copyOf(details);
    }

    /** An event without a {@link #sequence()} (a registration: not a change of the customer's subscription). */
    public CustomerEvent(String type, String eventId, Instant occurredAt, CustomerIds customer, SubscriptionState state,
            Map<String, Object> details) {
        this(type, eventId, occurredAt, customer, state, details, null);
    }

    /**
     * The {@link #sequence()} of the {@code position}-th event (from 0) of the change that brought the customer's
     * item to {@code version}: increasing per customer, so events that SQS delivers out of order can be put back in
     * order.
     */
    public static long sequence(long version, int position) {
        if (position < 0 || position >= EVENTS_PER_CHANGE) {
            throw new IllegalArgumentException("position " + position + " of a change: 0 to " + (EVENTS_PER_CHANGE - 1));
        }
        return version * EVENTS_PER_CHANGE + position;
    }

    /** Most events one change of a customer's item sends (its lifecycle steps and one entitlements change). */
    public static final int EVENTS_PER_CHANGE = 10;
}
