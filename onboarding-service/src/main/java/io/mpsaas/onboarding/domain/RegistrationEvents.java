package io.mpsaas.onboarding.domain;

import io.mpsaas.common.customer.CustomerRecord;
import io.mpsaas.common.messaging.CustomerEvent;
import io.mpsaas.common.messaging.CustomerIds;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** The {@code customer-registered} event for the seller's provisioning: ids and facts, never personal data. */
public final class RegistrationEvents {

    private RegistrationEvents() {
    }

    /**
     * The event of a customer's first registration. Its {@code eventId} is derived from the customer key and the
     * registration time, so a resend (after a failed send) carries the same id and consumers can dedupe on it.
     */
    public static CustomerEvent customerRegistered(CustomerRecord customer, Instant registeredAt) {
        String eventId = UUID.nameUUIDFromBytes((CustomerEvent.CUSTOMER_REGISTERED + "|" + customer.key() + "|"
                + registeredAt).getBytes(StandardCharsets.UTF_8)).toString();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("registeredAt", registeredAt.toString());
        // the buyer's browser posted it: named a hint, never "free trial" (AWS's word comes with customer-activated)
        if (customer.offerTypeHint() != null) {
            details.put("offerTypeHint", customer.offerTypeHint());
        }
        details.put("landings", customer.landings());
        return new CustomerEvent(CustomerEvent.CUSTOMER_REGISTERED, eventId, registeredAt, CustomerIds.of(customer),
                customer.state(), details);
    }
}
