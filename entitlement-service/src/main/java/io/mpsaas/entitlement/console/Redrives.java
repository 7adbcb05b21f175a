package io.mpsaas.entitlement.console;

import io.mpsaas.common.customer.IdentityModel;
import io.mpsaas.common.messaging.CustomerIds;
import io.mpsaas.common.messaging.MeteringCommand;
import io.mpsaas.entitlement.messaging.Effects;
import io.mpsaas.entitlement.messaging.EffectSender;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Asks metering-service to re-drive failed aggregates: one {@code redrive} {@link MeteringCommand} per customer on
 * {@code suite.queues.metering-commands}, which metering-service handles with its admin re-drive (same guard rails:
 * only {@code CUSTOMER_NOT_SUBSCRIBED} and {@code FAILED}, never {@code DUPLICATE_RECORD}, not within 15 minutes of
 * AWS's deadline, the frozen quantity unchanged). The console checks what it can read first, so an operator learns at
 * once about an aggregate that is gone or in a status metering-service would refuse.
 */
@ApplicationScoped
public class Redrives {

    /** Most aggregates one request names. */
    static final int MAX_IDS = 200;

    /** What became of one aggregate of the request. */
    public record Outcome(String id, String customerKey, boolean requested, String message) {
    }

    private final UsageReader usage;
    private final EffectSender sender;
    private final Clock clock;

    public Redrives(UsageReader usage, EffectSender sender, Clock clock) {
        this.usage = usage;
        this.sender = sender;
        this.clock = clock;
    }

    /** Sends the commands for the re-drivable ones among {@code ids}; {@code operator} is the session's key id. */
    public List<Outcome> request(List<String> ids, String operator) {
        Set<String> unique = new LinkedHashSet<>(ids == null ? List.of() : ids);
        if (unique.isEmpty()) {
            throw new ConsoleInputException("Select at least one aggregate to re-drive.");
        }
        if (unique.size() > MAX_IDS) {
            throw new ConsoleInputException("Select at most " + MAX_IDS + " aggregates at a time.");
        }
        Instant now = clock.instant();
        List<Outcome> outcomes = new ArrayList<>();
        Map<String, List<UsageReader.Aggregate>> byCustomer = new LinkedHashMap<>();
        for (String id : unique) {
            Optional<UsageReader.Aggregate> found = usage.aggregate(id);
            if (found.isEmpty()) {
                outcomes.add(new Outcome(id, null, false, "No such aggregate."));
                continue;
            }
            UsageReader.Aggregate a = found.get();
            if ("DUPLICATE_RECORD".equals(a.status())) {
                outcomes.add(new Outcome(id, a.customerKey(), false, "AWS already holds another quantity for this"
                        + " hour (DuplicateRecord); sending again cannot change what it bills."));
            } else if (!UsageReader.REDRIVABLE.contains(a.status())) {
                outcomes.add(new Outcome(id, a.customerKey(), false, "Status " + a.status() + " cannot be re-driven"
                        + " (only CUSTOMER_NOT_SUBSCRIBED and FAILED)."));
            } else if (!a.redrivable(now)) {
                outcomes.add(new Outcome(id, a.customerKey(), false, "AWS no longer accepts usage of this hour"
                        + " (deadline " + a.deadline() + ")."));
            } else {
                byCustomer.computeIfAbsent(a.customerKey(), k -> new ArrayList<>()).add(a);
            }
        }
        List<MeteringCommand> commands = new ArrayList<>();
        byCustomer.forEach((customerKey, aggregates) -> {
            UsageReader.Aggregate first = aggregates.get(0);
            List<String> aggregateIds = aggregates.stream().map(UsageReader.Aggregate::id).toList();
            MeteringCommand command = MeteringCommand.redrive(UUID.randomUUID().toString(), ids(first),
                    aggregateIds, "operator console, key " + operator, now);
            commands.add(command);
            Log.infof("Console operator (key %s) asked to re-drive %d aggregates of customer %s (product %s,"
                    + " command %s): %s", operator, aggregateIds.size(), customerKey, first.productCode(),
                    command.commandId(), aggregateIds);
            aggregates.forEach(a -> outcomes.add(new Outcome(a.id(), customerKey, true, "Re-drive requested"
                    + " (command " + command.commandId() + "); the next metering run sends it again.")));
        });
        sender.send(new Effects(List.of(), commands));
        return outcomes;
    }

    private static CustomerIds ids(UsageReader.Aggregate a) {
        IdentityModel model = a.identityModel() == null ? null : IdentityModel.valueOf(a.identityModel());
        return new CustomerIds(a.customerKey(), model, a.productCode(), a.customerIdentifier(),
                a.customerAwsAccountId(), a.licenseArn(), null);
    }
}
