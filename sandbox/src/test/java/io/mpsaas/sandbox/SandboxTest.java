package io.mpsaas.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mpsaas.common.dynamo.SuiteTables;
import io.mpsaas.common.messaging.QueueUrls;
import io.mpsaas.common.messaging.SuiteJson;
import io.mpsaas.common.messaging.SuiteQueues;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeRequest;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeResult;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** The sandbox as a whole: tables, queues with dead-letter queues, the simulator wired to the notifications queue. */
class SandboxTest {

    private static Sandbox sandbox;
    private final ObjectMapper mapper = SuiteJson.newMapper();

    @BeforeAll
    static void start() {
        sandbox = Sandbox.start("127.0.0.1", Sandbox.Ports.RANDOM, URI.create("http://localhost:8080/"));
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    @Test
    void start_listensOnTheGivenAddressOnly_dynamoDbLocalIncluded() {
        // GIVEN the sandbox started on 127.0.0.1 WHEN the kernel's listening sockets are read
        // THEN DynamoDB Local (which has no option of its own for it), ElasticMQ and the simulator listen on loopback
        for (URI endpoint : List.of(sandbox.aws().dynamoEndpoint(), sandbox.aws().sqsEndpoint(),
                sandbox.simulator().endpoint())) {
            assertThat(io.mpsaas.sandbox.testing.ListeningSockets.addresses(endpoint.getPort()))
                    .as(endpoint.toString()).isNotEmpty().allMatch(java.net.InetAddress::isLoopbackAddress);
        }
    }

    @Test
    void dynamoDbLocal_logsNoWarningForAFailedCondition_butStillForOtherRefusals() {
        // GIVEN what DynamoDB Local's request handler logs, as the terminal would show it
        java.util.logging.Logger handlerLog = java.util.logging.Logger.getLogger(
                "software.amazon.dynamodb.services.local.server.LocalDynamoDBServerHandler");
        List<String> logged = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                logged.add(record.getMessage() + (record.getThrown() == null ? "" : " " + record.getThrown()));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        handlerLog.addHandler(capture);
        try {
            var dynamo = sandbox.aws().dynamo();
            String table = SuiteTables.ALL.get(0);
            var item = Map.of(SuiteTables.PK, software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(
                    "quiet#" + System.nanoTime()), SuiteTables.SK, software.amazon.awssdk.services.dynamodb.model
                    .AttributeValue.fromS("x"));
            dynamo.putItem(r -> r.tableName(table).item(item));

            // WHEN a conditional put and a transaction meet the item already there (normal outcomes) ...
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> dynamo.putItem(r -> r.tableName(table).item(item)
                    .conditionExpression("attribute_not_exists(" + SuiteTables.PK + ")")))
                    .isInstanceOf(software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException.class);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> dynamo.transactWriteItems(r -> r.transactItems(
                    t -> t.put(p -> p.tableName(table).item(item)
                            .conditionExpression("attribute_not_exists(" + SuiteTables.PK + ")")))))
                    .isInstanceOf(software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException.class);
            // ... AND a request to a table that does not exist (a real mistake)
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> dynamo.putItem(r -> r.tableName("no-such-table")
                    .item(item))).isInstanceOf(software.amazon.awssdk.services.dynamodb.model
                            .ResourceNotFoundException.class);

