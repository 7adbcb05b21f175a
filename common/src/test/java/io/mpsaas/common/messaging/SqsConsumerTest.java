package io.mpsaas.common.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.jboss.logging.MDC;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * The SQS consumer against ElasticMQ: acknowledgement, retry, requeue of a message failing for long, parking with a
 * reason, and staying alive; with a batch handler, the messages of a receive handed over together and acknowledged
 * each by its own outcome.
 */
class SqsConsumerTest {

    private static SQSRestServer elasticMq;
    private static SqsClient sqs;
    private final ObjectMapper mapper = SuiteJson.newMapper();
    private String queueUrl;
    private String dlqUrl;
    private SqsConsumer consumer;

    @BeforeAll
    static void startElasticMq() {
        elasticMq = SQSRestServerBuilder.withInterface("127.0.0.1").withDynamicPort().start();
        int port = elasticMq.waitUntilStarted().localAddress().getPort();
        sqs = SqsClient.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + port))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    @AfterAll
    static void stopElasticMq() {
        sqs.close();
        try {
            elasticMq.stopAndWait();
        } catch (Exception e) {
            // Pekko's HTTP server can take longer than ElasticMQ's one-minute wait to close a long poll's connection
            // (seen once in CI): the tests are over by then, and the server is a daemon of this JVM
            System.err.println("ElasticMQ did not stop in time: " + e);
        }
    }

    @BeforeEach
    void createQueues() {
        String name = "consumer-" + UUID.randomUUID();
        dlqUrl = sqs.createQueue(r -> r.queueName(name + "-dlq")).queueUrl();
        String dlqArn = sqs.getQueueAttributes(r -> r.queueUrl(dlqUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        queueUrl = sqs.createQueue(r -> r.queueName(name).attributes(Map.of(
                QueueAttributeName.VISIBILITY_TIMEOUT, "30",
                QueueAttributeName.REDRIVE_POLICY,
                "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":\"3\"}"))).queueUrl();
    }

    @AfterEach
    void stopConsumer() {
        if (consumer != null) {
            consumer.stop(Duration.ofSeconds(5));
        }
    }

    private SqsConsumer consume(SqsConsumer.Handler handler) {
        consumer = SqsConsumer.builder().sqs(sqs).queueUrl(queueUrl)
                .deadLetterQueueUrl(QueueUrls.deadLetterQueueUrl(sqs, mapper, queueUrl))
                .handler(handler).concurrency(3).waitTimeSeconds(1).build().start();
        return consumer;
    }

    private List<Message> drain(String url) {
        return sqs.receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1)
                .messageAttributeNames("All")).messages();
    }

    @Test
    void doneMessages_areDeleted_once() {
        // GIVEN
        Set<String> seen = ConcurrentHashMap.newKeySet();
        AtomicInteger calls = new AtomicInteger();
        for (int i = 0; i < 25; i++) {
            int n = i;
            sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody("m" + n));
        }

        // WHEN
        consume(m -> {
            calls.incrementAndGet();
            seen.add(m.body());
            return SqsConsumer.Outcome.DONE;
        });

        // THEN
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(seen).hasSize(25));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(consumer.done()).isEqualTo(25));
        assertThat(calls.get()).isEqualTo(25);
        assertThat(drain(queueUrl)).isEmpty();
        assertThat(consumer.healthy()).isTrue();
    }

    @Test
    void aMessageHandledLongerThanItsVisibilityTimeout_isKeptInvisible_andHandledOnce() throws Exception {
        // GIVEN a queue whose messages come back after 3 s, and a handler that needs three times as long (as a
        // GetEntitlements retry chain can outlast a queue's timeout); a second consumer watches for a redelivery
        sqs.setQueueAttributes(r -> r.queueUrl(queueUrl).attributes(Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "3")));
        sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody("slow"));
        AtomicInteger deliveries = new AtomicInteger();
        java.util.concurrent.CountDownLatch finish = new java.util.concurrent.CountDownLatch(1);
        consume(m -> {
            deliveries.incrementAndGet();
            finish.await(30, java.util.concurrent.TimeUnit.SECONDS);
            return SqsConsumer.Outcome.DONE;
        });
        SqsConsumer watcher = SqsConsumer.builder().sqs(sqs).queueUrl(queueUrl).handler(m -> {
            deliveries.incrementAndGet();
            return SqsConsumer.Outcome.DONE;
        }).concurrency(1).waitTimeSeconds(1).name("watcher").build().start();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> deliveries.get() == 1);

            // WHEN the work lasts three visibility timeouts
            await().pollDelay(Duration.ofSeconds(9)).atMost(Duration.ofSeconds(10)).until(() -> true);

            // THEN the message stayed in the first worker's hands: no second delivery, its timeout renewed meanwhile
            assertThat(deliveries.get()).isEqualTo(1);
            assertThat(consumer.visibilityTimeout()).isEqualTo(Duration.ofSeconds(3));
            assertThat(consumer.extended()).isGreaterThanOrEqualTo(3);
            finish.countDown();
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(consumer.done()).isEqualTo(1));
            long extensions = consumer.extended();
            await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> true);
            assertThat(consumer.extended()).as("no extension once it is done").isEqualTo(extensions);
            assertThat(deliveries.get()).isEqualTo(1);
        } finally {
            finish.countDown();
            watcher.stop(Duration.ofSeconds(5));
        }
    }

    @Test
    void parkedMessage_landsInTheDeadLetterQueue_withItsReason_andTheConsumerGoesOn() {
        // GIVEN
        sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody("{not json"));
        sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody("good"));
        Set<String> handled = ConcurrentHashMap.newKeySet();

        // WHEN
        consume(m -> {
            if (m.body().startsWith("{not")) {
                return new SqsConsumer.Outcome.Park("malformed JSON at line 1");
            }
            handled.add(m.body());
            return SqsConsumer.Outcome.DONE;
        });

        // THEN
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(consumer.parked()).isEqualTo(1));
        assertThat(handled).containsExactly("good");
        List<Message> parked = drain(dlqUrl);
        assertThat(parked).singleElement().satisfies(m -> {
            assertThat(m.body()).isEqualTo("{not json");
            assertThat(m.messageAttributes().get(SqsConsumer.PARK_REASON_ATTRIBUTE).stringValue())
                    .isEqualTo("malformed JSON at line 1");
            assertThat(m.messageAttributes().get(SqsConsumer.PARK_SOURCE_ATTRIBUTE).stringValue())
                    .isEqualTo(queueUrl);
        });
        assertThat(drain(queueUrl)).isEmpty();
    }

    @Test
    void aHandlerFailingForGood_hasItsMessageParkedAtOnce_withTheReason_neverRetried() {
        // GIVEN a body nested deeper than Jackson reads, and a write DynamoDB refuses as invalid (a key too long)
        String deep = "[".repeat(1_500) + "]".repeat(1_500);
        sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody(deep));
        sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody("too-long-key"));
        sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody("good"));
        com.fasterxml.jackson.databind.ObjectMapper json = SuiteJson.newMapper();
        AtomicInteger calls = new AtomicInteger();
        Set<String> handled = ConcurrentHashMap.newKeySet();

        // WHEN the handler throws what the parser and the DynamoDB client throw
        consume(m -> {
            calls.incrementAndGet();
            if (m.body().startsWith("[")) {
                json.readTree(m.body());
            }
            if (m.body().equals("too-long-key")) {
                throw software.amazon.awssdk.services.dynamodb.model.DynamoDbException.builder()
                        .message("One or more parameter values were invalid: Size of hashkey has exceeded the"
                                + " maximum size limit of 2048 bytes")
                        .awsErrorDetails(software.amazon.awssdk.awscore.exception.AwsErrorDetails.builder()
                                .errorCode("ValidationException").errorMessage("One or more parameter values were"
                                        + " invalid: Size of hashkey has exceeded the maximum size limit of 2048"
                                        + " bytes").build())
                        .statusCode(400).build();
            }
            handled.add(m.body());
            return SqsConsumer.Outcome.DONE;
        });

        // THEN both are parked on their first receive, each with its reason, and the good one is done
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(consumer.parked()).isEqualTo(2));
        assertThat(handled).containsExactly("good");
        assertThat(consumer.retried()).isZero();
        assertThat(calls.get()).isEqualTo(3);
        Map<String, String> reasons = new java.util.HashMap<>();
        drain(dlqUrl).forEach(m -> reasons.put(m.body().startsWith("[") ? "deep" : m.body(),
                m.messageAttributes().get(SqsConsumer.PARK_REASON_ATTRIBUTE).stringValue()));
        assertThat(reasons.get("deep")).startsWith(Failures.UNREADABLE + ": ").contains("nesting depth");
        assertThat(reasons.get("too-long-key")).startsWith(Failures.REFUSED_BY_STORAGE + ": ")
                .contains("Size of hashkey");
        assertThat(drain(queueUrl)).isEmpty();
    }

    @Test
    void aReasonQuotingPoisonInput_isMadeSafe_soTheMessageIsStillParkedWithIt() {
        // GIVEN a body starting with an emoji: a JSON parser's message names its lone high surrogate, which SQS
        // refuses in an attribute; and a reason carrying line breaks and a bidi override
        sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody("\uD83D\uDE00 not json"));
        sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody("forge"));

        // WHEN the handler parks them with those reasons
        consume(m -> m.body().startsWith("forge")
                ? new SqsConsumer.Outcome.Park("bad\r\n2026 INFO forged line \u202Eevil")
                : new SqsConsumer.Outcome.Park("Unexpected character ('\uD83D' (code 55357))"));

        // THEN both are parked, with their reasons made printable
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(consumer.parked()).isEqualTo(2));
        assertThat(drain(dlqUrl)).extracting(m -> m.messageAttributes().get(SqsConsumer.PARK_REASON_ATTRIBUTE)
                .stringValue()).containsExactlyInAnyOrder("Unexpected character ('?' (code 55357))",
                        "bad??2026 INFO forged line ?evil");
        assertThat(SqsConsumer.printable("\uD83D\uDE00\uD83D\uDE00", 3)).isEqualTo("\uD83D\uDE00");
        assertThat(SqsConsumer.printable("é\tx", 10)).isEqualTo("é?x");
    }

    @Test
    void aParkedMessageWithTenAttributes_keepsItsParkReasonAndTraceContext_andTheHandlerSeesItsIdInTheMdc() {
        // GIVEN a message with the trace context and eight more attributes (SQS's limit is ten)
        Map<String, MessageAttributeValue> attributes = new HashMap<>();
        for (int i = 0; i < 8; i++) {
            attributes.put("a" + i, MessageAttributeValue.builder().dataType("String").stringValue("v").build());
        }
        String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        attributes.put("traceparent", MessageAttributeValue.builder().dataType("String").stringValue(traceparent)
                .build());
        attributes.put("tracestate", MessageAttributeValue.builder().dataType("String").stringValue("v=1").build());
        String id = sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody("poison").messageAttributes(attributes))
                .messageId();
        List<Object> mdcSeen = new ArrayList<>();

        // WHEN it is parked
        consume(m -> {
            mdcSeen.add(MDC.get(SqsConsumer.MDC_MESSAGE_ID));
            return new SqsConsumer.Outcome.Park("never");
        });

        // THEN the parked copy keeps the park attributes and the trace context, dropping others to stay within ten
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(consumer.parked()).isEqualTo(1));
        assertThat(mdcSeen).containsExactly(id);
        assertThat(drain(dlqUrl)).singleElement().satisfies(m -> assertThat(m.messageAttributes()).hasSize(10)
                .containsKeys(SqsConsumer.PARK_REASON_ATTRIBUTE, SqsConsumer.PARK_SOURCE_ATTRIBUTE,
                        SqsConsumer.PARK_MESSAGE_ID_ATTRIBUTE, SqsConsumer.PARK_AT_ATTRIBUTE, "traceparent",
                        "tracestate"));
    }

    @Test
    void failingHandler_isRetried_untilItSucceeds() {
        // GIVEN a handler that throws on the first delivery
        AtomicInteger attempts = new AtomicInteger();
        sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody("flaky"));

        // WHEN
        consume(m -> {
            if (attempts.incrementAndGet() == 1) {
                throw new IllegalStateException("dependency down");
            }
            return SqsConsumer.Outcome.DONE;
        });

        // THEN: the first failure backs off 2 s (receive count 1), then the second delivery succeeds
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(consumer.done()).isEqualTo(1));
        assertThat(attempts.get()).isEqualTo(2);
        assertThat(consumer.retried()).isEqualTo(1);
    }

    @Test
    void messageFailingMoreOftenThanTheRedriveAllows_isRequeued_andHandledWhenTheDependencyIsBack() {
        // GIVEN a message that fails 5 times (a dependency down) on a queue whose redrive parks after 3 receives
        AtomicInteger attempts = new AtomicInteger();
        sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody("usage"));

        // WHEN
        consume(m -> attempts.incrementAndGet() <= 5
                ? new SqsConsumer.Outcome.Retry(Duration.ZERO, "DynamoDB unreachable")
                : SqsConsumer.Outcome.DONE);

        // THEN it is requeued as a fresh copy rather than redriven without a reason, and handled on the 6th attempt
        // (a requeue is counted after the copy is sent, so the copy may be handled before its count: await both)
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(consumer.done()).isEqualTo(1);
            assertThat(consumer.retried()).isEqualTo(5);
        });
        assertThat(attempts.get()).isEqualTo(6);
        assertThat(drain(dlqUrl)).isEmpty();
        assertThat(drain(queueUrl)).isEmpty();
    }

    @Test
    void messageFailingLongerThanRetryFor_isParkedWithItsLastReason() {
        // GIVEN a message that can never be handled but is not recognised as poison, and a short retry period
        AtomicInteger attempts = new AtomicInteger();
        sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody("stuck"));

        // WHEN
        consumer = SqsConsumer.builder().sqs(sqs).queueUrl(queueUrl)
                .deadLetterQueueUrl(QueueUrls.deadLetterQueueUrl(sqs, mapper, queueUrl))
                .requeueAfterReceives(2).retryFor(Duration.ofSeconds(3))
                .handler(m -> {
                    attempts.incrementAndGet();
                    return new SqsConsumer.Outcome.Retry(Duration.ofSeconds(1), "still failing");
                }).concurrency(1).waitTimeSeconds(1).build().start();

        // THEN it is parked by the consumer, with the time it kept failing and its last reason, not by the redrive
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(consumer.parked()).isEqualTo(1));
        List<Message> parked = drain(dlqUrl);
        assertThat(parked).extracting(Message::body).containsExactly("stuck");
        assertThat(parked.get(0).messageAttributes().get(SqsConsumer.PARK_REASON_ATTRIBUTE).stringValue())
                .startsWith("still failing after PT").endsWith(": still failing");
        assertThat(parked.get(0).messageAttributes()).containsKey(SqsConsumer.RETRYING_SINCE_ATTRIBUTE);
        assertThat(attempts.get()).isGreaterThanOrEqualTo(3);
        assertThat(drain(queueUrl)).isEmpty();
    }

    /** Receives the message as a consumer that is then killed would: no outcome, back after one second. */
    private void receiveAndDie() {
        await().atMost(Duration.ofSeconds(10)).until(() -> !sqs.receiveMessage(r -> r.queueUrl(queueUrl)
                .visibilityTimeout(1).waitTimeSeconds(1)).messages().isEmpty());
    }

    @Test
    void aMessageWhoseReceivesEndedWithoutAnOutcome_isRequeuedBeforeHandling_soTheRedriveNeverParksItWithoutAReason() {
        // GIVEN a valid message whose first two receives ended with the consumer killed (the queue's redrive parks
        // after 3 receives, so one more unfinished receive would move it to the dead-letter queue without a reason)
        sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody("unsubscribe-success"));
        receiveAndDie();
        receiveAndDie();
        List<Message> handled = new java.util.concurrent.CopyOnWriteArrayList<>();

        // WHEN a consumer that requeues from the second receive on gets it (its third receive)
        consumer = SqsConsumer.builder().sqs(sqs).queueUrl(queueUrl)
                .deadLetterQueueUrl(QueueUrls.deadLetterQueueUrl(sqs, mapper, queueUrl))
                .requeueAfterReceives(1).handler(m -> {
                    handled.add(m);
                    return SqsConsumer.Outcome.DONE;
                }).concurrency(1).waitTimeSeconds(1).build().start();

        // THEN it was requeued as a fresh copy before any handling, and the copy handled once, on its first receive
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(consumer.done()).isEqualTo(1));
        assertThat(consumer.retried()).isEqualTo(1);
        assertThat(handled).hasSize(1);
        assertThat(handled.get(0).body()).isEqualTo("unsubscribe-success");
        assertThat(SqsConsumer.receiveCount(handled.get(0))).isEqualTo(1);
        assertThat(handled.get(0).messageAttributes().get(SqsConsumer.UNFINISHED_RECEIVES_ATTRIBUTE).stringValue())
                .as("one return after unfinished receives, however many SQS counted").isEqualTo("1");
        assertThat(handled.get(0).messageAttributes()).containsKey(SqsConsumer.RETRYING_SINCE_ATTRIBUTE);
        assertThat(drain(dlqUrl)).isEmpty();
        assertThat(drain(queueUrl)).isEmpty();
    }

    @Test
    void aMessageWhoseHandlingNeverFinishes_isParkedWithThatReason_notLeftToTheRedrive() {
        // GIVEN a copy already requeued once for an unfinished receive, unfinished again (its handling kills the
        // process every time)
        sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody("kills-the-process").messageAttributes(Map.of(
                SqsConsumer.UNFINISHED_RECEIVES_ATTRIBUTE,
                MessageAttributeValue.builder().dataType("String").stringValue("1").build())));
        receiveAndDie();
        AtomicInteger calls = new AtomicInteger();

        // WHEN
        consumer = SqsConsumer.builder().sqs(sqs).queueUrl(queueUrl)
                .deadLetterQueueUrl(QueueUrls.deadLetterQueueUrl(sqs, mapper, queueUrl))
                .requeueAfterReceives(1).parkAfterUnfinishedReceives(2).handler(m -> {
                    calls.incrementAndGet();
                    return SqsConsumer.Outcome.DONE;
                }).concurrency(1).waitTimeSeconds(1).build().start();

        // THEN it is parked by the consumer with the reason, never handled again
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(consumer.parked()).isEqualTo(1));
        List<Message> parked = drain(dlqUrl);
        assertThat(parked).extracting(Message::body).containsExactly("kills-the-process");
        assertThat(parked.get(0).messageAttributes().get(SqsConsumer.PARK_REASON_ATTRIBUTE).stringValue())
                .startsWith("its handling never finished, 2 times in a row");
        assertThat(calls.get()).isZero();
        assertThat(drain(queueUrl)).isEmpty();
    }

    private SqsConsumer consumeBatches(SqsConsumer.BatchHandler handler) {
        consumer = SqsConsumer.builder().sqs(sqs).queueUrl(queueUrl)
                .deadLetterQueueUrl(QueueUrls.deadLetterQueueUrl(sqs, mapper, queueUrl))
                .batchHandler(handler).concurrency(20).waitTimeSeconds(1).build().start();
        return consumer;
    }

    private void sendBatch(List<String> bodies) {
        for (int from = 0; from < bodies.size(); from += 10) {
            List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
            for (int i = from; i < Math.min(bodies.size(), from + 10); i++) {
                entries.add(SendMessageBatchRequestEntry.builder().id("e" + i).messageBody(bodies.get(i)).build());
            }
            sqs.sendMessageBatch(r -> r.queueUrl(queueUrl).entries(entries));
        }
    }

    @Test
    void batchHandler_getsTheMessagesOfAReceiveTogether_andDoneOnesAreDeleted() {
        // GIVEN 30 messages waiting
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            bodies.add("m" + i);
        }
        sendBatch(bodies);
        Set<String> seen = ConcurrentHashMap.newKeySet();
        List<Integer> sizes = java.util.Collections.synchronizedList(new ArrayList<>());

        // WHEN a batch handler consumes them, answering Done for each
        consumeBatches(batch -> {
            sizes.add(batch.messages().size());
            Map<String, SqsConsumer.Outcome> outcomes = new HashMap<>();
            batch.messages().forEach(m -> {
                seen.add(m.body());
                outcomes.put(m.messageId(), SqsConsumer.Outcome.DONE);
            });
            return outcomes;
        });

        // THEN every message was handed over once, several at a time, and deleted
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(consumer.done()).isEqualTo(30));
        assertThat(seen).hasSize(30);
        assertThat(sizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(30);
        assertThat(sizes).allSatisfy(n -> assertThat(n).isBetween(1, SqsConsumer.MAX_BATCH));
        assertThat(sizes.size()).isLessThan(30);
        assertThat(consumer.received()).isEqualTo(30);
        assertThat(drain(queueUrl)).isEmpty();
    }

    @Test
    void messagesInWork_areKeptInvisibleTenToARequest() throws Exception {
        // GIVEN a queue whose messages come back after 3 s, twelve messages in the hands of batch handlers that hold
        // them until told, and an SQS client that counts its calls
        sqs.setQueueAttributes(r -> r.queueUrl(queueUrl).attributes(Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "3")));
        Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        SqsClient counted = (SqsClient) java.lang.reflect.Proxy.newProxyInstance(SqsClient.class.getClassLoader(),
                new Class<?>[] {SqsClient.class}, (proxy, method, args) -> {
                    calls.computeIfAbsent(method.getName(), m -> new AtomicInteger()).incrementAndGet();
                    try {
                        return method.invoke(sqs, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        sendBatch(List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"));
        AtomicInteger inHand = new AtomicInteger();
        java.util.concurrent.CountDownLatch finish = new java.util.concurrent.CountDownLatch(1);
        consumer = SqsConsumer.builder().sqs(counted).queueUrl(queueUrl).batchHandler(batch -> {
            inHand.addAndGet(batch.messages().size());
            finish.await(30, java.util.concurrent.TimeUnit.SECONDS);
            Map<String, SqsConsumer.Outcome> outcomes = new HashMap<>();
            batch.messages().forEach(m -> outcomes.put(m.messageId(), SqsConsumer.Outcome.DONE));
            return outcomes;
        }).concurrency(20).waitTimeSeconds(1).build().start();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> inHand.get() == 12);

            // WHEN their work outlasts the visibility timeout, so that every one of them is extended
            await().atMost(Duration.ofSeconds(10)).until(() -> consumer.extended() >= 24);

            // THEN the extensions went ten to a ChangeMessageVisibilityBatch, never one message per request
            assertThat(calls.getOrDefault("changeMessageVisibility", new AtomicInteger()).get()).isZero();
            int batches = calls.get("changeMessageVisibilityBatch").get();
            assertThat(batches * 10L).isGreaterThanOrEqualTo(consumer.extended());
            assertThat((long) batches).isLessThan(consumer.extended());
        } finally {
            finish.countDown();
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(consumer.done()).isEqualTo(12));
        assertThat(inHand.get()).as("none delivered a second time").isEqualTo(12);
    }

    @Test
    void aBatchHandledLongerThanItsVisibilityTimeout_isKeptInvisible_andHandledOnce() throws Exception {
        // GIVEN a queue whose messages come back after 3 s, three messages, and a batch handler that needs three times
        // as long (a batch waiting for paced GetEntitlements calls); a second consumer watches for a redelivery
        sqs.setQueueAttributes(r -> r.queueUrl(queueUrl).attributes(Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "3")));
        sendBatch(List.of("a", "b", "c"));
        AtomicInteger deliveries = new AtomicInteger();
        java.util.concurrent.CountDownLatch finish = new java.util.concurrent.CountDownLatch(1);
        consumeBatches(batch -> {
            deliveries.addAndGet(batch.messages().size());
            finish.await(30, java.util.concurrent.TimeUnit.SECONDS);
            Map<String, SqsConsumer.Outcome> outcomes = new HashMap<>();
            batch.messages().forEach(m -> outcomes.put(m.messageId(), SqsConsumer.Outcome.DONE));
            return outcomes;
        });
        SqsConsumer watcher = SqsConsumer.builder().sqs(sqs).queueUrl(queueUrl).handler(m -> {
            deliveries.incrementAndGet();
            return SqsConsumer.Outcome.DONE;
        }).concurrency(1).waitTimeSeconds(1).name("watcher").build().start();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> deliveries.get() == 3);

            // WHEN the work lasts three visibility timeouts
            await().pollDelay(Duration.ofSeconds(9)).atMost(Duration.ofSeconds(10)).until(() -> true);

            // THEN the messages stayed in the batch's hands, their timeouts renewed meanwhile, and none after
            assertThat(deliveries.get()).isEqualTo(3);
            assertThat(consumer.extended()).isGreaterThanOrEqualTo(3 * 2);
            finish.countDown();
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(consumer.done()).isEqualTo(3));
            long extensions = consumer.extended();
            await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> true);
            assertThat(consumer.extended()).as("no extension once they are done").isEqualTo(extensions);
            assertThat(deliveries.get()).isEqualTo(3);
        } finally {
            finish.countDown();
            watcher.stop(Duration.ofSeconds(5));
        }
    }

    @Test
    void inABatch_aPoisonMessageIsParked_aFailingOneRetried_andTheOthersAreDone() {
        // GIVEN a poison message, one whose dependency fails once, and good ones, sent together
        AtomicInteger flakyAttempts = new AtomicInteger();
        Set<String> handled = ConcurrentHashMap.newKeySet();
        sendBatch(List.of("good-1", "{poison", "flaky", "good-2", "good-3"));

        // WHEN the batch handler answers each its own outcome (the flaky one without any, the first time)
        consumeBatches(batch -> {
            Map<String, SqsConsumer.Outcome> outcomes = new HashMap<>();
            for (Message m : batch.messages()) {
                if (m.body().startsWith("{")) {
                    outcomes.put(m.messageId(), new SqsConsumer.Outcome.Park("malformed JSON"));
                } else if (m.body().equals("flaky") && flakyAttempts.incrementAndGet() == 1) {
                    continue;
                } else {
                    handled.add(m.body());
                    outcomes.put(m.messageId(), SqsConsumer.Outcome.DONE);
                }
            }
            return outcomes;
        });

        // THEN the poison one is parked with its reason, the flaky one comes back and is done, the others are done
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(consumer.done()).isEqualTo(4));
        assertThat(handled).containsExactlyInAnyOrder("good-1", "good-2", "good-3", "flaky");
        assertThat(consumer.parked()).isEqualTo(1);
        assertThat(consumer.retried()).isEqualTo(1);
        assertThat(flakyAttempts.get()).isEqualTo(2);
        assertThat(drain(dlqUrl)).singleElement().satisfies(m -> {
            assertThat(m.body()).isEqualTo("{poison");
            assertThat(m.messageAttributes().get(SqsConsumer.PARK_REASON_ATTRIBUTE).stringValue())
                    .isEqualTo("malformed JSON");
        });
        assertThat(drain(queueUrl)).isEmpty();
    }

    @Test
    void aBatchHandlerThatThrows_hasEveryMessageOfTheBatchRetried_andLosesNothing() {
        // GIVEN three messages, and a handler whose dependency is down the first time
        AtomicInteger calls = new AtomicInteger();
        Set<String> handled = ConcurrentHashMap.newKeySet();
        sendBatch(List.of("a", "b", "c"));

        // WHEN
        consumeBatches(batch -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("DynamoDB unreachable");
            }
            Map<String, SqsConsumer.Outcome> outcomes = new HashMap<>();
            batch.messages().forEach(m -> {
                handled.add(m.body());
                outcomes.put(m.messageId(), SqsConsumer.Outcome.DONE);
            });
            return outcomes;
        });

        // THEN what the failed call held comes back after its backoff, and all three are done
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(consumer.done()).isEqualTo(3));
        assertThat(handled).containsExactlyInAnyOrder("a", "b", "c");
        assertThat(consumer.retried()).isPositive();
        assertThat(consumer.parked()).isZero();
        assertThat(drain(dlqUrl)).isEmpty();
    }

    @Test
    void aConsumer_needsExactlyOneHandler() {
        SqsConsumer.Handler one = m -> SqsConsumer.Outcome.DONE;
        SqsConsumer.BatchHandler many = b -> Map.of();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> SqsConsumer.builder().sqs(sqs).queueUrl(queueUrl)
                .handler(one).batchHandler(many).build()).isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> SqsConsumer.builder().sqs(sqs).queueUrl(queueUrl)
                .build()).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void backoff_growsExponentially_andIsCapped() {
        assertThat(SqsConsumer.backoff(1)).isEqualTo(Duration.ofSeconds(2));
        assertThat(SqsConsumer.backoff(3)).isEqualTo(Duration.ofSeconds(8));
        assertThat(SqsConsumer.backoff(50)).isEqualTo(Duration.ofMinutes(5));
    }
}
