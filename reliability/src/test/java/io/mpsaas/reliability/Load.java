package io.mpsaas.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import io.mpsaas.sandbox.LocalSuite;
import io.mpsaas.sandbox.LocalSuite.Service;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The seller's app reporting usage while services die: every record has a known idempotency key and is sent again,
 * unchanged, until metering-service answered it ({@code accepted} or {@code duplicate}), exactly as the README tells
 * apps to retry. What was accepted is what the ledger must end with, per customer.
 */
final class Load {

    private final Suite suite;
    private final Figures figures;
    private final List<Buyer> customers;
    private final Random random;
    private final Map<String, AtomicLong> accepted = new ConcurrentHashMap<>();
    private final Queue rejected = new Queue();
    private final AtomicLong sequence = new AtomicLong();
    private final String prefix;
    private volatile boolean running = true;
    private final List<Thread> threads = new ArrayList<>();

    /** Records refused for good (must stay empty: every record is valid). */
    static final class Queue extends ConcurrentLinkedQueue<String> {
    }

    Load(Suite suite, Figures figures, List<Buyer> customers, long seed, String prefix) {
        this.suite = suite;
        this.figures = figures;
        this.customers = List.copyOf(customers);
        this.random = new Random(seed);
        this.prefix = prefix;
        customers.forEach(c -> accepted.put(c.key(), new AtomicLong()));
    }

    /** Starts {@code restWorkers} threads posting usage and one sending usage messages to the usage queue. */
    Load start(int restWorkers, Duration pause) {
        for (int i = 0; i < restWorkers; i++) {
            threads.add(thread("usage-rest-" + i, () -> postOne(), pause));
        }
        threads.add(thread("usage-sqs", this::queueOne, pause.multipliedBy(2)));
        return this;
    }

    Thread thread(String name, Runnable step, Duration pause) {
        Thread t = new Thread(() -> {
            while (running) {
                step.run();
                pause(pause.toMillis());
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    void stop() {
        running = false;
        for (Thread t : threads) {
            try {
                t.join(Duration.ofMinutes(3).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private Buyer pick() {
        synchronized (random) {
            return customers.get(random.nextInt(customers.size()));
        }
    }

    private int quantity() {
        synchronized (random) {
            return 1 + random.nextInt(20);
        }
    }

    private Map<String, Object> record(Buyer customer, int quantity, String key) {
        Map<String, Object> record = new LinkedHashMap<>(customer.usageIds());
        record.put("dimension", "requests");
        record.put("quantity", quantity);
        // half the usage for the previous hour: the job meters it while the load runs (and while services die), and
        // what comes after its freeze counts in the current hour
        boolean previousHour;
        synchronized (random) {
            previousHour = random.nextBoolean();
        }
        record.put("timestamp", Instant.now().minus(previousHour ? Duration.ofHours(1) : Duration.ZERO).toString());
        record.put("idempotencyKey", key);
        return record;
    }

    /** One record over REST, sent again until answered. */
    void postOne() {
        Buyer customer = pick();
        int quantity = quantity();
        String key = prefix + "-rest-" + sequence.incrementAndGet();
        String body = suite.write(Map.of("records", List.of(record(customer, quantity, key))));
        Instant giveUp = Instant.now().plus(Duration.ofMinutes(3));
        int tries = 0;
        while (Instant.now().isBefore(giveUp)) {
            tries++;
            Suite.Answer answer = suite.postJson(Service.METERING, "/v1/usage", LocalSuite.APP_API_KEY, body);
            if (answer.status() == 200) {
                JsonNode result = suite.read(answer.body()).path("results").path(0);
                String status = result.path("status").asText();
                if (status.equals("accepted") || status.equals("duplicate")) {
                    accepted.get(customer.key()).addAndGet(quantity);
                    figures.inc("usage records accepted (REST)");
                    figures.add("usage units accepted", quantity);
                    if (status.equals("duplicate")) {
                        figures.inc("usage records answered duplicate on a retry");
                    }
                } else {
                    rejected.add(key + ": " + result);
                }
                if (tries > 1) {
                    figures.add("usage POSTs sent again after a failure", tries - 1);
                }
                return;
            }
            if (answer.status() >= 400 && answer.status() < 500) {
                rejected.add(key + ": HTTP " + answer.status() + " " + answer.body());
                return;
            }
            pause(200);
        }
        rejected.add(key + ": never answered");
    }

    /** One message of 1..3 records on the usage queue (SQS stays up: the message is the app's durable send). */
    void queueOne() {
        List<Map<String, Object>> records = new ArrayList<>();
        Map<String, Integer> quantities = new LinkedHashMap<>();
        int count;
        synchronized (random) {
            count = 1 + random.nextInt(3);
        }
        for (int i = 0; i < count; i++) {
            Buyer customer = pick();
            int quantity = quantity();
            records.add(record(customer, quantity, prefix + "-sqs-" + sequence.incrementAndGet()));
            quantities.merge(customer.key(), quantity, Integer::sum);
        }
        try {
            suite.sendMessage(Suite.USAGE, suite.write(Map.of("records", records)));
        } catch (RuntimeException e) {
            // not sent: not expected either
            figures.inc("usage messages not sent (SQS down)");
            return;
        }
        quantities.forEach((k, q) -> {
            accepted.get(k).addAndGet(q);
            figures.add("usage units accepted", q);
        });
        figures.add("usage records sent on the queue", count);
    }

    /** Units accepted per customer key. */
    Map<String, Long> accepted() {
        Map<String, Long> copy = new LinkedHashMap<>();
        accepted.forEach((k, v) -> copy.put(k, v.get()));
        return copy;
    }

    List<String> rejected() {
        return List.copyOf(rejected);
    }

    static void pause(long millis) {
        LockSupport.parkNanos(Duration.ofMillis(millis).toNanos());
    }
}
