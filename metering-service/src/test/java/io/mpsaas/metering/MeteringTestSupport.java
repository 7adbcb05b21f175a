package io.mpsaas.metering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mpsaas.common.config.TablesConfig;
import io.mpsaas.common.marketplace.Marketplace;
import io.mpsaas.common.messaging.SuiteQueues;
import io.mpsaas.metering.config.MeteringConfig;
import io.mpsaas.metering.domain.Aggregate;
import io.mpsaas.metering.domain.AggregateStatus;
import io.mpsaas.metering.marketplace.MeteringSender;
import io.mpsaas.metering.persistence.CustomerDirectory;
import io.mpsaas.metering.persistence.UsageTable;
import io.mpsaas.metering.service.MeteringMetrics;
import io.mpsaas.metering.service.MeteringRunner;
import io.mpsaas.metering.service.MeteringRunnerProducer;
import io.mpsaas.metering.service.ProductPolicies;
import io.mpsaas.metering.service.UsageIngestion;
import io.mpsaas.sandbox.Sandbox;
import io.mpsaas.sandbox.marketplace.ledger.AttemptOutcome;
import io.mpsaas.sandbox.marketplace.ledger.MeteringAttempt;
import io.mpsaas.sandbox.testing.InjectSandbox;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/** The beans metering tests use, and a way to build more runners (other replicas, dry run, a crash). */
abstract class MeteringTestSupport {

    @InjectSandbox
    Sandbox sandbox;

    @Inject
    DynamoDbClient dynamo;

    @Inject
    UsageTable table;

    @Inject
    TablesConfig tables;

    @Inject
    CustomerDirectory customers;

    @Inject
    ProductPolicies products;

    @Inject
    Marketplace marketplace;

    @Inject
    MeteringMetrics metrics;

    @Inject
    MeteringConfig config;

    @Inject
    MeteringRunner runner;

    @Inject
    UsageIngestion ingestion;

    MeteringFixtures fx;

    @BeforeEach
    void setUpFixtures() {
        fx = new MeteringFixtures(sandbox.simulator(), dynamo);
        fx.ensureConfiguredProducts();
    }

    @AfterEach
    void resetFaults() {
        sandbox.simulator().faults().reset();
    }

    /**
     * Another replica: its own lease owner id and pacer (taking its slots from the shared pace item, as configured),
     * the same tables and simulator.
     */
    MeteringRunner replica(String owner, boolean dryRun, Set<String> testAccounts, MeteringRunner.Failpoint failpoint) {
        MeteringRunner.Settings base = MeteringRunnerProducer.settings(config, owner);
        MeteringRunner.Settings settings = new MeteringRunner.Settings(owner, dryRun, testAccounts, base.lease(),
                base.claimBatch(), base.listAhead(), base.retryLater(), base.warnBeforeDeadline());
        return new MeteringRunner(table, customers, products, sender(), metrics, settings, failpoint);
    }

    /** A replica whose usage table's DynamoDB calls go through {@code counting}. */
    MeteringRunner countedReplica(String owner, CountingDynamo counting) {
        return replica(new UsageTable(counting.client, tables, config), MeteringRunnerProducer.settings(config, owner));
    }

    /** A replica whose usage table's calls go through {@code counting}, reading the pending list {@code page} a page. */
    MeteringRunner pagedReplica(String owner, CountingDynamo counting, int page) {
        return replica(new UsageTable(counting.client, tables, config, page),
                MeteringRunnerProducer.settings(config, owner));
    }

    /** {@link #pagedReplica(String, CountingDynamo, int)}, reading at most {@code listAhead} ahead of its claims. */
    MeteringRunner pagedReplica(String owner, CountingDynamo counting, int page, int listAhead) {
        MeteringRunner.Settings base = MeteringRunnerProducer.settings(config, owner);
        return replica(new UsageTable(counting.client, tables, config, page), new MeteringRunner.Settings(owner,
                base.dryRun(), base.testAccounts(), base.lease(), base.claimBatch(), listAhead, base.retryLater(),
                base.warnBeforeDeadline()));
    }

    private MeteringRunner replica(UsageTable usage, MeteringRunner.Settings settings) {
        return new MeteringRunner(usage, customers, products, sender(), metrics, settings,
                MeteringRunner.Failpoint.NONE);
    }

    /** A sender of its own, pacing its calls as the service does (the shared pace item, as configured). */
    private MeteringSender sender() {
        MeteringConfig.Job job = config.job();
        return new MeteringSender(marketplace, MeteringRunnerProducer.pacer(job, dynamo, tables),
                new MeteringSender.Retries(job.attemptsPerRun(), job.retryBaseDelay(), job.retryMaxDelay()));
    }

