package io.mpsaas.common.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mpsaas.common.config.OpsConfig;
import io.mpsaas.common.health.ConsumersReadiness;
import io.mpsaas.common.messaging.MessageTracing;
import io.mpsaas.common.messaging.QueueUrls;
import io.mpsaas.common.messaging.SqsConsumer;
import io.mpsaas.common.messaging.SuiteJson;
import io.mpsaas.common.retry.Backoff;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Starting consumers never depends on SQS answering: with SQS unreachable (nothing listens on its port yet) or a queue
 * missing, {@link SqsConsumers#startWhenResolved} returns at once, readiness is DOWN and names the reason; once a real
 * ElasticMQ answers (or the queue is created) the consumers start, consume, and readiness is UP.
 */
class SqsConsumersStartTest {

    private SQSRestServer elasticMq;
    private SqsClient sqs;
    private int port;
    private SqsConsumers consumers;
    private ConsumersReadiness readiness;
    private final List<SqsConsumers.Pending> started = new CopyOnWriteArrayList<>();
    private final List<String> handled = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void healthResponses() {
        // the Quarkus application brings SmallRye Health; this plain test builds responses itself
        HealthCheckResponse.setResponseProvider(ResponseBuilder::new);
    }

    @BeforeEach
    void setUp() throws IOException {
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        sqs = SqsClient.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + port))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        consumers = new SqsConsumers(registry, MessageTracing.NONE,
                new DeadLetterQueueGauges(sqs, registry, new NoGaugesConfig()));
        readiness = new ConsumersReadiness(consumers);
    }

    @AfterEach
    void tearDown() {
        started.forEach(p -> p.stop(Duration.ofSeconds(5)));
        sqs.close();
        if (elasticMq != null) {
            // asked to stop, not awaited: ElasticMQ's shutdown can outlast its own one-minute wait on a loaded machine
            // (a fresh-clone run failed here after every assertion had passed); each test has its own port
            elasticMq.stopAndGetFuture().apply();
        }
    }

    @Test
    void startWhenResolved_returnsAtOnce_staysNotReady_thenConsumes_whenSqsComesBack() {
        // GIVEN nothing listens on SQS's port
        String name = "start-" + UUID.randomUUID();

        // WHEN the consumers are started
        start(name);

        // THEN the start did not fail, and readiness is DOWN naming the connection failure
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            HealthCheckResponse ready = readiness.call();
            assertThat(ready.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
            assertThat(String.valueOf(ready.getData().orElseThrow().get("the test queue")))
                    .isEqualTo("resolving queue URLs: no answer (ConnectException)");
        });
        assertThat(consumers.all()).isEmpty();

        // WHEN SQS comes up with the queue and a message waiting
        elasticMq = SQSRestServerBuilder.withInterface("127.0.0.1").withPort(port).start();
        elasticMq.waitUntilStarted();
        String url = createQueueWithDeadLetterQueue(name);
        sqs.sendMessage(r -> r.queueUrl(url).messageBody("hello"));

        // THEN the consumer starts (with its dead-letter queue), consumes the message, and readiness is UP
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(handled).containsExactly("hello");
            assertThat(readiness.call().getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
        });
        assertThat(consumers.all()).singleElement()
                .satisfies(c -> assertThat(c.deadLetterQueueUrl()).endsWith(name + "-dlq"));
        assertThat(consumers.unresolved()).isEmpty();
    }

    @Test
    void startWhenResolved_staysNotReady_whileTheQueueDoesNotExist_thenStarts_onceCreated() {
        // GIVEN SQS answers but the queue does not exist
        elasticMq = SQSRestServerBuilder.withInterface("127.0.0.1").withPort(port).start();
        elasticMq.waitUntilStarted();
        String name = "missing-" + UUID.randomUUID();

        // WHEN the consumers are started
        start(name);

        // THEN readiness is DOWN and says the queue does not exist
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            HealthCheckResponse ready = readiness.call();
            assertThat(ready.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
            assertThat(String.valueOf(ready.getData().orElseThrow().get("the test queue")))
                    .startsWith("resolving queue URLs: ").contains("(HTTP 400)");
        });

        // WHEN the queue is created
        String url = createQueueWithDeadLetterQueue(name);
        sqs.sendMessage(r -> r.queueUrl(url).messageBody("late"));

        // THEN it is found by a later attempt, and consumed
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(handled).containsExactly("late");
            assertThat(readiness.call().getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
        });
    }

    private void start(String name) {
        started.add(consumers.startWhenResolved("the test queue", () -> {
            String url = QueueUrls.resolve(sqs, name);
            String dlq = QueueUrls.deadLetterQueueUrl(sqs, SuiteJson.newMapper(), url);
            return List.of(SqsConsumer.builder().sqs(sqs).queueUrl(url).deadLetterQueueUrl(dlq).name(name)
                    .waitTimeSeconds(1).concurrency(1).handler(m -> {
                        handled.add(m.body());
                        return new SqsConsumer.Outcome.Done();
                    }));
        }, Backoff.fullJitter(Duration.ofMillis(200), Duration.ofSeconds(2))));
    }

    private String createQueueWithDeadLetterQueue(String name) {
        String dlqUrl = sqs.createQueue(r -> r.queueName(name + "-dlq")).queueUrl();
        String dlqArn = sqs.getQueueAttributes(r -> r.queueUrl(dlqUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        return sqs.createQueue(r -> r.queueName(name).attributes(Map.of(QueueAttributeName.REDRIVE_POLICY,
                "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":\"3\"}"))).queueUrl();
    }

    /** No configured dead-letter queues to watch (the consumer's own is added by {@link SqsConsumers}). */
    private static final class NoGaugesConfig implements OpsConfig {
        @Override
        public Health health() {
            throw new UnsupportedOperationException("not read by DeadLetterQueueGauges");
        }

        @Override
        public Gauges gauges() {
            return new Gauges() {
                @Override
                public String refreshEvery() {
                    return "60s";
                }

                @Override
                public String firstRefreshAfter() {
                    return "20s";
                }

                @Override
                public Optional<List<String>> deadLetterQueues() {
                    return Optional.empty();
                }
            };
        }
    }

    /** The smallest health response builder (SmallRye Health's in the services). */
    private static final class ResponseBuilder extends HealthCheckResponseBuilder {
        private String name;
        private HealthCheckResponse.Status status = HealthCheckResponse.Status.UP;
        private final Map<String, Object> data = new HashMap<>();

        @Override
        public HealthCheckResponseBuilder name(String name) {
            this.name = name;
            return this;
        }

        @Override
        public HealthCheckResponseBuilder withData(String key, String value) {
            data.put(key, value);
            return this;
        }

        @Override
        public HealthCheckResponseBuilder withData(String key, long value) {
            data.put(key, value);
            return this;
        }

        @Override
        public HealthCheckResponseBuilder withData(String key, boolean value) {
            data.put(key, value);
            return this;
        }

        @Override
        public HealthCheckResponseBuilder up() {
            return status(true);
        }

        @Override
        public HealthCheckResponseBuilder down() {
            return status(false);
        }

        @Override
        public HealthCheckResponseBuilder status(boolean up) {
            status = up ? HealthCheckResponse.Status.UP : HealthCheckResponse.Status.DOWN;
            return this;
        }

        @Override
        public HealthCheckResponse build() {
            return new HealthCheckResponse(name, status, Optional.of(Map.copyOf(data)));
        }
    }
}
