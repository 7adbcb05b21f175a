package io.mpsaas.sandbox.marketplace.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mpsaas.common.webhook.WebhookSignature;
import io.mpsaas.common.webhook.WebhookSignature.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sandbox's webhook receiver ({@code POST /webhooks}): verifies a delivery as a seller's app should (a
 * {@code v1} signature by one of its secrets over {@code <timestamp>.<body>}, a timestamp within the tolerance),
 * answers 401 otherwise, dedupes by {@code Webhook-Id} (a repeat is answered 200 and counted, not kept twice) and
 * keeps what it received for the simulator's UI ({@code /marketplace/webhooks}) and the control API
 * ({@code GET /sandbox/webhooks}). {@link #down} makes it answer 503, to test retries and parking.
 */
public final class WebhookReceiver {

    /** Where the suite delivers to: {@code <simulator endpoint>/webhooks}. */
    public static final String PATH = "/webhooks";
    /**
     * The sandbox's signing secret, which {@code run-local.sh} and the tests give the services
     * ({@code suite.webhooks.endpoints.sandbox.secrets}). A local value, never a production one.
     */
    public static final String SECRET = "sandbox-webhook-secret-not-for-production-0001";
    public static final Duration TOLERANCE = Duration.ofMinutes(5);
    /** Most deliveries kept (the oldest are dropped). */
    static final int MAX_KEPT = 5000;

    /** One delivery as received: its headers and body exactly, and what the receiver made of it. */
    public record Received(String id, String type, String customerKey, String productCode, String timestamp,
            String signature, String body, Verdict verdict, int answered, int repeats, Instant receivedAt) {
    }

    private final ObjectMapper mapper;
    private final Map<String, Received> byId = new LinkedHashMap<>();
    private final List<Received> rejected = new ArrayList<>();
    private volatile List<String> secrets = List.of(SECRET);
    private volatile boolean down;

    public WebhookReceiver(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** The answer to one POST: its status. */
    public synchronized int receive(String id, String timestamp, String signature, String body) {
        if (down) {
            return 503;
        }
        Verdict verdict = WebhookSignature.verify(timestamp, signature, body, secrets, TOLERANCE, Instant.now());
        JsonNode json = parse(body);
        String type = json.path("type").asText(null);
        String customerKey = json.path("data").path("customer").path("customerKey").asText(null);
        String productCode = json.path("data").path("customer").path("productCode").asText(null);
        boolean idMatches = id != null && id.equals(json.path("id").asText(null));
        if (verdict != Verdict.VALID || !idMatches) {
            rejected.add(new Received(id, type, customerKey, productCode, timestamp, signature, body, verdict, 401, 0,
                    Instant.now()));
            trim(rejected);
            return 401;
        }
        Received seen = byId.get(id);
        if (seen != null) {
            byId.put(id, new Received(seen.id(), seen.type(), seen.customerKey(), seen.productCode(), seen.timestamp(),
                    seen.signature(), seen.body(), seen.verdict(), 200, seen.repeats() + 1, seen.receivedAt()));
            return 200;
        }
        byId.put(id, new Received(id, type, customerKey, productCode, timestamp, signature, body, verdict, 200, 0,
                Instant.now()));
        if (byId.size() > MAX_KEPT) {
            byId.remove(byId.keySet().iterator().next());
        }
        return 200;
    }

    private JsonNode parse(String body) {
        try {
            return mapper.readTree(body);
        } catch (Exception e) {
            return mapper.createObjectNode();
        }
    }

    private static void trim(List<Received> list) {
        while (list.size() > MAX_KEPT) {
            list.remove(0);
        }
    }

    /** Valid deliveries, one per id, in order of arrival. */
    public synchronized List<Received> deliveries() {
        return List.copyOf(byId.values());
    }

    /** Refused deliveries (bad or missing signature, stale timestamp), in order of arrival. */
    public synchronized List<Received> rejected() {
        return List.copyOf(rejected);
    }

    /** Answers 503 to every delivery while down. */
    public void down(boolean down) {
        this.down = down;
    }

    public boolean down() {
        return down;
    }

    /** The secrets accepted (one, or two during a rotation test). */
    public void secrets(List<String> secrets) {
        this.secrets = List.copyOf(secrets);
    }

    public synchronized void clear() {
        byId.clear();
        rejected.clear();
    }
}
