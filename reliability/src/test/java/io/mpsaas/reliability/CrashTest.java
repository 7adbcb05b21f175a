package io.mpsaas.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mpsaas.sandbox.LocalSuite;
import io.mpsaas.sandbox.LocalSuite.Service;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * SIGKILL under load. The sandbox and the three packaged services as processes ({@link LocalSuite}); the seller's app
 * reports usage over REST and the usage queue with known idempotency keys, buyers subscribe, land, activate, upgrade
 * and cancel; meanwhile a service is killed at a random moment and started again, round after round, each service in
 * turn. Afterwards the ledger holds exactly the accepted usage, every customer is in the state its notifications
 * imply, and nothing is left unprocessed.
 */
class CrashTest {

    private static final long SEED = 8_001L;

    @Test
    void sigkillUnderLoad_losesNothing_billsNothingTwice_andEveryStateIsRight() throws IOException {
        Level level = Level.current();
        int killsPerService = level.pick(1, 6);
        Figures figures = new Figures("crash");
        Random random = new Random(SEED);
        try (Suite suite = Suite.start("crash", Map.of(), Map.of(Service.METERING, Map.of(
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

            // WHEN each service is killed (SIGKILL) at random moments and started again, many times over
            List<Service> order = new ArrayList<>();
            for (int round = 0; round < killsPerService; round++) {
                List<Service> services = new ArrayList<>(List.of(Service.values()));
                java.util.Collections.shuffle(services, random);
                order.addAll(services);
            }
            for (Service service : order) {
                Load.pause(1_000 + random.nextInt(4_000));
                suite.local.kill(service);
                assertThat(suite.local.alive(service)).isFalse();
                figures.inc("kills survived: " + service.module());
                figures.inc("kills survived");
                suite.local.startService(service);
                suite.local.awaitReady(service, Duration.ofSeconds(120));
            }
            Load.pause(2_000);
            load.stop();
            journeys.stop();

            // THEN nothing was refused or lost, nothing billed twice, every state right, nothing parked
            Settle.assertRunEndedClean(suite, load, journeys, usageCustomers, figures, Duration.ofMinutes(3));
            figures.publish();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
