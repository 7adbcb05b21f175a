package io.mpsaas.common.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * {@code suite.ops.*}: what the three services share for operations: the readiness checks of their dependencies and
 * the gauges refreshed in the background. The same keys (and environment variables) in every service.
 */
@ConfigMapping(prefix = "suite.ops")
public interface OpsConfig {

    /**
     * Readiness: which local dependencies are checked, how often, how long a check may take; and which AWS Marketplace
     * APIs the reachability metric watches.
     */
    Health health();

    /**
     * Gauges read from AWS in the background (dead-letter queue depths, AWS Marketplace's reachability,
     * metering-service's oldest unmetered hour).
     */
    Gauges gauges();

    /** Readiness checks of the local dependencies (DynamoDB, SQS), and AWS Marketplace's reachability metric. */
    interface Health {

        /**
         * Dependencies readiness checks: any of {@code dynamodb} (a GetItem of a key that never exists in the
         * customers table) and {@code sqs} (GetQueueUrl of {@link #sqsQueue()}). Drop one to keep pods ready while it
         * is down. AWS Marketplace is never a readiness check (an outage of it would take every pod out of its Service,
         * and with them the APIs that need only DynamoDB): its reachability is the metric
         * {@code mpsaas_marketplace_reachable} and the alert {@code MpsaasMarketplaceUnreachable}.
         */
        @WithDefault("dynamodb,sqs")
        List<String> checks();

        /** How long a check's result is reused: probes from Kubernetes and load balancers cost one call per period. */
        @WithDefault("5s")
        Duration cacheFor();

        /** Longest wait of one check; a slower dependency counts as down. Keep it below the probe's timeout. */
        @WithDefault("1s")
        Duration timeout();

        /** The queue the SQS check looks up (name or URL); each service sets one it may read. */
        @WithDefault("${suite.queues.customer-events:marketplace-customer-events}")
        String sqsQueue();

        /**
         * The AWS Marketplace APIs the service calls, whose reachability {@code mpsaas_marketplace_reachable{api}}
         * reports (an unsigned HTTP GET of the endpoint every {@code suite.ops.gauges.refresh-every}: any HTTP answer,
         * even AWS's refusal, proves it reachable; nothing is billed or changed): {@code metering} (ResolveCustomer,
         * BatchMeterUsage) and/or {@code entitlement} (GetEntitlements).
         */
        @WithDefault("metering")
        List<String> marketplaceApis();
    }

    /** Background gauges. */
    interface Gauges {

        /**
         * How often the gauges read from AWS are refreshed: one GetQueueAttributes per dead-letter queue, one unsigned
         * GET per AWS Marketplace API (and, in metering-service, one Query of one item per index shard) per refresh and
         * replica. {@code off} disables.
         */
        @WithDefault("60s")
        String refreshEvery();

        /**
         * When after the start the gauges are first refreshed: not while the service starts, which their first reads
         * (a Query, GetQueueAttributes, an HTTP GET) would slow down; until then they read NaN.
         */
        @WithDefault("20s")
        String firstRefreshAfter();

        /**
         * Dead-letter queues to watch besides those of the queues the service consumes (names or URLs); onboarding
         * watches the customer-events queue's.
         */
        Optional<List<String>> deadLetterQueues();
    }
}
