package io.mpsaas.common.webhook;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * One event's delivery to one endpoint, as stored (the customers table, {@code webhook#<endpoint>#<eventId>} /
 * {@code DELIVERY}) and as the admin API lists it. {@code body} is the exact JSON POSTed, fixed when the event was
 * written, so every attempt and replay sends the same bytes.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WebhookDelivery(String endpoint, String eventId, String type, String customerKey, String productCode,
        Status status, int attempts, Instant createdAt, Instant retryFrom, Instant nextAttemptAt, Integer lastStatus,
        String lastError, Instant parkedAt, Instant deliveredAt, String body,
        @JsonIgnore String indexKey, @JsonIgnore String claim) {

    /** Where a delivery is: waiting or being sent, received by the endpoint, or out of retries. */
    public enum Status { PENDING, DELIVERED, PARKED }
}
