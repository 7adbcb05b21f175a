package io.mpsaas.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mpsaas.sandbox.LocalSuite;
import io.mpsaas.sandbox.LocalSuite.Service;
import io.mpsaas.sandbox.Sandbox;
import io.mpsaas.sandbox.marketplace.MarketplaceSimulator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesRequest;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;

/**
 * The suite as the reliability tests drive it: {@link LocalSuite} on free loopback ports with its logs under
 * {@code target/reliability-logs/<name>}, plus plain HTTP and SQS access to what a client (or an attacker) can reach.
 */
final class Suite implements AutoCloseable {

    static final Path ROOT = Path.of(System.getProperty("mpsaas.root", "..")).toAbsolutePath().normalize();

    /** The suite's queues (their dead-letter queues are {@code <name>-dlq}). */
    static final String NOTIFICATIONS = "marketplace-notifications";
    static final String USAGE = "metering-usage";
    static final String COMMANDS = "metering-commands";
    static final String CUSTOMER_EVENTS = "marketplace-customer-events";

    /** How long a read-through of a dead-letter queue hides each message it read. */
    private static final int READ_THROUGH_HIDES_SECONDS = 10;

    /** How often a test may read a dead-letter queue through again and see every message: once they are visible. */
    static final Duration READ_THROUGH_AGAIN = Duration.ofSeconds(READ_THROUGH_HIDES_SECONDS + 1);

