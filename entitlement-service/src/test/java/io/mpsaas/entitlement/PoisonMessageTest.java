package io.mpsaas.entitlement;

import static io.mpsaas.entitlement.TestSupport.customer;
import static io.mpsaas.entitlement.TestSupport.deliver;
import static io.mpsaas.entitlement.TestSupport.eventually;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mpsaas.common.customer.CustomerKeys;
import io.mpsaas.common.customer.SubscriptionState;
import io.mpsaas.common.messaging.SuiteQueues;
import io.mpsaas.sandbox.Sandbox;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeRequest;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeResult;
import io.mpsaas.sandbox.marketplace.catalog.Product;
import io.mpsaas.sandbox.marketplace.notify.Channel;
import io.mpsaas.sandbox.marketplace.notify.SentNotification;
import io.mpsaas.sandbox.marketplace.notify.SnsSigning;
import io.mpsaas.sandbox.testing.InjectSandbox;
import io.mpsaas.sandbox.testing.SandboxTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Messages that can never be handled end in the dead-letter queue with their reason, visible in the admin API, and
 * the consumer keeps going; a message parked by SQS's redrive after an outage can be replayed.
 */
@QuarkusTest
@QuarkusTestResource(value = SandboxTestResource.class, restrictToAnnotatedClass = false)
class PoisonMessageTest {

    private static final String ADMIN = "test-admin-key";

    @InjectSandbox
    Sandbox sandbox;

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void forgedTamperedUnknownMalformedAndUnknownKinds_areParkedWithTheirReason_andTheConsumerGoesOn()
            throws Exception {
        // GIVEN a real, signed subscribe-success captured from the simulator (held back, never delivered)
        Product product = TestSupport.legacySubscription(sandbox);
        sandbox.simulator().holdNotifications(product.code());
        SubscribeResult sub = sandbox.simulator().subscribe(SubscribeRequest.of(product.code()).activated());
        SentNotification real = TestSupport.sent(sandbox, product.code(), sub.subscriptionId(), Channel.SNS).get(0);
        ObjectNode envelope = (ObjectNode) json.readTree(real.body());
        String marker = product.code();

        // WHEN poison arrives: a forged message under the real signature, a tampered signature, an unknown topic,
        // malformed JSON, a validly signed message of an unknown action, an unknown EventBridge detail-type
        ObjectNode forged = envelope.deepCopy();
        forged.put("Message", envelope.get("Message").asText().replace(sub.customerIdentifier(), "SomeoneElse"));
        ObjectNode tampered = envelope.deepCopy();
        byte[] signature = Base64.getDecoder().decode(envelope.get("Signature").asText());
        signature[10] ^= 0x01;
        tampered.put("Signature", Base64.getEncoder().encodeToString(signature));
        ObjectNode unknownTopic = envelope.deepCopy();
        unknownTopic.put("TopicArn", "arn:aws:sns:us-east-1:999999999999:aws-mp-subscription-notification-" + marker);
        String malformed = "{\"Type\" : \"Notification\", \"TopicArn\" : \"" + marker + "\", ";
        String unknownAction = signedEnvelope(product.code(), Map.of("action", "subscribe-maybe",
                "customer-identifier", "Xyz", "product-code", product.code()));
        String unknownDetailType = "{\"version\":\"0\",\"id\":\"" + marker + "\",\"detail-type\":\"Agreement Teleported"
                + " - Proposer\",\"source\":\"aws.agreement-marketplace\",\"account\":\"123456789012\","
                + "\"region\":\"us-east-1\",\"time\":\"2026-11-22T06:30:20Z\","
                + "\"detail\":{\"agreement\":{\"id\":\"agmt-1\"}}}";
        for (String body : List.of(forged.toString(), tampered.toString(), unknownTopic.toString(), malformed,
                unknownAction, unknownDetailType)) {
            deliver(sandbox, body);
        }
        // AND then the genuine message
        deliver(sandbox, real.body());

        // THEN the genuine one is applied: the consumer survived the poison
        String key = CustomerKeys.forLegacy(product.code(), sub.customerIdentifier());
        eventually().untilAsserted(() -> assertThat(customer(sandbox, key).orElseThrow().subscriptionState())
                .isEqualTo(SubscriptionState.ACTIVE));
        assertThat(customer(sandbox, CustomerKeys.forLegacy(product.code(), "SomeoneElse"))).isEmpty();

        // AND each poison message waits in the dead-letter queue with its reason
        eventually().untilAsserted(() -> {
            List<Map<String, Object>> parked = parkedWith(marker);
            assertThat(parked).extracting(m -> (String) m.get("parkReason")).hasSize(6).anySatisfy(
                    r -> assertThat(r).contains("signature does not match")).anySatisfy(
                    r -> assertThat(r).contains("topic not allowed")).anySatisfy(
                    r -> assertThat(r).contains("malformed JSON")).anySatisfy(
                    r -> assertThat(r).contains("unknown Marketplace action")).anySatisfy(
                    r -> assertThat(r).contains("unknown EventBridge detail-type"));
            assertThat(parked).extracting(m -> (String) m.get("parkReason"))
                    .filteredOn(r -> r.contains("signature does not match")).hasSize(2);
        });
        // AND they are counted by reason
        JsonPath stats = given().header("X-Api-Key", ADMIN).get("/api/v1/admin/consumers").then().statusCode(200)
                .extract().jsonPath();
        assertThat(stats.getMap("parkedByReason").keySet()).contains("SNS signature does not match the message",
                "SNS topic not allowed", "unknown Marketplace action");
        assertThat(stats.getList("consumers.parked", Integer.class)).allSatisfy(n -> assertThat(n).isPositive());
    }

