package io.mpsaas.metering.listener;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mpsaas.common.logging.CustomerMdc;
import io.mpsaas.common.messaging.CustomerIds;
import io.mpsaas.common.messaging.MeteringCommand;
import io.mpsaas.common.messaging.SqsConsumer;
import io.mpsaas.metering.domain.CustomerRef;
import io.mpsaas.metering.service.MeteringRunner;
import io.quarkus.logging.Log;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Handles the metering-commands queue. {@code flush} (entitlement-service, on a cancellation): meter the customer's
 * open usage now, the current hour included, inside AWS's final-usage window; what cannot be settled at once is tried
 * again every few seconds until the command's deadline.
 */
final class MeteringCommandListener implements SqsConsumer.Handler {

    static final Duration RETRY = Duration.ofSeconds(15);

    private final MeteringRunner runner;
    private final ObjectMapper mapper;
    private final Clock clock;

    MeteringCommandListener(MeteringRunner runner, ObjectMapper mapper, Clock clock) {
        this.runner = runner;
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
        if (!MeteringCommand.FLUSH.equals(command.type())) {
            return new SqsConsumer.Outcome.Park("unknown metering command type '" + command.type() + "'");
        }
        String customerKey = customerKey(command.customer());
        if (customerKey == null) {
            return new SqsConsumer.Outcome.Park("flush command " + command.commandId() + " names no customer");
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

    static String customerKey(CustomerIds ids) {
        return CustomerRef.keyOf(ids.customerKey(), ids.licenseArn(), ids.customerIdentifier(), ids.productCode());
    }
}
