package io.mpsaas.common.webhook;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.mpsaas.common.retry.Backoff;
import io.quarkus.logging.Log;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Sends webhook deliveries: those this replica just wrote, already leased to it ({@link #sendNow}), and those due in
 * the table ({@link #dispatchDue}: claimed under a lease by {@link WebhookDeliveries#claim}). POSTs each with its
 * signature headers, and records the outcome: a 2xx is delivered; any other answer, a redirect (never followed), a
 * timeout or a refused address is a failed attempt, due again after a jittered exponential backoff
 * ({@link Backoff}, {@code suite.webhooks.first-delay} doubling up to {@code max-delay}), parked once the retry
 * budget is spent. The 2xx outcomes of deliveries sent at about the same time are written together, up to 25 to a
 * {@code BatchWriteItem} ({@link DeliveredOutcomes}); a failed attempt is one conditional UpdateItem. Run by
 * entitlement-service's {@code WebhookDispatchJob}; safe with several replicas.
 *
 * <p>Metrics (tag {@code endpoint}): {@code mpsaas_webhooks_delivered_total}, {@code
 * mpsaas_webhooks_failed_attempts_total}, {@code mpsaas_webhooks_parked_total}, {@code
 * mpsaas_webhooks_delivery_latency_seconds} (from the event's write to the receiver's 2xx, retries included).
 */
@ApplicationScoped
public class WebhookDispatcher {

    static final String DELIVERED = "mpsaas.webhooks.delivered";
    static final String FAILED = "mpsaas.webhooks.failed.attempts";
    static final String PARKED = "mpsaas.webhooks.parked";
    static final String LATENCY = "mpsaas.webhooks.delivery.latency";

    private final WebhookDeliveries deliveries;
    private final WebhooksConfig config;
    private final Clock clock;
    private final MeterRegistry registry;
    private final Backoff backoff;
    private final HttpClient http;
    private final ThreadPoolExecutor senders;
    private final DeliveredOutcomes outcomes;
    private volatile boolean stopping;

    public WebhookDispatcher(WebhookDeliveries deliveries, WebhooksConfig config, Clock clock,
            MeterRegistry registry) {
        this.deliveries = deliveries;
        this.config = config;
        this.clock = clock;
        this.registry = registry;
        this.backoff = Backoff.fullJitter(config.firstDelay(), config.maxDelay());
        this.outcomes = new DeliveredOutcomes(deliveries);
        // bounded: under overload a handed-off delivery goes back to the table (released), not into an endless queue
        int threads = Math.max(1, config.senders());
        this.senders = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(Math.max(1, config.queue())), r -> {
                    Thread t = new Thread(r, "webhook-sender");
                    t.setDaemon(true);
                    return t;
                });
        // redirects never followed: a 3xx is a failed attempt, so an endpoint cannot bounce us to an internal address
        this.http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(config.connectTimeout()).build();
        for (String endpoint : config.active().keySet()) {
            // every series exists from the first scrape
            counter(DELIVERED, endpoint);
            counter(FAILED, endpoint);
            counter(PARKED, endpoint);
            latency(endpoint);
        }
    }

    /**
     * Stops sending. Handed-off deliveries still waiting for a sender are released (due now, for another replica's
     * poll); those being sent, or whose release fails, are due again at their lease's end. 2xx outcomes still waiting
     * to be written are written (or, should that fail, due again at their lease's end too).
     */
    @PreDestroy
    void stop() {
        stopping = true;
        for (Runnable waiting : senders.shutdownNow()) {
            if (waiting instanceof HandOff handOff) {
                release(handOff.delivery, "the dispatcher is stopping");
            }
        }
        outcomes.flush();
    }

    /**
     * Sends deliveries this replica has just written already claimed ({@link WebhookDeliveries#recordClaimed}) on its
     * sender pool, without a poll. A delivery the pool cannot take (its queue full, or the dispatcher stopping) has its
     * lease released, so the next poll of any replica sends it; should even that write fail, the delivery is due again
     * at its lease's end. Once handed over, a delivery whose sender dies before recording an outcome (a crash) is also
     * due again at its lease's end. Never throws: the deliveries are written, whatever happens to them here.
     */
    public void sendNow(List<WebhookDelivery> claimed) {
        for (WebhookDelivery d : claimed) {
            if (stopping) {
                release(d, "the dispatcher is stopping");
                continue;
            }
            try {
                senders.execute(new HandOff(d));
            } catch (RejectedExecutionException full) {
                release(d, stopping ? "the dispatcher is stopping" : "the webhook sender queue is full");
            }
        }
    }

    /** A delivery handed over by {@link #sendNow}, known as such if it is still waiting when the pool stops. */
    private final class HandOff implements Runnable {
        private final WebhookDelivery delivery;

        HandOff(WebhookDelivery delivery) {
            this.delivery = delivery;
        }

        @Override
        public void run() {
            send(delivery);
        }
    }

    private void release(WebhookDelivery d, String why) {
        try {
            deliveries.release(d, clock.instant());
            Log.debugf("Webhook delivery %s of event %s released (%s): the next poll sends it", d.endpoint(),
                    d.eventId(), why);
        } catch (RuntimeException e) {
            Log.warnf("Webhook delivery %s of event %s could not be released (%s, %s); it is sent after its lease",
                    d.endpoint(), d.eventId(), why, e.toString());
        }
    }

    /** Claims and sends one batch of due deliveries; answers how many were claimed. */
    public int dispatchDue() {
        if (!deliveries.enabled()) {
            return 0;
        }
        // each sender claims its delivery, then sends it: the claims' round trips run side by side, not one after the
        // other before the first POST
        List<WebhookDelivery> due = deliveries.due(config.batchSize(), clock.instant());
        List<Future<Boolean>> sent = new ArrayList<>();
        for (WebhookDelivery seen : due) {
            try {
                sent.add(senders.submit(() -> {
                    Optional<WebhookDelivery> claimed = deliveries.claim(seen, clock.instant());
                    claimed.ifPresent(this::send);
                    return claimed.isPresent();
                }));
            } catch (RejectedExecutionException full) {
                // the senders' queue is full (or stopping): the rest is not claimed, still due for the next poll
                break;
            }
        }
        int claimed = 0;
        for (Future<Boolean> f : sent) {
            try {
                claimed += f.get() ? 1 : 0;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return claimed;
            } catch (ExecutionException e) {
                // send() records its own failures; anything left here is a DynamoDB write that failed: the lease runs
                // out and the delivery is claimed again
                Log.warnf("A webhook delivery's outcome could not be recorded (%s); it is sent again after its lease",
                        e.getCause().toString());
            }
        }
        return claimed;
    }

    /** One attempt at one claimed delivery, and its outcome recorded. */
    void send(WebhookDelivery d) {
        WebhooksConfig.Endpoint endpoint = config.active().get(d.endpoint());
        if (endpoint == null) {
            failed(d, null, "endpoint " + d.endpoint() + " is no longer configured");
            return;
        }
        URI uri;
        try {
            uri = WebhookAddresses.check(endpoint.url().orElseThrow(), config.allowLoopback());
        } catch (WebhookAddresses.RefusedEndpointException e) {
            failed(d, null, "refused: " + e.getMessage());
            return;
        }
        Instant now = clock.instant();
        long timestamp = now.getEpochSecond();
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(config.readTimeout())
                .header("Content-Type", "application/json")
                .header("User-Agent", "mpsaas-webhooks/1")
                .header(WebhookSignature.ID, d.eventId())
                .header(WebhookSignature.TIMESTAMP, Long.toString(timestamp))
                .header(WebhookSignature.SIGNATURE, WebhookSignature.header(endpoint.secrets(), timestamp, d.body()))
                .POST(HttpRequest.BodyPublishers.ofString(d.body())).build();
        int status;
        try {
            status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (HttpTimeoutException e) {
            failed(d, null, "timeout: " + e.getMessage());
            return;
        } catch (IOException e) {
            failed(d, null, e.getClass().getSimpleName() + ": " + e.getMessage());
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (status >= 200 && status < 300) {
            Instant at = clock.instant();
            // written with the 2xx outcomes of the other senders (one BatchWriteItem); logged there when it fails
            if (outcomes.record(d, status, at)) {
                counter(DELIVERED, d.endpoint()).increment();
                latency(d.endpoint()).record(Duration.between(d.createdAt(), at));
                Log.infof("Delivered webhook %s %s to endpoint %s (HTTP %d, attempt %d) for customer %s (product %s)",
                        d.type(), d.eventId(), d.endpoint(), status, d.attempts() + 1, d.customerKey(),
                        d.productCode());
            }
        } else {
            failed(d, status, "HTTP " + status);
        }
    }

    private void failed(WebhookDelivery d, Integer status, String error) {
        counter(FAILED, d.endpoint()).increment();
        Duration delay = backoff.delay(d.attempts() + 1);
        deliveries.failed(d, status, error, delay, clock.instant()).ifPresent(parked -> {
            if (parked) {
                counter(PARKED, d.endpoint()).increment();
                Log.errorf("Parked webhook %s %s to endpoint %s after %d attempts (last: %s) for customer %s"
                        + " (product %s); replay it from the admin API", d.type(), d.eventId(), d.endpoint(),
                        d.attempts() + 1, error, d.customerKey(), d.productCode());
            } else {
                Log.warnf("Webhook %s %s to endpoint %s failed (attempt %d: %s) for customer %s (product %s);"
                        + " retried in %s", d.type(), d.eventId(), d.endpoint(), d.attempts() + 1, error,
                        d.customerKey(), d.productCode(), delay);
            }
        });
    }

    private Counter counter(String name, String endpoint) {
        return Counter.builder(name).tag("endpoint", endpoint).register(registry);
    }

    private Timer latency(String endpoint) {
        return Timer.builder(LATENCY).tag("endpoint", endpoint).publishPercentileHistogram().register(registry);
    }
}