    @Test
    void whatCanNeverSucceed_isParkedAtOnceWithItsReason_neverRetriedForHours() throws Exception {
        // GIVEN a body nested 1,500 levels deep (past Jackson's limit), and a validly signed legacy notification whose
        // CustomerIdentifier has 3,000 characters (past AWS's 255 and DynamoDB's key size)
        Product product = TestSupport.legacySubscription(sandbox);
        String marker = product.code();
        String deep = "{\"TopicArn\":\"" + marker + "\",\"x\":" + "[".repeat(1_500) + "]".repeat(1_500) + "}";
        String longId = signedEnvelope(product.code(), Map.of("action", "subscribe-success",
                "customer-identifier", "C".repeat(3_000), "product-code", product.code()));
        String badArn = signedEnvelope(product.code(), Map.of("action", "subscribe-success",
                "license-arn", "garbage:l-0123456789abcdef", "product-code", product.code()));

        // WHEN they arrive
        for (String body : List.of(deep, longId, badArn)) {
            deliver(sandbox, body);
        }

        // THEN each is in the dead-letter queue with the reason it can never succeed (a retried message would only be
        // parked after retry-for, 6 hours, as "still failing after ...")
        eventually().untilAsserted(() -> assertThat(parkedWith(marker)).extracting(m -> (String) m.get("parkReason"))
                .hasSize(3).anySatisfy(r -> assertThat(r).startsWith("malformed JSON: past the parser's limits"))
                .anySatisfy(r -> assertThat(r).isEqualTo("malformed customer-identifier: longer than 255 characters"))
                .anySatisfy(r -> assertThat(r).isEqualTo("malformed license-arn: not a license ARN"))
                .noneSatisfy(r -> assertThat(r).startsWith("still failing")));
        assertThat(customer(sandbox, CustomerKeys.forLegacy(product.code(), "C".repeat(200)))).isEmpty();
    }

