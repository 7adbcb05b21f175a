package io.mpsaas.common.config;

import io.mpsaas.common.messaging.SuiteQueues;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;

/**
 * {@code suite.queues.*}: SQS queues by name (resolved with GetQueueUrl) or by full URL. Defaults match deploy/aws;
 * each queue has a dead-letter queue named {@code <name>-dlq}, found through its redrive policy.
 */
@ConfigMapping(prefix = "suite.queues")
public interface QueuesConfig {

    /** Where AWS Marketplace notifications land: SNS subscriptions and the EventBridge rule's SQS target. */
    @WithDefault(SuiteQueues.NOTIFICATIONS)
    List<String> notifications();

    /** Outbound lifecycle events for the seller's app (customer-registered, customer-activated, ...). */
    @WithDefault(SuiteQueues.CUSTOMER_EVENTS)
    String customerEvents();

    /** Usage records sent by the seller's app (the SQS ingestion path of metering-service). */
    @WithDefault(SuiteQueues.USAGE)
    String usage();

    /** Metering commands, such as the final flush after a cancellation, from entitlement-service. */
    @WithDefault(SuiteQueues.METERING_COMMANDS)
    String meteringCommands();
}
