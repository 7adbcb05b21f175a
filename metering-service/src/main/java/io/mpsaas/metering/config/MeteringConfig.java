package io.mpsaas.metering.config;

import io.mpsaas.metering.domain.PricingModel;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code suite.metering.*}: metering-service's own settings. Every key has a default; the README's metering-service
 * section lists them all.
 */
@ConfigMapping(prefix = "suite.metering")
public interface MeteringConfig {

    /** Per product code: pricing model, known dimensions, consumption mapping. Products not listed are subscriptions. */
    Map<String, Product> products();

    /** Usage ingestion limits and the acceptance window. */
    Ingestion ingestion();

    /** The hourly metering job. */
    Job job();

    /**
     * Dry run: the job freezes and records everything as it would, but sends nothing to AWS; aggregates end in status
     * {@code DRY_RUN}.
     */
    @WithDefault("false")
    boolean dryRun();

    /**
     * Test-account allow-list (AWS account ids). When set, only customers whose {@code customerAwsAccountId} is listed
     * are really metered; every other aggregate is recorded as {@code DRY_RUN} ("not a test account"). Unset: everyone
     * is metered.
     */
    Optional<List<String>> testAccounts();

    /**
     * Send a zero-quantity record every hour for every active customer of a product with configured dimensions, for
     * each of those dimensions (AWS recommends hourly records even without usage).
     */
    @WithDefault("false")
    boolean zeroUsageRecords();

    /** Shards of the pending and failed index partitions ({@code pending#0..n-1}), spreading index writes. */
    @WithDefault("4")
    int indexShards();

    /** How long aggregates (hourly usage and results) stay in the table for the operator API. */
    @WithDefault("90d")
    Duration aggregateRetention();

    /** SQS consumers of the usage and metering-commands queues. */
    Consumers consumers();

    /** AWS's BatchMeterUsage quota, and the headroom the hourly runs leave in it. */
    Quota quota();

    /** Optional reader of the AWS sample's {@code AWSMarketplaceMeteringRecords} table. */
    Migration migration();

    /** One product's metering settings, {@code suite.metering.products.<productCode>.*}. */
    interface Product {

        /** SUBSCRIPTION (meter everything), CONTRACT (never meter), CONTRACT_WITH_CONSUMPTION (meter the overage). */
        @WithDefault("SUBSCRIPTION")
        PricingModel pricingModel();

        /**
         * The product's metered dimension API names. Set: usage for any other dimension is rejected
         * ({@code UNKNOWN_DIMENSION}); unset: any dimension is accepted and AWS decides at send time.
         */
        Optional<List<String>> dimensions();

        /**
         * CONTRACT_WITH_CONSUMPTION: metered dimension -> entitled (contracted) dimension whose quantity is free each
         * hour. A metered dimension not listed is compared with the entitlement of the same name.
         */
        Map<String, String> entitlementDimensions();
    }

    /** {@code suite.metering.ingestion.*}. */
    interface Ingestion {

        /**
         * How long after {@code License Deprovisioned} final usage is still accepted (usage dated no later than the
         * deprovisioning). AWS's EventBridge page opens the final hour there, its SaaS pricing page at
         * {@code Purchase Agreement Ended} (where entitlement-service has the usage flushed): both are honoured.
         * {@code 0s} refuses everything after the deprovisioning.
         */
        @WithDefault("1h")
        Duration finalUsageAfterDeprovisioned();

        /** Largest quantity of one usage record (AWS's own bound is 2147483647 per hour and dimension). */
        @WithDefault("1000000000")
        long maxQuantity();

        /** Most records in one {@code POST /v1/usage} call or one SQS message. */
        @WithDefault("500")
        int maxRecordsPerRequest();

        /**
         * Largest body of one {@code POST /v1/usage} call; a larger one is answered 413 problem+json without being
         * read further. 500 records of the longest ids fit well below the default.
         */
        @WithDefault("1M")
        io.quarkus.runtime.configuration.MemorySize maxBodySize();

        /**
         * Time the job keeps, after ingestion closes for an hour, to send it before AWS's 24-hour limit (and the
         * month-end limit): usage whose hour cannot be ingested at least this long before its AWS deadline is
         * rejected ({@code TIMESTAMP_TOO_OLD}).
         */
        @WithDefault("4h")
        Duration sendMargin();

        /** Tolerated clock skew of usage timestamps in the future. */
        @WithDefault("5m")
        Duration maxClockSkew();

        /** How long an idempotency key is remembered (at least the 24-hour metering window plus the margin). */
        @WithDefault("72h")
        Duration idempotencyTtl();
    }

    /** {@code suite.metering.job.*}. */
    interface Job {

        /**
         * Quartz-style cron of the hourly run (seconds first); {@code off} disables it. Default: five minutes past
         * every hour, so usage reported just after the hour still lands in its hour.
         */
        @WithDefault("0 5 * * * ?")
        String cron();

