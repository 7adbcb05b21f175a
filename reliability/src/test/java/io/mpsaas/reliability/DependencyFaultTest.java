package io.mpsaas.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mpsaas.sandbox.LocalSuite.Service;
import io.mpsaas.sandbox.Sandbox;
import io.mpsaas.sandbox.marketplace.fault.OperationFaults;
import io.mpsaas.sandbox.marketplace.ledger.AttemptOutcome;
import io.mpsaas.sandbox.marketplace.ledger.MeteringAttempt;
import io.mpsaas.sandbox.testing.TcpProxy;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Dependencies failing under load: AWS Marketplace (the simulator) throttles, fails, leaves records unprocessed and
 * answers slowly the whole run; DynamoDB and SQS go away and come back mid-run. The services stay up, report not
 * ready while a dependency is down, recover on their own, and the run ends with the exact ledger.
 *
 * <p>DynamoDB Local and ElasticMQ run in memory in the sandbox: stopping them would lose the tables and queues, which
 * no real outage does. So each is taken away by a {@link TcpProxy} between the services and the dependency: cut, the
 * services' connections are closed and new ones refused, exactly what they see when the dependency is down.
 */
class DependencyFaultTest {

    private static final long SEED = 8_002L;

    @Test
    void marketplaceFaults_andDynamoDbAndSqsOutages_leaveServicesUp_notReadyMeanwhile_andTheLedgerExact() {
        Level level = Level.current();
        Figures figures = new Figures("dependency-faults");
        Sandbox.Ports ports = new Sandbox.Ports(Suite.freePort(), Suite.freePort(), 0);
        try (TcpProxy dynamo = TcpProxy.to(URI.create("http://127.0.0.1:" + ports.dynamo()));
                TcpProxy sqs = TcpProxy.to(URI.create("http://127.0.0.1:" + ports.sqs()));
                Suite suite = Suite.start("faults", ports, Map.of(
                        "quarkus.dynamodb.endpoint-override", dynamo.uri().toString(),
                        "quarkus.sqs.endpoint-override", sqs.uri().toString()),
                        Map.of(Service.METERING, Map.of("suite.metering.job.lease", "15s",
                                "suite.metering.job.retry-every", "10s",
                                "suite.metering.job.retry-later", "5s")))) {
            // GIVEN active customers, and AWS Marketplace throttling, failing, dropping records and slow
            List<Buyer> usageCustomers = Journeys.usageCustomers(suite, level.pick(2, 3));
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> Journeys.assertStates(suite,
                    usageCustomers));
            OperationFaults faults = new OperationFaults(level.pick(20, 40) / 100.0, level.pick(10, 20) / 100.0,
                    level.pick(20, 40) / 100.0, level.pick(50, 150));
            suite.sim.faults().set(null, faults);
            figures.note("AWS Marketplace faults (all operations)", faults.toString());
            Load load = new Load(suite, figures, usageCustomers, SEED, "faults").start(2, Duration.ofMillis(60));
            Journeys journeys = new Journeys(suite, figures, SEED + 1, level.pick(6, 20))
                    .start(Duration.ofMillis(400));

            // WHEN DynamoDB and SQS each go away for a while and come back, several times in the full run
            for (int round = 0; round < level.pick(1, 2); round++) {
                for (TcpProxy dependency : List.of(dynamo, sqs)) {
                    String name = dependency == dynamo ? "DynamoDB" : "SQS";
                    Load.pause(3_000);
                    dependency.cut();
                    figures.inc("outages: " + name);
                    // THEN every service reports not ready while it is gone, and stays up (the console, which reaches
                    // neither, stays ready: its pages say which service does not answer)
                    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                        for (Service service : Service.values()) {
                            assertThat(suite.ready(service)).as("%s ready without %s", service, name)
                                    .isEqualTo(!service.usesAws());
                        }
                    });
                    figures.inc("not-ready reports observed");
                    // a DynamoDB outage longer than five receives' backoff (~30 s): the consumers
                    // requeue what keeps failing instead of letting SQS park it without a reason (RELIABILITY.md, 8)
                    Load.pause(dependency == dynamo ? level.pick(40_000, 60_000) : level.pick(3_000, 15_000));
                    for (Service service : Service.values()) {
                        assertThat(suite.local.alive(service)).as(service.module()).isTrue();
                    }
                    dependency.restore();
                    // AND each is ready again on its own
                    await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
                        for (Service service : Service.values()) {
                            assertThat(suite.ready(service)).as("%s ready again after %s", service, name).isTrue();
                        }
                    });
                    figures.inc("recoveries");
                }
            }
            Load.pause(3_000);
            load.stop();
            journeys.stop();

            // THEN nothing was refused or lost (the consumers poll again), nothing billed twice, every state right
            Settle.assertRunEndedClean(suite, load, journeys, usageCustomers, figures, Duration.ofMinutes(4));
            List<MeteringAttempt> attempts = suite.sim.ledger().attempts();
            figures.set("BatchMeterUsage records unprocessed (injected)", attempts.stream()
                    .filter(a -> a.outcome() == AttemptOutcome.UNPROCESSED).count());
            figures.set("BatchMeterUsage records in failed calls (throttling, errors)", attempts.stream()
                    .filter(a -> a.outcome() == AttemptOutcome.BATCH_ERROR).count());
            figures.publish();
        }
    }
}
