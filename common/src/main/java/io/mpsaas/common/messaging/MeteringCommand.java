package io.mpsaas.common.messaging;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Objects;

/**
 * A command for metering-service on the metering-commands queue. {@code flush}: meter the customer's open usage now,
 * because the subscription is ending and AWS accepts final usage only for about an hour ({@code deadline}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MeteringCommand(String type, String commandId, CustomerIds customer, String reason,
        Instant requestedAt, Instant deadline) {

    public static final String FLUSH = "flush";

    public MeteringCommand {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(commandId, "commandId");
        Objects.requireNonNull(customer, "customer");
        Objects.requireNonNull(requestedAt, "requestedAt");
    }
}
