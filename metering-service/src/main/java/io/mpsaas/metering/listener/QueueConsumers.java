package io.mpsaas.metering.listener;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mpsaas.common.config.QueuesConfig;
import io.mpsaas.common.messaging.QueueUrls;
import io.mpsaas.common.messaging.SqsConsumer;
import io.mpsaas.common.ops.SqsConsumers;
import io.mpsaas.metering.config.MeteringConfig;
import io.mpsaas.metering.service.MeteringRunner;
import io.mpsaas.metering.service.OperatorService;
import io.mpsaas.metering.service.UsageIngestion;
import io.mpsaas.metering.service.UsageJson;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Starts the consumers of the usage and metering-commands queues with the application (through common's
 * {@link SqsConsumers}: traced, measured, part of readiness; their URLs resolved in the background so that an
 * unreachable SQS never fails the start), and stops them with it.
 */
@ApplicationScoped
public class QueueConsumers {

    private volatile SqsConsumers.Pending pending;

    void start(@Observes StartupEvent event, SqsClient sqs, QueuesConfig queues, MeteringConfig config,
            UsageIngestion ingestion, MeteringRunner runner, OperatorService operator, ObjectMapper mapper,
            UsageJson usageJson, Clock clock, SqsConsumers registry) {
        MeteringConfig.Consumers settings = config.consumers();
        if (!settings.enabled()) {
            Log.info("Queue consumers are off (suite.metering.consumers.enabled=false)");
            return;
        }
        // resolved in the background: an unreachable SQS leaves the service not ready, never stops its start
        // (POST /v1/usage needs only DynamoDB)
        pending = registry.startWhenResolved("the usage and metering-commands queues", () -> {
            String usageUrl = QueueUrls.resolve(sqs, queues.usage());
            String usageDlq = QueueUrls.deadLetterQueueUrl(sqs, mapper, usageUrl);
            String commandsUrl = QueueUrls.resolve(sqs, queues.meteringCommands());
            String commandsDlq = QueueUrls.deadLetterQueueUrl(sqs, mapper, commandsUrl);
            return List.of(
                    consumer(sqs, usageUrl, usageDlq, settings, "usage",
                            new UsageQueueListener(ingestion, usageJson.mapper(), sqs, usageUrl, usageDlq)),
                    consumer(sqs, commandsUrl, commandsDlq, settings, "metering-commands",
                            new MeteringCommandListener(runner, operator, mapper, clock)));
        });
    }

    private static SqsConsumer.Builder consumer(SqsClient sqs, String url, String dlq,
            MeteringConfig.Consumers settings, String name, SqsConsumer.Handler handler) {
        return SqsConsumer.builder().sqs(sqs).queueUrl(url).deadLetterQueueUrl(dlq).handler(handler)
                .concurrency(settings.concurrency()).waitTimeSeconds(settings.waitTimeSeconds()).name(name);
    }

    void stop(@Observes ShutdownEvent event) {
        if (pending != null) {
            pending.stop(Duration.ofSeconds(10));
        }
    }

    /** The running consumers (none while their queue URLs are not resolved yet). */
    public List<SqsConsumer> consumers() {
        return pending == null ? List.of() : pending.consumers();
    }
}