    @Test
    void aMessageRedrivenAfterAnOutage_isReplayed_oneByIdOrAll() throws Exception {
        // GIVEN two genuine notifications that SQS moved to the dead-letter queue (say AWS was down for hours)
        Product product = TestSupport.legacySubscription(sandbox);
        sandbox.simulator().holdNotifications(product.code());
        SubscribeResult first = sandbox.simulator().subscribe(SubscribeRequest.of(product.code()).activated());
        SubscribeResult second = sandbox.simulator().subscribe(SubscribeRequest.of(product.code()).activated());
        String dlq = sandbox.aws().queueUrl(SuiteQueues.deadLetterQueue(SuiteQueues.NOTIFICATIONS));
        for (SubscribeResult s : List.of(first, second)) {
            String body = TestSupport.sent(sandbox, product.code(), s.subscriptionId(), Channel.SNS).get(0).body();
            sandbox.aws().sqs().sendMessage(r -> r.queueUrl(dlq).messageBody(body));
        }
        List<Map<String, Object>> parked = eventually().until(() -> parkedWith(product.code()), l -> l.size() == 2);
        assertThat(parked).allSatisfy(m -> assertThat(m.get("parkReason")).isNull());
        String firstId = (String) parked.stream().filter(m -> ((String) m.get("body"))
                .contains(first.customerIdentifier())).findFirst().orElseThrow().get("messageId");

        // WHEN an operator replays the first by id
        given().header("X-Api-Key", ADMIN).post("/api/v1/admin/parked-messages/" + firstId + "/replay")
                .then().statusCode(200).body("count", equalTo(1));

        // THEN it is processed, and only the second is still parked
        String firstKey = CustomerKeys.forLegacy(product.code(), first.customerIdentifier());
        eventually().untilAsserted(() -> assertThat(customer(sandbox, firstKey).orElseThrow().subscriptionState())
                .isEqualTo(SubscriptionState.ACTIVE));
        assertThat(parkedWith(product.code())).singleElement()
                .satisfies(m -> assertThat((String) m.get("body")).contains(second.customerIdentifier()));

        // WHEN the operator replays everything of the queue
        given().header("X-Api-Key", ADMIN).queryParam("queue", SuiteQueues.NOTIFICATIONS)
                .post("/api/v1/admin/parked-messages/replay").then().statusCode(200);

        // THEN the second is processed too
        String secondKey = CustomerKeys.forLegacy(product.code(), second.customerIdentifier());
        eventually().untilAsserted(() -> assertThat(customer(sandbox, secondKey).orElseThrow().subscriptionState())
                .isEqualTo(SubscriptionState.ACTIVE));
        eventually().untilAsserted(() -> assertThat(parkedWith(product.code())).isEmpty());
    }

    @Test
    void adminEndpoints_needAnAdminKey() {
        given().get("/api/v1/admin/parked-messages").then().statusCode(401)
                .contentType("application/problem+json");
        given().header("X-Api-Key", "test-app-key").get("/api/v1/admin/parked-messages").then().statusCode(403)
                .contentType("application/problem+json");
        given().header("X-Api-Key", ADMIN).post("/api/v1/admin/parked-messages/no-such-id/replay").then()
                .statusCode(404).contentType("application/problem+json");
        given().header("X-Api-Key", ADMIN).queryParam("queue", "someone-elses-queue")
                .get("/api/v1/admin/parked-messages").then().statusCode(404);
    }

    private List<Map<String, Object>> parkedWith(String marker) {
        List<Map<String, Object>> all = given().header("X-Api-Key", ADMIN).get("/api/v1/admin/parked-messages")
                .then().statusCode(200).extract().jsonPath().getList("messages");
        return all.stream().filter(m -> String.valueOf(m.get("body")).contains(marker)).toList();
    }

    /** An envelope signed with the sandbox key, which the test profile trusts: valid, but of an unknown kind. */
    private String signedEnvelope(String productCode, Map<String, String> message) throws Exception {
        String topic = "arn:aws:sns:us-east-1:287250355862:aws-mp-subscription-notification-" + productCode;
        String text = json.writeValueAsString(message);
        String id = java.util.UUID.randomUUID().toString();
        String timestamp = "2026-11-22T06:30:20.000Z";
        SnsSigning signing = SnsSigning.sandbox();
        ObjectNode e = json.createObjectNode();
        e.put("Type", "Notification");
        e.put("MessageId", id);
        e.put("TopicArn", topic);
        e.put("Message", text);
        e.put("Timestamp", timestamp);
        e.put("SignatureVersion", "2");
        e.put("Signature", signing.sign(SnsSigning.stringToSign(text, id, null, timestamp, topic), "2"));
        e.put("SigningCertURL", sandbox.simulator().endpoint() + "/sns/SimpleNotificationService-sandbox.pem");
        return e.toString();
    }
}
