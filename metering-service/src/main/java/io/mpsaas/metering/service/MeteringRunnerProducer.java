package io.mpsaas.metering.service;

import io.mpsaas.common.config.TablesConfig;
import io.mpsaas.common.marketplace.Marketplace;
import io.mpsaas.common.marketplace.Pacer;
import io.mpsaas.common.marketplace.SharedCallPacer;
import io.mpsaas.common.marketplace.ThrottleFeedback;
import io.mpsaas.metering.config.MeteringConfig;
import io.mpsaas.metering.marketplace.MeteringSender;
import io.mpsaas.metering.persistence.CustomerDirectory;
import io.mpsaas.metering.persistence.UsageTable;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** This replica's {@link MeteringRunner}: its lease owner id, call pace and settings from the configuration. */
@ApplicationScoped
public class MeteringRunnerProducer {

    /** The AWS operation the pace is of (the shared pace item's key names it). */
    static final String BATCH_METER_USAGE = "BatchMeterUsage";

    @Produces
    @Singleton
    MeteringRunner runner(UsageTable table, CustomerDirectory customers, ProductPolicies products,
            Marketplace marketplace, MeteringMetrics metrics, MeteringConfig config, QuotaTracker quota,
            Pacer pacer) {
        MeteringConfig.Job job = config.job();
        MeteringSender sender = new MeteringSender(marketplace, pacer,
                new MeteringSender.Retries(job.attemptsPerRun(), job.retryBaseDelay(), job.retryMaxDelay()));
        return new MeteringRunner(table, customers, products, sender, metrics, settings(config, replicaId()),
                MeteringRunner.Failpoint.NONE, quota);
    }

    /**
     * The pace of this replica's BatchMeterUsage calls, told of throttled attempts by {@link #throttleFeedback}.
     * Application-scoped, as entitlement-service's GetEntitlements pace: the sender and the feedback reach the one
     * instance through a client proxy.
     */
    @Produces
    @ApplicationScoped
    Pacer pacer(MeteringConfig config, DynamoDbClient dynamo, TablesConfig tables) {
        return pacer(config.job(), dynamo, tables);
    }

    /**
     * Tells the pace of every BatchMeterUsage attempt AWS throttled, so it leaves a slot free for the client's retry
     * (a listener bean: common's Marketplace client observes its calls with it).
     */
    @Produces
    @Singleton
    ThrottleFeedback throttleFeedback(Pacer pacer) {
        return new ThrottleFeedback(BATCH_METER_USAGE, pacer);
    }

    /**
     * With {@code suite.metering.job.shared-pace}: {@code rate-limit} for all replicas together, each slot taken from
     * one item of the usage table; without it, {@code rate-limit} for this replica alone.
     */
    public static Pacer pacer(MeteringConfig.Job job, DynamoDbClient dynamo, TablesConfig tables) {
        return SharedCallPacer.of(job.sharedPace(), dynamo, tables.usage(), BATCH_METER_USAGE, job.rateLimit(),
                job.sharedPaceFallbackReplicas());
    }

    /** The runner settings of the configuration, under the given lease owner id. */
    public static MeteringRunner.Settings settings(MeteringConfig config, String owner) {
        MeteringConfig.Job job = config.job();
        return new MeteringRunner.Settings(owner, config.dryRun(), Set.copyOf(config.testAccounts().orElse(List.of())),
                job.lease(), job.claimBatch(), job.listAhead(), job.retryLater(), job.warnBeforeDeadline());
    }

    /** The pod name on Kubernetes (HOSTNAME), else the host name, plus a random suffix per process. */
    static String replicaId() {
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                host = "metering";
            }
        }
        return host + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