        /** Interval of the retry run, which re-sends what earlier runs could not (throttling, outages); {@code off} disables it. */
        @WithDefault("10m")
        String retryEvery();

        /** How long a replica's claim on an aggregate lasts; another replica may take it over after that. */
        @WithDefault("2m")
        Duration lease();

        /**
         * Aggregates claimed ahead of sending. Claims go by BatchMeterUsage call (25 aggregates of one product and
         * identity model in one transaction); up to this many are claimed, frozen and waiting while one call is sent.
         */
        @WithDefault("100")
        int claimBatch();

        /**
         * Aggregates of the pending list a run reads ahead of its claims: the reading pauses while this many are read
         * and not yet claimed (in full batches of 25, or handed on and not yet sorted into them), so a replica holds
         * about this many of the list in memory, however long the backlog, and replicas starting together do not all
         * read the whole list before their first calls. What waits in a product's short batch (fewer than 25) does not
         * count: the reading never waits for claims that wait for more of the list.
         */
        @WithDefault("2000")
        int listAhead();

        /**
         * BatchMeterUsage calls per second of all replicas together (with {@link #sharedPace()}, the default), or of
         * this replica alone (without it). AWS allows 10 per second per account and region, shared by all replicas
         * (throttling is still retried). A little under the quota, as GetEntitlements' 19 of 20: calls spaced exactly
         * at the quota arrive with the network's jitter, and every tenth or so then lands as the eleventh of a second
         * (BENCHMARKS.md: 83 of 883 attempts throttled at 10/s, 2 of 802 at 9.8/s).
         */
        @WithDefault("9.8")
        double rateLimit();

        /**
         * Whether the replicas share one pace: every BatchMeterUsage slot is taken from one item of the usage table
         * (common's {@code SharedCallPacer}, a conditional write per call), so all replicas together call at most
         * {@link #rateLimit()} times a second, evenly spaced, however many run. {@code false}: each replica paces
         * itself at {@code rate-limit} without coordination; set it then to 9.8 divided by the most replicas that
         * may run (uncoordinated replicas' calls still bunch up in AWS's sliding second: BENCHMARKS.md).
         */
        @WithDefault("true")
        boolean sharedPace();

        /**
         * With {@link #sharedPace()}: while DynamoDB cannot be reached (an error after the SDK's retries), a replica
         * paces itself at {@code rate-limit} divided by this many replicas, for 5 s at a time before it tries the
         * shared item again, so no claimed batch waits for DynamoDB. Set it to the most replicas that may run (the
         * chart's {@code autoscaling.maxReplicas}, 6 by default).
         */
        @WithDefault("6")
        int sharedPaceFallbackReplicas();

        /** Sending rounds within one run for throttled, failed or unprocessed records before leaving them for later. */
        @WithDefault("3")
        int attemptsPerRun();

        /** First backoff between rounds; exponential with full jitter. */
        @WithDefault("1s")
        Duration retryBaseDelay();

        /** Longest backoff between rounds. */
        @WithDefault("30s")
        Duration retryMaxDelay();

        /** After a run gave up on an aggregate, the earliest time a later run tries it again. */
        @WithDefault("5m")
        Duration retryLater();

        /** Warn (log WARN, gauge) about unsent aggregates this long before their AWS deadline. */
        @WithDefault("6h")
        Duration warnBeforeDeadline();
    }

    /** {@code suite.metering.quota.*}. */
    interface Quota {

        /**
         * BatchMeterUsage calls per second AWS allows this seller account in this region, all replicas together
         * (AWS's default: 10); set it to what AWS granted after an increase. Only the headroom figures use it: the
         * replicas' pace is {@code job.rate-limit}.
         */
        @WithDefault("10")
        double callsPerSecond();

        /** How far back the hourly runs' needs are read to see how fast they grow. */
        @WithDefault("7d")
        Duration trendWindow();
    }

    /** {@code suite.metering.consumers.*}. */
    interface Consumers {

        /** Whether the service consumes the usage and metering-commands queues. */
        @WithDefault("true")
        boolean enabled();

        /** Messages handled at once per queue. */
        @WithDefault("4")
        int concurrency();

        /** Long-poll wait, seconds (0..20). */
        @WithDefault("20")
        int waitTimeSeconds();
    }

    /** {@code suite.metering.migration.*}. */
    interface Migration {

        /** Read pending rows of the AWS sample's table before each hourly run. */
        @WithDefault("false")
        boolean enabled();

        /** The sample's table name. */
        @WithDefault("AWSMarketplaceMeteringRecords")
        String table();

        /** The sample's pending-records index. */
        @WithDefault("PendingMeteringRecordsIndex")
        String index();

        /** The product code of the sample's stack (its rows carry only the CustomerIdentifier). */
        Optional<String> productCode();

        /** Rows read per page. */
        @WithDefault("100")
        int pageSize();
    }
}