            // THEN only the mistake is logged
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(logged).isNotEmpty());
            assertThat(logged).noneMatch(line -> line.contains("ConditionalCheckFailed")
                    || line.contains("conditional request failed"));
        } finally {
            handlerLog.removeHandler(capture);
        }
    }

    @Test
    void start_createsEverySuiteTable_withKeysIndexesAndTtl() {
        for (String table : SuiteTables.ALL) {
            TableDescription description = sandbox.aws().dynamo().describeTable(r -> r.tableName(table)).table();

            assertThat(description.keySchema()).extracting(k -> k.attributeName())
                    .containsExactly(SuiteTables.PK, SuiteTables.SK);
            assertThat(description.globalSecondaryIndexes()).extracting(i -> i.indexName())
                    .containsExactlyInAnyOrder(SuiteTables.GSI1, SuiteTables.GSI2);
            assertThat(sandbox.aws().dynamo().describeTimeToLive(r -> r.tableName(table)).timeToLiveDescription())
                    .satisfies(ttl -> {
                        assertThat(ttl.attributeName()).isEqualTo(SuiteTables.TTL);
                        assertThat(ttl.timeToLiveStatus()).isEqualTo(TimeToLiveStatus.ENABLED);
                    });
        }
    }

    @Test
    void start_createsEverySuiteQueue_withItsDeadLetterQueue() throws Exception {
        for (String queue : SuiteQueues.ALL) {
            String url = QueueUrls.resolve(sandbox.aws().sqs(), queue);
            String dlq = QueueUrls.deadLetterQueueUrl(sandbox.aws().sqs(), mapper, url);

            assertThat(dlq).endsWith("/" + queue + "-dlq");
            String policy = sandbox.aws().sqs().getQueueAttributes(r -> r.queueUrl(url)
                    .attributeNames(QueueAttributeName.REDRIVE_POLICY)).attributes()
                    .get(QueueAttributeName.REDRIVE_POLICY);
            assertThat(mapper.readTree(policy).path("maxReceiveCount").asInt()).isEqualTo(SuiteQueues.MAX_RECEIVE_COUNT);
        }
    }

    @Test
    void buyerActions_publishIntoTheNotificationsQueue() throws Exception {
        // GIVEN a legacy SNS product and a Concurrent Agreements EventBridge product of the default catalog
        SubscribeResult legacy = sandbox.simulator().subscribe(SubscribeRequest.of("sbx-legacy-subscription").activated());
        SubscribeResult ca = sandbox.simulator().subscribe(SubscribeRequest.of("sbx-ca-subscription").activated());

        // THEN both formats arrive in marketplace-notifications
        String queue = sandbox.aws().queueUrl(SuiteQueues.NOTIFICATIONS);
        java.util.List<JsonNode> bodies = new java.util.ArrayList<>();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            for (Message m : sandbox.aws().sqs().receiveMessage(r -> r.queueUrl(queue).maxNumberOfMessages(10)
                    .waitTimeSeconds(1)).messages()) {
                bodies.add(mapper.readTree(m.body()));
                sandbox.aws().sqs().deleteMessage(r -> r.queueUrl(queue).receiptHandle(m.receiptHandle()));
            }
            assertThat(bodies).anySatisfy(b -> {
                assertThat(b.path("Type").asText()).isEqualTo("Notification");
                assertThat(b.path("Message").asText()).contains("subscribe-success")
                        .contains(legacy.customerIdentifier());
            });
            assertThat(bodies).anySatisfy(b -> {
                assertThat(b.path("source").asText()).isEqualTo("aws.agreement-marketplace");
                assertThat(b.path("detail-type").asText()).isEqualTo("License Updated - Manufacturer");
                assertThat(b.at("/detail/license/arn").asText()).isEqualTo(ca.licenseArn());
            });
        });
    }

    @Test
    void serviceConfig_pointsAServiceAtEveryPart() throws Exception {
        Map<String, String> config = sandbox.serviceConfig();

        assertThat(config.get("quarkus.dynamodb.endpoint-override")).isEqualTo(sandbox.aws().dynamoEndpoint().toString());
        assertThat(config.get("quarkus.sqs.endpoint-override")).isEqualTo(sandbox.aws().sqsEndpoint().toString());
        assertThat(config.get("suite.marketplace.metering-endpoint"))
                .isEqualTo(sandbox.simulator().endpoint().toString());
        HttpResponse<String> rootCa = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(config.get("sandbox.sns.root-ca-url"))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(rootCa.statusCode()).isEqualTo(200);
        assertThat(rootCa.body()).startsWith("-----BEGIN CERTIFICATE-----");
    }

    @Test
    void createQueueWithDeadLetterQueue_givesTestsQueuesOfTheirOwn() {
        String url = sandbox.aws().createQueueWithDeadLetterQueue("sandbox-test-own", 2);

        sandbox.aws().sqs().sendMessage(r -> r.queueUrl(url).messageBody("x"));

        assertThat(sandbox.aws().sqs().receiveMessage(r -> r.queueUrl(url).waitTimeSeconds(1)).messages())
                .extracting(Message::body).containsExactly("x");
        assertThat(List.of(sandbox.aws().queueUrl("sandbox-test-own-dlq"))).allSatisfy(
                u -> assertThat(u).endsWith("/sandbox-test-own-dlq"));
    }
}
