package io.mpsaas.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mpsaas.sandbox.LocalSuite;
import io.mpsaas.sandbox.LocalSuite.Service;
import io.mpsaas.sandbox.marketplace.buyer.EntitlementValue;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeRequest;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeResult;
import io.mpsaas.sandbox.marketplace.buyer.SubscriptionState;
import io.mpsaas.sandbox.marketplace.buyer.SubscriptionView;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Buyers going through their lives while services die: subscribe, land on the fulfillment URL (AWS's form POST with
 * the registration token, sent again until onboarding answers), activate, upgrade (contracts), cancel, complete the
 * cancellation, each step at a random moment. The simulator publishes the notifications onto the notification queue
 * as AWS would (SNS envelopes for legacy products, EventBridge events for Concurrent Agreements).
 */
final class Journeys {

    /** Products of the default catalog: SNS and EventBridge, subscription and contract. */
    static final List<String> PRODUCTS = List.of("sbx-legacy-subscription", "sbx-legacy-contract",
            "sbx-ca-subscription", "sbx-ca-contract");

    private final Suite suite;
    private final Figures figures;
    private final Random random;
    private final int maxBuyers;
    private final List<Buyer> buyers = new CopyOnWriteArrayList<>();
    private final List<String> failures = new CopyOnWriteArrayList<>();
    private final List<String> tokens = new CopyOnWriteArrayList<>();
    private volatile boolean running = true;
    private Thread thread;

    Journeys(Suite suite, Figures figures, long seed, int maxBuyers) {
        this.suite = suite;
        this.figures = figures;
        this.random = new Random(seed);
        this.maxBuyers = maxBuyers;
    }

    Journeys start(Duration pause) {
        thread = new Thread(() -> {
            while (running) {
                step();
                Load.pause(pause.toMillis());
            }
        }, "journeys");
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    void stop() {
        running = false;
        try {
            thread.join(Duration.ofMinutes(3).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One step of one buyer: a new subscription, or the next action of an existing one. */
    void step() {
        if (buyers.size() < maxBuyers && (buyers.isEmpty() || random.nextInt(3) == 0)) {
            subscribe(PRODUCTS.get(random.nextInt(PRODUCTS.size())));
            return;
        }
        Buyer buyer = buyers.get(random.nextInt(buyers.size()));
        SubscriptionView now = suite.sim.subscription(buyer.id());
        boolean contract = buyer.productCode().contains("contract");
        switch (now.state()) {
            case PENDING -> {
                suite.sim.activate(buyer.id());
                figures.inc("buyer actions: activate");
            }
            case ACTIVE -> {
                int roll = random.nextInt(4);
                if (contract && roll < 2) {
                    suite.sim.upgrade(buyer.id(), Map.of("seats", 2 + random.nextInt(50)));
                    figures.inc("buyer actions: upgrade");
                } else if (roll == 3 || !contract) {
                    suite.sim.cancel(buyer.id());
                    figures.inc("buyer actions: cancel");
                } else {
                    land(suite.sim.issueToken(buyer.id()));
                }
            }
            case CANCEL_PENDING -> {
                suite.sim.completeCancellation(buyer.id());
                figures.inc("buyer actions: complete cancellation");
            }
            default -> {
                // ended: nothing more
            }
        }
    }

    /**
     * {@code perProduct} active customers of a legacy SNS and a Concurrent Agreements EventBridge subscription
     * product, subscribed with the simulator's clock an hour back so usage of the previous hour is billable.
     */
    static List<Buyer> usageCustomers(Suite suite, int perProduct) {
        List<Buyer> customers = new ArrayList<>();
        suite.sim.clock().setOffset(Duration.ofHours(-1));
        try {
            for (String product : List.of("sbx-legacy-subscription", "sbx-ca-subscription")) {
                for (int i = 0; i < perProduct; i++) {
                    SubscribeResult result = suite.sim.subscribe(SubscribeRequest.of(product).activated());
                    customers.add(new Buyer(suite.sim.subscription(result.subscriptionId())));
                }
            }
        } finally {
            suite.sim.clock().setOffset(Duration.ZERO);
        }
        return customers;
    }

    /** Subscribes, lands on the fulfillment URL with the token, and keeps the buyer. */
    Buyer subscribe(String productCode) {
        SubscribeResult result = suite.sim.subscribe(SubscribeRequest.of(productCode));
        figures.inc("buyer actions: subscribe");
        Buyer buyer = new Buyer(suite.sim.subscription(result.subscriptionId()));
        land(result.registrationToken());
        buyers.add(buyer);
        return buyer;
    }

    /** AWS's form POST, sent again while onboarding is down or answers 503; the landing must end in the form. */
    void land(String token) {
        tokens.add(token);
        Instant giveUp = Instant.now().plus(Duration.ofMinutes(2));
        while (Instant.now().isBefore(giveUp)) {
            Suite.Answer answer = suite.land(token);
            if (answer.status() == 200) {
                figures.inc("landings (fulfillment POSTs answered with the form)");
                return;
            }
            if (answer.status() != -1 && answer.status() != 503) {
                failures.add("landing answered " + answer.status());
                return;
            }
            figures.inc("landings sent again (onboarding down or busy)");
            Load.pause(300);
        }
        failures.add("landing never answered");
    }

    List<Buyer> buyers() {
        return List.copyOf(buyers);
    }

    /** Every registration token sent to the fulfillment URL. */
    List<String> tokens() {
        return List.copyOf(tokens);
    }

    List<String> failures() {
        return List.copyOf(failures);
    }

    /** The state entitlement-service must show for what the simulator did to the subscription. */
    static String expectedState(Buyer buyer, SubscriptionState state) {
        return switch (state) {
            case PENDING -> "PENDING";
            case ACTIVE -> "ACTIVE";
            case CANCEL_PENDING -> "UNSUBSCRIBE_PENDING";
            case CANCELLED -> buyer.concurrentAgreements() ? "DEPROVISIONED" : "UNSUBSCRIBED";
            case FAILED -> "SUBSCRIBE_FAILED";
        };
    }

    /**
     * Asserts that entitlement-service shows every buyer in the state its notifications imply, and for live contracts
     * the seats AWS holds now.
     */
    static void assertStates(Suite suite, List<Buyer> buyers) {
        List<String> wrong = new ArrayList<>();
        for (Buyer buyer : buyers) {
            SubscriptionView now = suite.sim.subscription(buyer.id());
            String expected = expectedState(buyer, now.state());
            Suite.Answer answer = suite.get(Service.ENTITLEMENT, "/api/v1/customers/" + Suite.encode(buyer.key()),
                    LocalSuite.APP_API_KEY);
            if (answer.status() != 200) {
                wrong.add(buyer.key() + ": HTTP " + answer.status());
                continue;
            }
            JsonNode customer = suite.read(answer.body());
            String state = customer.path("state").asText();
            if (!state.equals(expected)) {
                wrong.add(buyer.key() + " (" + buyer.productCode() + "): " + state + ", expected " + expected);
                continue;
            }
            EntitlementValue seats = now.quantities().get("seats");
            if (seats != null && (now.state() == SubscriptionState.ACTIVE)) {
                JsonNode value = customer.path("entitlements").path("seats").path("value");
                if (!value.asText().equals(String.valueOf(seats.raw()))) {
                    wrong.add(buyer.key() + ": seats " + value + ", expected " + seats.raw());
                }
            }
        }
        assertThat(wrong).as("customers whose state is not what their notifications imply").isEmpty();
    }
}
