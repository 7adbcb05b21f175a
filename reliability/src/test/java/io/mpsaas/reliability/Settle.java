package io.mpsaas.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mpsaas.sandbox.LocalSuite;
import io.mpsaas.sandbox.LocalSuite.Service;
import io.mpsaas.sandbox.marketplace.ledger.AttemptOutcome;
import io.mpsaas.sandbox.marketplace.ledger.MeteringAttempt;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The end of a run: everything drained, the last usage flushed through the documented admin endpoints, and the
 * simulator's ledger compared with what metering-service accepted, unit for unit.
 */
final class Settle {

    private Settle() {
    }

    /**
     * The end of a crash or fault run, the load stopped: no record refused and every landing answered; the consumed
     * queues drained; the ledger exactly the accepted usage with no DuplicateRecord; every customer in the state its
     * notifications imply (nothing parked before that: all input was valid); no registration token in any log.
     */
    static void assertRunEndedClean(Suite suite, Load load, Journeys journeys, List<Buyer> usageCustomers,
            Figures figures, Duration timeout) {
        assertThat(load.rejected()).as("usage records refused").isEmpty();
        assertThat(journeys.failures()).as("landings that did not end in the form").isEmpty();
        awaitQueuesDrained(suite, timeout, figures);
        assertLedgerEqualsAccepted(suite, usageCustomers, load.accepted(), figures, timeout);
        // the dead-letter queues before the states: a valid notification parked (or moved there by SQS's redrive)
        // is the likeliest cause of a wrong state, and this names it
        List<Suite.Parked> parked = deadLetters(suite, figures);
        assertThat(parked).as("parked messages (all input was valid)").extracting(p -> p.parkReason() + ": "
                + Verdicts.abbreviate(p.body())).isEmpty();
        List<Buyer> everyone = new ArrayList<>(usageCustomers);
        everyone.addAll(journeys.buyers());
        await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> Journeys.assertStates(suite, everyone));
        figures.set("customers checked", everyone.size());
        // even from a service killed mid-request
        String logs = suite.logs();
        assertThat(journeys.tokens()).as("registration tokens in the service logs").noneMatch(logs::contains);
        figures.set("registration tokens searched in the logs", journeys.tokens().size());
    }

    /** Waits until the consumed queues are empty (their dead-letter queues are checked separately). */
    static void awaitQueuesDrained(Suite suite, Duration timeout) {
        awaitQueuesDrained(suite, timeout, null);
    }

    /** The same, recording how long the backlog took to drain in {@code figures} (when given). */
    static void awaitQueuesDrained(Suite suite, Duration timeout, Figures figures) {
        long started = System.nanoTime();
        await().atMost(timeout).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            Map<String, Long> depths = new LinkedHashMap<>();
            for (String queue : List.of(Suite.USAGE, Suite.NOTIFICATIONS, Suite.COMMANDS)) {
                depths.put(queue, suite.depth(queue));
            }
            assertThat(depths).as("messages left in the consumed queues").allSatisfy((q, n) -> assertThat(n)
                    .as(q).isZero());
        });
        if (figures != null) {
            figures.set("seconds until the consumed queues were drained",
                    (System.nanoTime() - started) / 1_000_000_000);
        }
    }

    /**
     * Runs the metering job and flushes every customer (admin key) until the ledger holds exactly the accepted units
     * of each; then asserts no attempt of the whole run was answered {@code DuplicateRecord}.
     */
    static void assertLedgerEqualsAccepted(Suite suite, List<Buyer> customers, Map<String, Long> accepted,
            Figures figures, Duration timeout) {
        await().atMost(timeout).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
            Map<String, Long> missing = new LinkedHashMap<>();
            for (Buyer customer : customers) {
                long billed = suite.sim.ledger().totalQuantity(customer.productCode(), customer.ledgerId(),
                        "requests");
                long expected = accepted.getOrDefault(customer.key(), 0L);
                assertThat(billed).as("%s billed more than accepted", customer.key()).isLessThanOrEqualTo(expected);
                if (billed != expected) {
                    missing.put(customer.key(), expected - billed);
                    suite.postJson(Service.METERING, "/v1/admin/metering/flush", LocalSuite.ADMIN_API_KEY,
                            suite.write(customer.usageIds()));
                }
            }
            assertThat(missing).as("units accepted but not (yet) in the ledger").isEmpty();
        });
        long units = 0;
        for (Buyer customer : customers) {
            units += suite.sim.ledger().totalQuantity(customer.productCode(), customer.ledgerId(), "requests");
        }
        figures.set("ledger units billed", units);
        figures.set("records lost", 0);
        List<MeteringAttempt> attempts = suite.sim.ledger().attempts();
        List<MeteringAttempt> duplicates = attempts.stream()
                .filter(a -> a.outcome() == AttemptOutcome.DUPLICATE_RECORD).toList();
        figures.set("BatchMeterUsage record attempts", attempts.size());
        figures.set("double billed (DuplicateRecord attempts)", duplicates.size());
        assertThat(duplicates).as("records AWS was asked to bill twice").isEmpty();
    }

    /**
     * The dead-letter queues of the consumed queues: every parked message is returned with its reason (a message
     * moved there by SQS's redrive has none). The caller says which ones it expects.
     */
    static List<Suite.Parked> deadLetters(Suite suite, Figures figures) {
        List<Suite.Parked> all = new ArrayList<>();
        for (String queue : List.of(Suite.USAGE, Suite.NOTIFICATIONS, Suite.COMMANDS)) {
            all.addAll(suite.peekDeadLetters(queue));
        }
        figures.set("parked with reason", all.stream().filter(p -> p.parkReason() != null).count());
        figures.set("parked without reason (SQS redrive)", all.stream().filter(p -> p.parkReason() == null).count());
        return all;
    }
}
