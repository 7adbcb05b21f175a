package io.mpsaas.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mpsaas.sandbox.LocalSuite;
import io.mpsaas.sandbox.LocalSuite.Service;
import io.mpsaas.sandbox.Sandbox;
import io.mpsaas.sandbox.testing.TcpProxy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * SIGKILL under load while DynamoDB and SQS go away. The sandbox and the services as processes ({@link LocalSuite});
 * the seller's app reports usage over REST and the usage queue with known idempotency keys, buyers subscribe, land,
 * activate, upgrade and cancel; meanwhile each service is killed at random moments and started again, the services
 * in parallel (one killer each), and DynamoDB and SQS are cut and restored in turn (a {@link TcpProxy} between the
 * services and each dependency, as in {@link DependencyFaultTest}), so kills land before, during and after outages
 * and services start while a dependency is gone. Afterwards the ledger holds exactly the accepted usage, every
 * customer is in the state its notifications imply, and nothing is left unprocessed or parked.
 */
class CrashTest {

    private static final long SEED = 8_001L;
    private static final Logger LOG = Logger.getLogger(CrashTest.class);

    @Test
    void sigkillUnderLoad_whileDynamoDbAndSqsGoAway_losesNothing_billsNothingTwice_andEveryStateIsRight()
            throws IOException, InterruptedException {
        Level level = Level.current();
        // the three services that hold state and money; the console (no table, no queue) a few times besides
        int killsPerService = level.pick(1, 34);
        int consoleKills = level.pick(1, 4);
        Duration dynamoOutage = Duration.ofSeconds(level.pick(10, 30));
        Duration sqsOutage = Duration.ofSeconds(level.pick(3, 15));
        Figures figures = new Figures("crash");
        Sandbox.Ports ports = new Sandbox.Ports(Suite.freePort(), Suite.freePort(), 0);
        try (TcpProxy dynamo = TcpProxy.to(URI.create("http://127.0.0.1:" + ports.dynamo()));
                TcpProxy sqs = TcpProxy.to(URI.create("http://127.0.0.1:" + ports.sqs()));
                Suite suite = Suite.start("crash", ports, Map.of(
                        "quarkus.dynamodb.endpoint-override", dynamo.uri().toString(),
                        "quarkus.sqs.endpoint-override", sqs.uri().toString()),
                        Map.of(Service.METERING, Map.of(
                                // a killed replica's claims expire soon, and the retry run picks them up soon
                                "suite.metering.job.lease", "15s",
                                "suite.metering.job.retry-every", "15s",
                                "suite.metering.job.retry-later", "5s")))) {
            // GIVEN active customers of an SNS and an EventBridge product (subscribed an hour ago), the app's usage
            // starting
            List<Buyer> usageCustomers = Journeys.usageCustomers(suite, level.pick(2, 4));
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> Journeys.assertStates(suite,
                    usageCustomers));
            Load load = new Load(suite, figures, usageCustomers, SEED, "crash").start(2, Duration.ofMillis(40));
            Journeys journeys = new Journeys(suite, figures, SEED + 1, level.pick(8, 30))
                    .start(Duration.ofMillis(level.pick(300, 400)));

            // WHEN each service is killed (SIGKILL) at random moments and started again, many times over, while
            // DynamoDB and SQS are taken away in turn
            List<String> errors = new CopyOnWriteArrayList<>();
            AtomicBoolean killing = new AtomicBoolean(true);
            List<Thread> killers = new ArrayList<>();
            for (Service service : Service.values()) {
                int kills = service.usesAws() ? killsPerService : consoleKills;
                Random random = new Random(SEED + 100 + service.ordinal());
                killers.add(thread("kill-" + service.module(), errors, () -> {
                    for (int i = 0; i < kills; i++) {
                        Load.pause(1_000 + random.nextInt(4_000));
                        kill(suite, service, figures, dynamo, sqs);
                        startAgain(suite, service, figures, dynamo, sqs);
                    }
                }));
            }
            Random outageRandom = new Random(SEED + 200);
            Thread outages = thread("outages", errors, () -> {
                boolean dynamoNext = true;
                // at least one outage of each, and outages for as long as services are being killed
                while (killing.get() || figures.get("outages: SQS") == 0) {
                    Load.pause(level == Level.FULL ? 10_000 + outageRandom.nextInt(10_000) : 2_000);
                    TcpProxy dependency = dynamoNext ? dynamo : sqs;
                    String name = dynamoNext ? "DynamoDB" : "SQS";
                    Duration length = dynamoNext ? dynamoOutage : sqsOutage;
                    dependency.cut();
                    LOG.infof("%s cut for %d s (outage %d)", name, length.toSeconds(), figures.get("outages") + 1);
                    figures.inc("outages");
                    figures.inc("outages: " + name);
                    Load.pause(length.toMillis());
                    dependency.restore();
                    figures.add("outage seconds: " + name, length.toSeconds());
                    dynamoNext = !dynamoNext;
                }
            });
            for (Thread killer : killers) {
                killer.join(Duration.ofMinutes(90).toMillis());
            }
            killing.set(false);
            outages.join(Duration.ofMinutes(5).toMillis());
            dynamo.restore();
            sqs.restore();
            assertThat(errors).as("kill rounds that went wrong").isEmpty();
            assertThat(killers).as("killers still running").noneMatch(Thread::isAlive);
            // AND every service is ready again on its own once both dependencies are back
            await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
                for (Service service : Service.values()) {
                    assertThat(suite.ready(service)).as("%s ready after the kills", service).isTrue();
                }
            });
            Load.pause(2_000);
            load.stop();
            journeys.stop();

            // THEN nothing was refused or lost, nothing billed twice, every state right, nothing parked. The usage
            // queue's backlog is large after the full run's 100+ kills (metering-service was down most of the time
            // while the app kept sending): it drains at its own pace, measured in the figures, not asserted
            Settle.assertRunEndedClean(suite, load, journeys, usageCustomers, figures,
                    Duration.ofMinutes(level.pick(3, 15)));
            figures.note("outcome", "passed");
        } catch (UncheckedIOException e) {
            figures.note("outcome", "failed: " + e);
            throw e.getCause();
        } catch (RuntimeException | AssertionError e) {
            // the kills and outages of a failed run are figures too: they say what the failure happened under
            figures.note("outcome", "failed: " + Verdicts.abbreviate(String.valueOf(e.getMessage())));
            throw e;
        } finally {
            figures.publish();
        }
    }

    private static Thread thread(String name, List<String> errors, Runnable body) {
        Thread thread = new Thread(() -> {
            try {
                body.run();
            } catch (RuntimeException | AssertionError e) {
                errors.add(name + ": " + e);
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static String away(TcpProxy dynamo, TcpProxy sqs) {
        return dynamo.isCut() ? "DynamoDB" : sqs.isCut() ? "SQS" : null;
    }

    /** SIGKILL, counted per service, and whether a dependency was away at that moment. */
    private static void kill(Suite suite, Service service, Figures figures, TcpProxy dynamo, TcpProxy sqs) {
        String away = away(dynamo, sqs);
        suite.local.kill(service);
        assertThat(suite.local.alive(service)).as("%s after SIGKILL", service.module()).isFalse();
        figures.inc("kills survived");
        figures.inc("kills survived: " + service.module());
        if (away != null) {
            figures.inc("kills while " + away + " was away");
        }
    }

    /**
     * Starts the service again and waits until it is up ({@code /q/health/live}): not necessarily ready, since a
     * dependency may be away, so the next kill may land while it waits for it. A start that exits on its own (a
     * dependency it needs at start is away) is started again, as Kubernetes restarts a crashed pod; counted.
     */
    private static void startAgain(Suite suite, Service service, Figures figures, TcpProxy dynamo, TcpProxy sqs) {
        Instant giveUp = Instant.now().plus(Duration.ofMinutes(5));
        while (Instant.now().isBefore(giveUp)) {
            String away = away(dynamo, sqs);
            try {
                suite.local.startService(service);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            while (suite.local.alive(service) && Instant.now().isBefore(giveUp)) {
                if (suite.live(service)) {
                    if (away != null || away(dynamo, sqs) != null) {
                        figures.inc("starts while a dependency was away");
                    }
                    return;
                }
                Load.pause(200);
            }
            if (!suite.local.alive(service)) {
                figures.inc("starts that exited (started again, as Kubernetes would): " + service.module()
                        + (away == null ? "" : " (" + away + " away)"));
                Load.pause(2_000);
            }
        }
        throw new AssertionError(service.module() + " not up 5 minutes after its kill; see " + suite.logDir);
    }
}
