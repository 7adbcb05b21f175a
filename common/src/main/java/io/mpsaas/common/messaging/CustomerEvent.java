package io.mpsaas.common.messaging;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.mpsaas.common.customer.SubscriptionState;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A lifecycle event for the seller's app, sent on the customer-events queue: a buyer registered, a subscription
 * became active, entitlements changed, access ended. {@code eventId} is stable for one change, so a consumer can
 * dedupe; {@code details} carries what is specific to the type (never personal data).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CustomerEvent(String type, String eventId, Instant occurredAt, CustomerIds customer,
        SubscriptionState state, Map<String, Object> details) {

    public static final String CUSTOMER_REGISTERED = "customer-registered";
    public static final String CUSTOMER_ACTIVATED = "customer-activated";
    public static final String CUSTOMER_ENTITLEMENTS_CHANGED = "customer-entitlements-changed";
    public static final String CUSTOMER_UNSUBSCRIBE_PENDING = "customer-unsubscribe-pending";
    public static final String CUSTOMER_DEACTIVATED = "customer-deactivated";
    public static final String CUSTOMER_SUBSCRIBE_FAILED = "customer-subscribe-failed";

    /** SQS message attribute carrying {@link #type()}, so consumers can filter without parsing. */
    public static final String TYPE_ATTRIBUTE = "eventType";

    public CustomerEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(occurredAt, "occurredAt");
        Objects.requireNonNull(customer, "customer");
        details = details == null ? Map.of() : Map.copyOf(details);
    }
}
