package io.mpsaas.entitlement;

import com.sun.net.httpserver.HttpServer;
import io.mpsaas.sandbox.testing.SandboxTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A real HTTP receiver for webhook tests (a JDK {@code HttpServer} on a free loopback port), and the configuration
 * pointing entitlement-service's webhooks at it: endpoint {@code test} (every product, two secrets: a rotation) and
 * endpoint {@code other} (one product no test uses), short retries and a 4-second retry budget. What it answers is
 * decided per customer key found in the body ({@link #answer}).
 */
public class WebhookReceiverResource implements QuarkusTestResourceLifecycleManager {

    static final String SECRET = "test-webhook-secret-new-0123456789abcdef";
    static final String OLD_SECRET = "test-webhook-secret-old-0123456789abcdef";

    /** One request received. */
    record Received(String path, Map<String, List<String>> headers, String body, int answered) {
        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }
    }

    static final List<Received> RECEIVED = new CopyOnWriteArrayList<>();
    /** Status codes each delivery of a customer (key found in the body) gets in turn; the last one from then on. */
    static final Map<String, List<Integer>> ANSWERS = new ConcurrentHashMap<>();
    /** Requests received per Webhook-Id. */
    static final Map<String, Integer> ATTEMPTS = new ConcurrentHashMap<>();

    private HttpServer server;

    static void answer(String customerKey, Integer... statuses) {
        ANSWERS.put(customerKey, List.of(statuses));
    }

    @Override
    public Map<String, String> start() {
        SandboxTestResource.sandbox();
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String id = String.valueOf(exchange.getRequestHeaders().getFirst("Webhook-Id"));
            int attempt = ATTEMPTS.merge(id, 1, Integer::sum) - 1;
            int status = 200;
            for (Map.Entry<String, List<Integer>> e : ANSWERS.entrySet()) {
                if (body.contains(e.getKey())) {
                    status = e.getValue().get(Math.min(attempt, e.getValue().size() - 1));
                }
            }
            RECEIVED.add(new Received(exchange.getRequestURI().getPath(), Map.copyOf(exchange.getRequestHeaders()),
                    body, status));
            if (status / 100 == 3) {
                exchange.getResponseHeaders().add("Location", "/redirected");
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        return Map.ofEntries(
                Map.entry("suite.webhooks.endpoints.test.url", base + "/hooks"),
                Map.entry("suite.webhooks.endpoints.test.secrets", SECRET + "," + OLD_SECRET),
                Map.entry("suite.webhooks.endpoints.other.url", base + "/other"),
                Map.entry("suite.webhooks.endpoints.other.products", "no-such-product"),
                Map.entry("suite.webhooks.endpoints.other.secrets", SECRET),
                Map.entry("suite.webhooks.allow-loopback", "true"),
                Map.entry("suite.webhooks.first-delay", "PT0.2S"),
                Map.entry("suite.webhooks.max-delay", "PT0.5S"),
                Map.entry("suite.webhooks.retry-budget", "PT4S"),
                Map.entry("suite.webhooks.poll-interval", "PT0.1S"));
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }
}
