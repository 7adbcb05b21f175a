package io.mpsaas.metering.listener;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mpsaas.common.logging.CustomerMdc;
import io.mpsaas.common.messaging.CustomerIds;
import io.mpsaas.common.messaging.MeteringCommand;
import io.mpsaas.common.messaging.SqsConsumer;
import io.mpsaas.metering.domain.CustomerRef;
import io.mpsaas.metering.persistence.UsageTable;
import io.mpsaas.metering.service.MeteringRunner;
import io.mpsaas.metering.service.OperatorService;
import io.quarkus.logging.Log;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Handles the metering-commands queue. {@code flush} (entitlement-service, on a cancellation): meter the customer's
 * open usage now, the current hour included, inside AWS's final-usage window; what cannot be settled at once is tried
 * again every few seconds until the command's deadline. {@code redrive}: sent by the operator console of earlier
 * versions (today's console calls the admin API's {@code POST /v1/admin/metering/redrive}); still accepted, so that
 * commands in flight during an upgrade are not lost: the admin re-drive of the named aggregates, through the same
 * {@link OperatorService#redrive} and so with the same guard rails.
 */
final class MeteringCommandListener implements SqsConsumer.Handler {

    static final Duration RETRY = Duration.ofSeconds(15);

    private final MeteringRunner runner;
    private final OperatorService operator;
    private final ObjectMapper mapper;
    private final Clock clock;

    MeteringCommandListener(MeteringRunner runner, OperatorService operator, ObjectMapper mapper, Clock clock) {
        this.runner = runner;
        this.operator = operator;
        this.mapper = mapper;
        this.clock = clock;
    }

    @Override
    public SqsConsumer.Outcome handle(Message message) {
        MeteringCommand command;
        try {
            command = mapper.readValue(message.body(), MeteringCommand.class);
        } catch (IOException | RuntimeException e) {
            return new SqsConsumer.Outcome.Park("malformed metering command: " + e.getMessage());
        }
        if (!MeteringCommand.FLUSH.equals(command.type()) && !MeteringCommand.REDRIVE.equals(command.type())) {
            return new SqsConsumer.Outcome.Park("unknown metering command type '" + command.type() + "'");
        }
        String customerKey;
        try {
            customerKey = command.customer() == null ? null : customerKey(command.customer());
        } catch (IllegalArgumentException e) {
            // a license ARN that is not one names no customer, now or later
            return new SqsConsumer.Outcome.Park(command.type() + " command " + command.commandId()
                    + " names no customer: " + e.getMessage());
        }
        if (customerKey == null) {
            return new SqsConsumer.Outcome.Park(command.type() + " command " + command.commandId()
                    + " names no customer");
        }
        if (MeteringCommand.REDRIVE.equals(command.type())) {
            return redrive(command, customerKey, message);
        }
        try (CustomerMdc ignored = CustomerMdc.of(customerKey, command.customer().productCode(),
                command.customer().licenseArn(), command.customer().customerIdentifier())) {
            return flush(command, customerKey, message);
        }
    }

    private SqsConsumer.Outcome flush(MeteringCommand command, String customerKey, Message message) {
        Instant now = clock.instant();
        MeteringRunner.Report report = runner.flush(customerKey, now);
        Log.infof("Flush %s of customer %s (%s, message %s): %s", command.commandId(), customerKey,
                command.reason(), message.messageId(), report);
        boolean unsettled = report.retryLater() > 0 || report.claimedElsewhere() > 0;
        if (unsettled && (command.deadline() == null || now.plus(RETRY).isBefore(command.deadline()))) {
            return new SqsConsumer.Outcome.Retry(RETRY, "flush of " + customerKey + " not settled yet");
        }
        if (unsettled) {
            Log.errorf("Flush %s of customer %s could not settle all usage before its deadline %s", command.commandId(),
                    customerKey, command.deadline());
        }
        return SqsConsumer.Outcome.DONE;
    }

    /**
     * Re-drives the command's aggregates one by one as the admin endpoint does. Every id must be one of the named
     * customer's aggregates, or nothing is done and the command is parked. A refusal (wrong status, too close to the
     * deadline, changed meanwhile) is an answer, logged, not a failure: a repeated command finds the aggregates
     * already pending and is refused harmlessly.
     */
    private SqsConsumer.Outcome redrive(MeteringCommand command, String customerKey, Message message) {
        List<String> ids = command.aggregateIds();
        if (ids == null || ids.isEmpty()) {
            return new SqsConsumer.Outcome.Park("redrive command " + command.commandId() + " names no aggregates");
        }
        String prefix = UsageTable.aggregatePrefix(customerKey);
        for (String id : ids) {
            if (id == null || !id.startsWith(prefix)) {
                return new SqsConsumer.Outcome.Park("redrive command " + command.commandId() + " names aggregate '"
                        + id + "', which is not one of customer " + customerKey + "'s");
            }
        }
        for (String id : ids) {
            OperatorService.Redrive result = operator.redrive(id);
            if (result.requeued()) {
                Log.infof("Redrive %s of customer %s (%s, message %s): %s %s", command.commandId(), customerKey,
                        command.reason(), message.messageId(), id, result.message());
            } else {
                Log.warnf("Redrive %s of customer %s (%s, message %s) refused for %s: %s", command.commandId(),
                        customerKey, command.reason(), message.messageId(), id, result.message());
            }
        }
        return SqsConsumer.Outcome.DONE;
    }

    static String customerKey(CustomerIds ids) {
        return CustomerRef.keyOf(ids.customerKey(), ids.licenseArn(), ids.customerIdentifier(), ids.productCode());
    }
}
