package io.mpsaas.entitlement.messaging;

import io.mpsaas.common.messaging.CustomerEvent;
import io.mpsaas.common.messaging.MeteringCommand;
import java.util.List;

/**
 * What must be sent once a notification's change is committed: lifecycle events for the seller's app and metering
 * commands. Stored with the inbox entry until sent, so a crash in between sends them again (with the same ids).
 */
public record Effects(List<CustomerEvent> events, List<MeteringCommand> commands) {

    public static final Effects NONE = new Effects(List.of(), List.of());

    public Effects {
        events = events == null ? List.of() : List.copyOf(events);
        commands = commands == null ? List.of() : List.copyOf(commands);
    }

    public boolean isEmpty() {
        return events.isEmpty() && commands.isEmpty();
    }
}
