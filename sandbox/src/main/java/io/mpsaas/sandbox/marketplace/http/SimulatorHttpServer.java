package io.mpsaas.sandbox.marketplace.http;

import io.mpsaas.common.webhook.WebhookSignature;
import io.mpsaas.sandbox.marketplace.webhook.WebhookReceiver;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.mpsaas.sandbox.marketplace.MarketplaceSimulator;
import io.mpsaas.sandbox.marketplace.api.AwsJsonProtocol;
import io.mpsaas.sandbox.marketplace.api.AwsResponse;
import io.mpsaas.sandbox.marketplace.notify.NotificationPublisher;
import io.mpsaas.sandbox.marketplace.notify.SnsSigning;
import io.mpsaas.sandbox.marketplace.ui.MarketplaceUi;
import io.mpsaas.sandbox.marketplace.ui.UiRequest;
import io.mpsaas.sandbox.marketplace.ui.UiResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * The simulator's HTTP face on the JDK server: AWS JSON 1.1 at {@code POST /}, the control API under
 * {@code /sandbox/}, the SNS signing certificates under {@code /sns/}, the web UI under {@code /marketplace} (a
 * browser's {@code GET /} is sent there). A bounded worker pool keeps a runaway client from exhausting the test JVM.
 */
public final class SimulatorHttpServer {

    private static final Logger LOG = Logger.getLogger(SimulatorHttpServer.class);

    /**
     * The JDK server leaves Nagle's algorithm on its sockets; with the client's delayed ACK, every answer written in
     * two parts (headers, then body) then waits about 40 ms: a simulated AWS call took 45 ms instead of 3
     * (BENCHMARKS.md). The JDK reads the setting once, when its server configuration loads: before the first server of
     * the JVM starts. A value set by the caller is kept.
     */
    static final String NODELAY_PROPERTY = "sun.net.httpserver.nodelay";

    static {
        if (System.getProperty(NODELAY_PROPERTY) == null) {
            System.setProperty(NODELAY_PROPERTY, "true");
        }
    }

    /** The web UI's forms are a few fields; anything longer is cut (and then fails validation). */
    private static final int MAX_FORM_BYTES = 64 * 1024;

    private final String host;
    private final int port;
    private final int threads;
    private final AwsJsonProtocol aws;
    private final ControlApi control;
    private final MarketplaceUi ui;
    private final SnsSigning signing;
    private final WebhookReceiver webhooks;
    private HttpServer server;
    private ThreadPoolExecutor executor;

    public SimulatorHttpServer(String host, int port, int threads, ObjectMapper mapper, AwsJsonProtocol aws,
            MarketplaceSimulator simulator, SnsSigning signing) {
        this.host = host;
        this.port = port;
        this.threads = threads;
        this.aws = aws;
        this.control = new ControlApi(mapper, simulator);
        this.ui = new MarketplaceUi(simulator, mapper);
        this.signing = signing;
        this.webhooks = simulator.webhooks();
    }

    /** Binds and starts; returns the bound port. */
    public int start() {
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 128);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind the marketplace simulator to " + host + ":" + port, e);
        }
        AtomicInteger n = new AtomicInteger();
        ThreadFactory factory = r -> {
            Thread t = new Thread(r, "mp-simulator-http-" + n.incrementAndGet());
            t.setDaemon(true); // never keep a test JVM alive
            return t;
        };
        // Bounded queue; when full the dispatcher thread runs the exchange itself, which slows accepting
        // (backpressure instead of unbounded memory).
        executor = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(256),
                factory, new ThreadPoolExecutor.CallerRunsPolicy());
        executor.allowCoreThreadTimeOut(true);
        server.setExecutor(executor);
        server.createContext("/", this::dispatch);
        server.start();
        return server.getAddress().getPort();
    }

    public void stop() {
        if (server != null) {
            server.stop(0);
            executor.shutdownNow();
        }
    }

    private void dispatch(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            if ("POST".equals(method) && ("/".equals(path) || target != null)) {
                handleAws(exchange, target);
            } else if ("GET".equals(method) && path.equals("/DescribeEntity")) {
                handleCatalog(exchange);
            } else if (path.equals(WebhookReceiver.PATH) && "POST".equals(method)) {
                handleWebhook(exchange);
            } else if (path.equals("/sandbox") || path.startsWith("/sandbox/")) {
                control.handle(exchange);
            } else if (path.startsWith("/sns/")) {
                handleSns(exchange, path);
            } else if (path.equals(MarketplaceUi.ROOT) || path.startsWith(MarketplaceUi.ROOT + "/")) {
                handleUi(exchange);
            } else if ("/".equals(path) && "GET".equals(method) && target == null) {
                // a person opening the simulator's address in a browser
                exchange.getResponseHeaders().set("Location", MarketplaceUi.ROOT);
                HttpSupport.send(exchange, 303, "text/plain", null);
            } else {
                HttpSupport.send(exchange, 404, "application/json",
                        ("{\"error\":\"NOT_FOUND\",\"message\":\"no resource at " + method + " " + path
                                + "; AWS APIs are POST / and GET /DescribeEntity, the control API is under /sandbox/, the web UI under "
                                + MarketplaceUi.ROOT + "\"}")
                                .getBytes(StandardCharsets.UTF_8));
            }
        } catch (RuntimeException e) {
            // A simulator bug: answer 500 (if nothing was sent yet) rather than dropping the connection.
            LOG.errorf(e, "request %s %s failed", exchange.getRequestMethod(), exchange.getRequestURI());
            if (exchange.getResponseCode() == -1) {
                HttpSupport.send(exchange, 500, "application/json", ("{\"error\":\"INTERNAL\",\"message\":\""
                        + e.getClass().getSimpleName() + "\"}").getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    private void handleWebhook(HttpExchange exchange) throws IOException {
        // a webhook is small; a larger body is cut and then fails its signature
        String body = new String(exchange.getRequestBody().readNBytes(MAX_FORM_BYTES), StandardCharsets.UTF_8);
        var headers = exchange.getRequestHeaders();
        int status = webhooks.receive(headers.getFirst(WebhookSignature.ID), headers.getFirst(WebhookSignature.TIMESTAMP),
                headers.getFirst(WebhookSignature.SIGNATURE), body);
        HttpSupport.send(exchange, status, "text/plain", null);
    }

    private void handleAws(HttpExchange exchange, String target) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        AwsResponse response = aws.handle(target, exchange.getRequestHeaders().getFirst("Authorization"), body);
        exchange.getResponseHeaders().set("x-amzn-RequestId", response.requestId());
        if (response.errorType() != null) {
            exchange.getResponseHeaders().set("x-amzn-ErrorType", response.errorType());
        }
        HttpSupport.send(exchange, response.status(), AwsResponse.contentTypeFor(target), response.body());
    }

    private void handleCatalog(HttpExchange exchange) throws IOException {
        Map<String, String> query;
        try {
            query = HttpSupport.query(exchange);
        } catch (IllegalArgumentException e) { // malformed percent-encoding
            query = Map.of();
        }
        AwsResponse response = aws.handleDescribeEntity(exchange.getRequestHeaders().getFirst("Authorization"),
                query);
        exchange.getResponseHeaders().set("x-amzn-RequestId", response.requestId());
        if (response.errorType() != null) {
            exchange.getResponseHeaders().set("x-amzn-ErrorType", response.errorType());
        }
        HttpSupport.send(exchange, response.status(), "application/json", response.body());
    }

    private void handleUi(HttpExchange exchange) throws IOException {
        UiRequest request;
        try {
            // Segments decoded one by one: product codes may contain an encoded '/'.
            List<String> segments = new ArrayList<>();
            for (String s : exchange.getRequestURI().getRawPath().split("/")) {
                if (!s.isEmpty()) {
                    segments.add(URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8));
                }
            }
            segments.remove(0); // "marketplace"
            Map<String, String> form = Map.of();
            if ("POST".equals(exchange.getRequestMethod())) {
                byte[] body = exchange.getRequestBody().readNBytes(MAX_FORM_BYTES);
                form = HttpSupport.decodeForm(new String(body, StandardCharsets.UTF_8));
            }
            request = new UiRequest(exchange.getRequestMethod(), segments, HttpSupport.query(exchange), form);
        } catch (IllegalArgumentException e) { // malformed percent-encoding
            HttpSupport.send(exchange, 400, "text/plain; charset=utf-8",
                    ("Bad request: " + e.getMessage()).getBytes(StandardCharsets.UTF_8));
            return;
        }
        UiResponse response = ui.handle(request);
        response.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
        HttpSupport.send(exchange, response.status(), response.contentType(), response.body());
    }

    private void handleSns(HttpExchange exchange, String path) throws IOException {
        if (path.equals(NotificationPublisher.SIGNING_CERT_PATH)) {
            HttpSupport.send(exchange, 200, "application/x-pem-file", signing.leafCertificatePem());
        } else if (path.equals(NotificationPublisher.ROOT_CERT_PATH)) {
            HttpSupport.send(exchange, 200, "application/x-pem-file", signing.rootCertificatePem());
        } else if (path.equals("/sns/")) {
            // The envelope's UnsubscribeURL: a sandbox has nothing to unsubscribe from, so acknowledge like SNS.
            HttpSupport.send(exchange, 200, "text/xml", ("<UnsubscribeResponse xmlns=\"http://sns.amazonaws.com/doc/"
                    + "2010-03-31/\"><ResponseMetadata><RequestId>sandbox</RequestId></ResponseMetadata>"
                    + "</UnsubscribeResponse>").getBytes(StandardCharsets.UTF_8));
        } else {
            HttpSupport.send(exchange, 404, "text/plain", ("no SNS resource " + path).getBytes(StandardCharsets.UTF_8));
        }
    }
}