    MeteringRunner replica(String owner) {
        return replica(owner, false, Set.of(), MeteringRunner.Failpoint.NONE);
    }

    /** The replicas' hourly runs, started at the same moment; their reports, waited for at most {@code timeout} each. */
    static List<MeteringRunner.Report> meterAtOnce(List<MeteringRunner> replicas, Duration timeout) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(replicas.size());
        try {
            List<Future<MeteringRunner.Report>> running = new ArrayList<>();
            Instant now = Instant.now();
            for (MeteringRunner r : replicas) {
                running.add(pool.submit(() -> {
                    start.await();
                    return r.meterClosedHours(now, false);
                }));
            }
            start.countDown();
            List<MeteringRunner.Report> reports = new ArrayList<>();
            for (Future<MeteringRunner.Report> f : running) {
                reports.add(f.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
            }
            return reports;
        } finally {
            pool.shutdown();
        }
    }

    void ingest(MeteringFixtures.Buyer buyer, String dimension, long quantity, Instant at) {
        ingestion.ingest(List.of(buyer.usage(dimension, quantity, at)), UsageIngestion.SOURCE_API)
                .forEach(o -> {
                    if (o.rejected()) {
                        throw new AssertionError("usage rejected: " + o);
                    }
                });
    }

    /** Waits for a message containing {@code marker} in the queue's dead-letter queue, and takes it out. */
    Message awaitParked(String queue, String marker) {
        SqsClient sqs = sandbox.aws().sqs();
        String dlq = sandbox.aws().queueUrl(SuiteQueues.deadLetterQueue(queue));
        Message[] found = new Message[1];
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            Optional<Message> m = sqs.receiveMessage(r -> r.queueUrl(dlq).maxNumberOfMessages(10).waitTimeSeconds(1)
                    .messageAttributeNames("All")).messages().stream()
                    .filter(x -> x.body().contains(marker)).findFirst();
            m.ifPresent(x -> {
                found[0] = x;
                sqs.deleteMessage(d -> d.queueUrl(dlq).receiptHandle(x.receiptHandle()));
            });
            return m.isPresent();
        });
        return found[0];
    }

    /**
     * Five buyers of one new product, each with usage in 22 dimensions ({@code prefix} 00 to 21) of {@code hour}: 110
     * aggregates, buyer b's dimension i holding b * 100 + i + 1.
     */
    List<MeteringFixtures.Buyer> fiveBuyersOf22Dimensions(String prefix, Instant hour) {
        String[] dimensions = new String[22];
        for (int i = 0; i < 22; i++) {
            dimensions[i] = String.format("%s%02d", prefix, i);
        }
        String product = fx.newProduct(false, dimensions);
        List<MeteringFixtures.Buyer> buyers = new ArrayList<>();
        for (int b = 0; b < 5; b++) {
            MeteringFixtures.Buyer buyer = fx.activeBuyer(product, 2);
            buyers.add(buyer);
            for (int i = 0; i < 22; i++) {
                ingest(buyer, dimensions[i], b * 100 + i + 1, hour.plusSeconds(i));
            }
        }
        return buyers;
    }

    /** Records per BatchMeterUsage call of the buyers, once every attempt is checked a success. */
    Map<String, Long> recordsPerCall(List<MeteringFixtures.Buyer> buyers) {
        Map<String, Long> perCall = new LinkedHashMap<>();
        for (MeteringFixtures.Buyer buyer : buyers) {
            assertThat(fx.attempts(buyer)).extracting(MeteringAttempt::outcome).containsOnly(AttemptOutcome.SUCCESS);
            fx.attempts(buyer).forEach(a -> perCall.merge(a.requestId(), 1L, Long::sum));
        }
        return perCall;
    }

    /** Every aggregate of {@link #fiveBuyersOf22Dimensions} billed with its quantity, and SENT. */
    void assertEachBilledOnce(List<MeteringFixtures.Buyer> buyers, String prefix, Instant hour) {
        for (int b = 0; b < 5; b++) {
            for (int i = 0; i < 22; i++) {
                String dimension = String.format("%s%02d", prefix, i);
                assertThat(fx.billed(buyers.get(b), dimension)).isEqualTo(b * 100 + i + 1);
                assertThat(aggregate(buyers.get(b), dimension, hour).status()).isEqualTo(AggregateStatus.SENT);
            }
        }
    }

    Aggregate aggregate(MeteringFixtures.Buyer buyer, String dimension, Instant hour) {
        return table.aggregate(UsageTable.aggregateId(buyer.customerKey(), dimension, hour)).orElseThrow();
    }
}
