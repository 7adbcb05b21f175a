package io.mpsaas.common.webhook;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code suite.webhooks.*}: the HTTPS endpoints every customer event is delivered to, and how. Endpoints are
 * configuration only, never input of an API; no endpoint configured means no webhook is written or sent. Onboarding
 * and entitlement-service read the endpoints (they write the deliveries); entitlement-service sends them.
 */
@ConfigMapping(prefix = "suite.webhooks")
public interface WebhooksConfig {

    /**
     * The endpoints by name ({@code suite.webhooks.endpoints.<name>.*}); the name is part of each delivery's id and of
     * the metrics' {@code endpoint} tag: letters, digits and {@code -} only.
     */
    Map<String, Endpoint> endpoints();

    /** The endpoints that have a URL: those events are delivered to. */
    default Map<String, Endpoint> active() {
        Map<String, Endpoint> active = new java.util.TreeMap<>();
        endpoints().forEach((name, e) -> {
            if (e.url().isPresent() && !e.url().get().isBlank()) {
                active.put(name, e);
            }
        });
        return active;
    }

    /** One receiver of the seller's. */
    interface Endpoint {

        /**
         * {@code https://} URL the events are POSTed to ({@code http://} to loopback only with {@link #allowLoopback}).
         * An endpoint without one is off (its secret may be deployed before the seller sets the URL).
         */
        Optional<String> url();

        /** The product codes whose events go to this endpoint; {@code *} (the default) for every product. */
        @WithDefault("*")
        List<String> products();

        /**
         * The signing secrets, one signature each (two during a rotation: the new one and the old one); at least
         * 32 characters. Given by the environment from a Kubernetes / Secrets Manager secret, never in a file.
         */
        List<String> secrets();
    }

    /** First retry's delay bound (full jitter); doubled on each failed attempt up to {@link #maxDelay}. */
    @WithDefault("PT10S")
    Duration firstDelay();

    /** Longest delay between two attempts. */
    @WithDefault("PT1H")
    Duration maxDelay();

    /** How long a delivery is retried (from its first attempt or replay) before it is parked. */
    @WithDefault("PT25H")
    Duration retryBudget();

    /** Connect timeout of an attempt. */
    @WithDefault("PT5S")
    Duration connectTimeout();

    /** Time allowed for the receiver's answer, once connected. */
    @WithDefault("PT10S")
    Duration readTimeout();

    /** How long a sender holds a claimed delivery; a crashed sender's deliveries are due again after it. */
    @WithDefault("PT1M")
    Duration lease();

    /** How often the dispatcher looks for due deliveries (entitlement-service). */
    @WithDefault("PT0.25S")
    Duration pollInterval();

    /** Deliveries claimed per look. */
    @WithDefault("50")
    int batchSize();

    /** Deliveries sent at once. */
    @WithDefault("8")
    int senders();

    /**
     * Deliveries waiting for a sender, at most: those a replica wrote and handed to its own dispatcher, and those a
     * poll claims. A delivery handed over when it is full has its lease released (one write) and goes to the next
     * poll (a query and a claim): three requests more than sending it from here, so the queue holds a burst's
     * deliveries (BENCHMARKS.md, "Notifications: commits together"). A poll stops claiming when it is full. Each waits
     * for a sender while its lease runs: keep it well under {@link #lease()} times the deliveries a second the senders
     * manage (2,000 at 8 senders of 50 ms each wait at most 12.5 s).
     */
    @WithDefault("2000")
    int queue();

    /** How long a delivered delivery's item is kept (DynamoDB TTL). */
    @WithDefault("P7D")
    Duration retention();

    /**
     * Local mode: {@code http://} to a loopback address is allowed (the sandbox's receiver). Never in production:
     * otherwise only {@code https://} to public addresses.
     */
    @WithDefault("false")
    boolean allowLoopback();
}