    final LocalSuite local;
    final MarketplaceSimulator sim;
    final ObjectMapper json = new ObjectMapper();
    final Path logDir;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3))
            .version(HttpClient.Version.HTTP_1_1).followRedirects(HttpClient.Redirect.NEVER).build();

    private Suite(LocalSuite local, Path logDir) {
        this.local = local;
        this.sim = local.sandbox().simulator();
        this.logDir = logDir;
    }

    /**
     * Starts the sandbox and the three services. {@code extra} goes to every service (e.g. endpoints of a proxy),
     * {@code perService} to one. Entitlement's scheduled reconciliation is off: notifications alone must make every
     * state right. onboarding's rate limit is lifted unless the test sets it (the load comes from one address).
     */
    static Suite start(String name, Map<String, String> extra, Map<Service, Map<String, String>> perService) {
        return start(name, Sandbox.Ports.RANDOM, extra, perService);
    }

    /** The same on given sandbox ports (to put a proxy in front of one before the services start). */
    static Suite start(String name, Sandbox.Ports ports, Map<String, String> extra,
            Map<Service, Map<String, String>> perService) {
        Path logDir = Path.of("target", "reliability-logs", name).toAbsolutePath();
        try {
            if (Files.isDirectory(logDir)) {
                try (var files = Files.list(logDir)) {
                    for (Path f : files.toList()) {
                        Files.deleteIfExists(f);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<Service, Map<String, String>> config = new LinkedHashMap<>();
        config.put(Service.ENTITLEMENT, Map.of("suite.entitlement.reconciliation.enabled", "false"));
        config.put(Service.ONBOARDING, Map.of("suite.onboarding.rate-limit.enabled", "false"));
        config.put(Service.METERING, Map.of("suite.metering.job.cron", "*/10 * * * * ?"));
        perService.forEach((service, values) -> {
            Map<String, String> merged = new LinkedHashMap<>(config.getOrDefault(service, Map.of()));
            merged.putAll(values);
            config.put(service, merged);
        });
        LocalSuite local = LocalSuite.start(new LocalSuite.Options(ROOT, ports, true, logDir, extra, config));
        return new Suite(local, logDir);
    }

    URI url(Service service, String path) {
        return URI.create(local.url(service) + path);
    }

    /** One HTTP answer; {@code status} -1 when the connection failed (the service is down). */
    record Answer(int status, HttpHeaders headers, String body) {

        String header(String name) {
            return headers == null ? null : headers.firstValue(name).orElse(null);
        }
    }

    Answer send(HttpRequest request) {
        return exchange(http, request);
    }

    /**
     * One request and its answer, by HTTP/1.1 (what the services' clients speak; no h2c upgrade), never waiting
     * longer than the request's timeout and a margin: a client that waited forever for an answer (once seen with the
     * JDK client's h2c upgrade) would hang the whole run instead of recording "no answer" ({@code status} -1).
     */
    static Answer exchange(HttpClient http, HttpRequest request) {
        Duration limit = request.timeout().orElse(Duration.ofSeconds(30)).plusSeconds(15);
        CompletableFuture<HttpResponse<String>> call = http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
        try {
            HttpResponse<String> response = call.get(limit.toMillis(), TimeUnit.MILLISECONDS);
            return new Answer(response.statusCode(), response.headers(), response.body());
        } catch (ExecutionException e) {
            return new Answer(-1, null, String.valueOf(e.getCause()));
        } catch (TimeoutException e) {
            call.cancel(true);
            return new Answer(-1, null, "no answer within " + limit.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpRequest.Builder request(Service service, String path) {
        return HttpRequest.newBuilder(url(service, path)).timeout(Duration.ofSeconds(30));
    }

    Answer get(Service service, String path, String key) {
        HttpRequest.Builder request = request(service, path).GET().header("Accept", "application/json");
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return send(request.build());
    }

    Answer postJson(Service service, String path, String key, String body) {
        HttpRequest.Builder request = request(service, path).header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return send(request.build());
    }

    /** AWS's cross-site form POST to the fulfillment URL. */
    Answer land(String token) {
        return send(request(Service.ONBOARDING, "/")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("x-amzn-marketplace-token=" + encode(token)))
                .build());
    }

    JsonNode read(String body) {
        try {
            return json.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---------------------------------------------------------------- SQS

    String queueUrl(String queue) {
        return local.sandbox().aws().queueUrl(queue);
    }

    void sendMessage(String queue, String body) {
        sendMessage(queue, body, Map.of());
    }

    void sendMessage(String queue, String body, Map<String, String> attributes) {
        Map<String, MessageAttributeValue> attrs = new LinkedHashMap<>();
        attributes.forEach((k, v) -> attrs.put(k, MessageAttributeValue.builder().dataType("String").stringValue(v)
                .build()));
        local.sandbox().aws().sqs().sendMessage(b -> b.queueUrl(queueUrl(queue)).messageBody(body)
                .messageAttributes(attrs));
    }

    /** Visible plus in-flight plus delayed messages of a queue. */
    long depth(String queue) {
        Map<QueueAttributeName, String> attributes = local.sandbox().aws().sqs().getQueueAttributes(
                GetQueueAttributesRequest.builder().queueUrl(queueUrl(queue)).attributeNames(
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED).build()).attributes();
        return attributes.values().stream().mapToLong(Long::parseLong).sum();
    }

    /** A parked message: its body and its {@code parkReason} attribute (null when SQS's redrive moved it). */
    record Parked(String body, String parkReason) {
    }

    /**
     * Reads the dead-letter queue's messages (they become visible again after 1 s, so the test may read again; at most
     * 500: {@link #deadLettersContaining} reads a long one through).
     */
    List<Parked> peekDeadLetters(String queue) {
        List<Parked> parked = new java.util.ArrayList<>();
        readDeadLetters(queue, 1, 50, parked::add, () -> false);
        return parked;
    }

    /**
     * Every message of the queue's dead-letter queue whose body contains {@code fragment}, the whole queue read through:
     * each read hides a message for a while, so a long dead-letter queue (other tests park hundreds, more than
     * {@link #peekDeadLetters} reads) is read to its end rather than the same ten seen again. Call it at most every
     * {@link #READ_THROUGH_AGAIN}.
     */
    List<Parked> deadLettersContaining(String queue, String fragment) {
        List<Parked> parked = new java.util.ArrayList<>();
        readDeadLetters(queue, READ_THROUGH_HIDES_SECONDS, 2_000, p -> {
            if (p.body().contains(fragment)) {
                parked.add(p);
            }
        }, () -> false);
        return parked;
    }

    /**
     * The messages of the queue's dead-letter queue whose body contains one of {@code markers}, by marker (the last one
     * read of each), read through as {@link #deadLettersContaining} reads until every marker is found or the
     * dead-letter queue has nothing more to give.
     */
    Map<String, Parked> findDeadLetters(String queue, java.util.Collection<String> markers) {
        Map<String, Parked> found = new LinkedHashMap<>();
        readDeadLetters(queue, READ_THROUGH_HIDES_SECONDS, 2_000, p -> markers.stream()
                .filter(marker -> p.body().contains(marker)).forEach(marker -> found.put(marker, p)),
                () -> found.size() >= markers.size());
        return found;
    }

    /**
     * Reads the dead-letter queue ten messages at a time (each hidden for {@code visibilitySeconds}), giving each to
     * {@code read}, until it has none to give, {@code rounds} reads were made or {@code done} says so.
     */
    private void readDeadLetters(String queue, int visibilitySeconds, int rounds,
            java.util.function.Consumer<Parked> read, java.util.function.BooleanSupplier done) {
        String url = queueUrl(queue + "-dlq");
        for (int round = 0; round < rounds && !done.getAsBoolean(); round++) {
            var messages = local.sandbox().aws().sqs().receiveMessage(ReceiveMessageRequest.builder().queueUrl(url)
                    .maxNumberOfMessages(10).visibilityTimeout(visibilitySeconds).waitTimeSeconds(0)
                    .messageAttributeNames("All").build()).messages();
            if (messages.isEmpty()) {
                break;
            }
            for (var m : messages) {
                MessageAttributeValue reason = m.messageAttributes().get("parkReason");
                read.accept(new Parked(m.body(), reason == null ? null : reason.stringValue()));
            }
        }
    }

    /** Whether the service reports ready ({@code /q/health/ready} on its management port answers 200). */
    boolean ready(Service service) {
        return send(HttpRequest.newBuilder(local.managementUrl(service).resolve("/q/health/ready"))
                .timeout(Duration.ofSeconds(30)).GET().build()).status() == 200;
    }

    /** A free loopback port, for a sandbox endpoint a {@link io.mpsaas.sandbox.testing.TcpProxy} will sit before. */
    static int freePort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1,
                java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether the service is up ({@code /q/health/live} answers 200): started, whatever its dependencies. */
    boolean live(Service service) {
        return send(HttpRequest.newBuilder(local.managementUrl(service).resolve("/q/health/live"))
                .timeout(Duration.ofSeconds(5)).GET().build()).status() == 200;
    }

    /** Every service's captured output so far. */
    String logs() {
        StringBuilder all = new StringBuilder();
        for (Service service : Service.values()) {
            try {
                Path file = local.logFile(service);
                if (Files.exists(file)) {
                    all.append(new String(Files.readAllBytes(file), StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return all.toString();
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        local.close();
    }
}
