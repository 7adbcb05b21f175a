package io.mpsaas.common.messaging;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A command for metering-service on the metering-commands queue.
 * <ul>
 * <li>{@code flush} (entitlement-service, when a subscription ends): meter the customer's open usage now, because AWS
 * accepts final usage only for about an hour ({@code deadline}).</li>
 * <li>{@code redrive} (the operator console): send the customer's failed hourly aggregates named in
 * {@code aggregateIds} again, with the guard rails of metering-service's admin re-drive.</li>
 * </ul>
 *
 * @param aggregateIds {@code redrive} only: ids of the customer's aggregates ({@code agg#<customer key>#...}); null for
 *                     other types
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MeteringCommand(String type, String commandId, CustomerIds customer, String reason,
        Instant requestedAt, Instant deadline, List<String> aggregateIds) {

    public static final String FLUSH = "flush";
    public static final String REDRIVE = "redrive";

    public MeteringCommand {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(commandId, "commandId");
        Objects.requireNonNull(customer, "customer");
        Objects.requireNonNull(requestedAt, "requestedAt");
        aggregateIds = aggregateIds == null ? null : List.copyOf(aggregateIds);
    }

    /** A command without aggregate ids ({@code flush}). */
    public MeteringCommand(String type, String commandId, CustomerIds customer, String reason, Instant requestedAt,
            Instant deadline) {
        this(type, commandId, customer, reason, requestedAt, deadline, null);
    }

    /** A {@code redrive} of some of one customer's aggregates. */
    public static MeteringCommand redrive(String commandId, CustomerIds customer, List<String> aggregateIds,
            String reason, Instant requestedAt) {
        return new MeteringCommand(REDRIVE, commandId, customer, reason, requestedAt, null,
                Objects.requireNonNull(aggregateIds, "aggregateIds"));
    }
}
