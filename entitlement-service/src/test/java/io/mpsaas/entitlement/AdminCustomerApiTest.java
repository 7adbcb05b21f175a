package io.mpsaas.entitlement;

import static io.mpsaas.entitlement.TestSupport.eventually;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.mpsaas.common.messaging.SqsConsumer;
import io.mpsaas.common.messaging.SuiteQueues;
import io.mpsaas.sandbox.Sandbox;
import io.mpsaas.sandbox.testing.InjectSandbox;
import io.mpsaas.sandbox.testing.SandboxTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * The admin API's customer reads and suite-wide parked messages, which the operator console shows: customers found by
 * each id and by the start of their company, the list paged by product and filtered by state, one customer with
 * registration, entitlements and history, every dead-letter queue of the suite with its reasons, and a replay.
 */
@QuarkusTest
@QuarkusTestResource(value = SandboxTestResource.class, restrictToAnnotatedClass = false)
class AdminCustomerApiTest {

    @InjectSandbox
    Sandbox sandbox;

    CustomerFixtures fx;

    @BeforeEach
    void setUp() {
        fx = new CustomerFixtures(sandbox);
    }

    @Test
    void search_findsACustomer_byEachIdAndByTheStartOfItsCompany() {
        // GIVEN a Concurrent Agreements buyer and a legacy buyer, both registered
        CustomerFixtures.Buyer ca = fx.caContractBuyer();
        CustomerFixtures.Buyer legacy = fx.legacyContractBuyer();
        String unique = UUID.randomUUID().toString().substring(0, 8);
        fx.register(ca.key(), "Zebra Über-Analytics " + unique + " <Labs>", "Ada Lovelace", "ada@example.com",
                "+44 20 7946 0000", Map.of());
        fx.register(legacy.key(), "Quokka Freight " + unique, "Alan Turing", "alan@example.com", "+44 161 496 0000",
                Map.of());

        // THEN each id finds its customer, with "anything" and with the explicit kind
        assertThat(search(ca.sub().licenseArn(), "")).containsExactly(ca.key());
        assertThat(search(ca.sub().licenseArn(), "license")).containsExactly(ca.key());
        assertThat(search(ca.sub().customerAWSAccountId(), "")).containsExactly(ca.key());
        assertThat(search(ca.sub().customerAWSAccountId(), "account")).containsExactly(ca.key());
        assertThat(search(legacy.sub().customerIdentifier(), "")).containsExactly(legacy.key());
        assertThat(search(legacy.sub().customerIdentifier(), "customer-identifier")).containsExactly(legacy.key());
        assertThat(search(legacy.product().code(), "product-code")).containsExactly(legacy.key());
        assertThat(search(legacy.product().code(), "")).containsExactly(legacy.key());
        assertThat(search(ca.key(), "")).containsExactly(ca.key());
        // AND a company by the start of its name, whatever the case, accents or punctuation
        assertThat(search("zebra uber analytics " + unique, "company")).containsExactly(ca.key());
        assertThat(search("ZEBRA  Über-ANALYTICS " + unique, "")).containsExactly(ca.key());
        assertThat(search("Quokka Freight " + unique, "company")).containsExactly(legacy.key());
        assertThat(search("Freight " + unique, "company")).as("a company is found by its start").isEmpty();
        // AND nothing is found for what matches nothing
        assertThat(search("no-such-customer-" + unique, "")).isEmpty();
        // AND each row carries its company and state
        admin().queryParam("q", "zebra uber analytics " + unique).queryParam("by", "company")
                .get("/api/v1/admin/customers/search").then().statusCode(200)
                .body("customers[0].company", equalTo("Zebra Über-Analytics " + unique + " <Labs>"))
                .body("customers[0].state", equalTo("ACTIVE")).body("customers[0].matchedBy", equalTo("company"));
        // AND an empty search or an unknown kind is a readable refusal
        admin().queryParam("q", "   ").get("/api/v1/admin/customers/search").then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("Enter something"));
        admin().queryParam("q", "x").queryParam("by", "shoe-size").get("/api/v1/admin/customers/search").then()
                .statusCode(400);
    }

    @Test
    void customerList_pagesThroughAProduct_andFiltersByState() {
        // GIVEN seven customers of one product that landed (onboarding's writes)
        String product = TestSupport.uniqueCode("admin-list");
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            keys.add(fx.landedLegacyCustomer(product, "Cust" + i + UUID.randomUUID().toString().substring(0, 6),
                    TestSupport.account()));
        }

        // WHEN an operator pages through the product (5 per page in tests)
        JsonPath first = list(Map.of("product", product));
        JsonPath second = list(Map.of("product", product, "after", first.getString("next")));

        // THEN every customer shows once, in key order, and the last page has no cursor
        assertThat(first.getList("customers.customerKey", String.class)).hasSize(5);
        assertThat(second.getList("customers.customerKey", String.class)).hasSize(2);
        assertThat(second.getString("next")).isNull();
        List<String> all = new ArrayList<>(first.getList("customers.customerKey", String.class));
        all.addAll(second.getList("customers.customerKey", String.class));
        assertThat(all).containsExactlyElementsOf(keys.stream().sorted().toList());
        assertThat(first.getList("customers.state", String.class)).containsOnly("PENDING");
        assertThat(first.getList("states", String.class)).contains("PENDING", "ACTIVE", "UNSUBSCRIBED");
        // AND the state filter narrows it
        assertThat(list(Map.of("product", product, "state", "pending")).getList("customers")).hasSize(5);
        assertThat(list(Map.of("product", product, "state", "ACTIVE")).getList("customers")).isEmpty();
        // AND a forged cursor or an unknown state is a readable refusal
        admin().queryParam("product", product).queryParam("after", "bm90LWEtY3Vyc29y").get("/api/v1/admin/customers")
                .then().statusCode(400).body("detail", containsString("That page link is not valid"));
        admin().queryParam("state", "HAPPY").get("/api/v1/admin/customers").then().statusCode(400);
        // AND the whole table pages too
        assertThat(list(Map.of()).getList("customers")).hasSize(5);
    }

    @Test
    void customerDetail_showsStateIdentityRegistrationEntitlementsAndHistory() {
        // GIVEN a legacy buyer who registered
        CustomerFixtures.Buyer buyer = fx.legacyContractBuyer();
        fx.register(buyer.key(), "Babbage & Lovelace <Analytics>", "Ada", "ada@example.com", "+44 20 7946 0000",
                Map.of("teamSize", "12"));

        // WHEN an operator reads it
        JsonPath detail = admin().get("/api/v1/admin/customers/{key}", buyer.key()).then().statusCode(200)
                .extract().jsonPath();

        // THEN state, identity, registration (personal data, for admin keys only), entitlements and history
        assertThat(detail.getString("customer.state")).isEqualTo("ACTIVE");
        assertThat(detail.getString("customer.customerIdentifier")).isEqualTo(buyer.sub().customerIdentifier());
        assertThat(detail.getString("customer.registration.company")).isEqualTo("Babbage & Lovelace <Analytics>");
        assertThat(detail.getString("customer.registration.extraFields.teamSize")).isEqualTo("12");
        assertThat(detail.getInt("customer.entitlements.seats.value")).isEqualTo(10);
        assertThat(detail.getList("history.kind", String.class)).contains("SubscribeSuccess");
        assertThat(detail.getList("history.result", String.class)).anySatisfy(r -> assertThat(r).contains("ACTIVE"));
        assertThat(detail.getInt("historyLimit")).isEqualTo(50);
        admin().get("/api/v1/admin/customers/{key}/history?limit=1", buyer.key()).then().statusCode(200)
                .body("size()", equalTo(1));
        // AND a limit out of 0..1000, or no number at all, is a 400 problem+json naming the range (never 404/500)
        for (String limit : new String[] {"99999999999999", "-1", "1001", "ten", "1e3"}) {
            admin().get("/api/v1/admin/customers/{key}/history?limit=" + limit, buyer.key()).then().statusCode(400)
                    .contentType("application/problem+json")
                    .body("detail", org.hamcrest.Matchers.containsString("limit must be a whole number in 0..1000"));
            admin().get("/api/v1/admin/customers/{key}?historyLimit=" + limit, buyer.key()).then().statusCode(400)
                    .contentType("application/problem+json")
                    .body("detail", org.hamcrest.Matchers.containsString("historyLimit"));
        }
        // AND an unknown customer is a 404, an app key is refused
        admin().get("/api/v1/admin/customers/{key}", "license#l-nobody").then().statusCode(404);
        admin().get("/api/v1/admin/customers/{key}/history", "license#l-nobody").then().statusCode(404);
        given().header("Authorization", "Bearer test-app-key").get("/api/v1/admin/customers/{key}", buyer.key())
                .then().statusCode(403);
    }

    @Test
    void deadLetterQueues_ofTheWholeSuite_showWithTheirReasons_andAReplayMovesOneBack() {
        // GIVEN a notification the consumer parks (malformed) and a usage message metering-service parked
        String marker = "admin-" + UUID.randomUUID();
        TestSupport.deliver(sandbox, "{\"Type\" : \"Notification\", \"TopicArn\" : \"" + marker + "\" <script>");
        String usageDlq = sandbox.aws().queueUrl(SuiteQueues.deadLetterQueue(SuiteQueues.USAGE));
        String usageBody = "{\"records\":[{\"dimension\":\"requests\",\"idempotencyKey\":\"" + marker + "\"}]}";
        sandbox.aws().sqs().sendMessage(r -> r.queueUrl(usageDlq).messageBody(usageBody).messageAttributes(Map.of(
                SqsConsumer.PARK_REASON_ATTRIBUTE, string("INVALID_RECORD: no customer (" + marker + ")"),
                SqsConsumer.PARK_AT_ATTRIBUTE, string(Instant.now().toString()))));

        // WHEN an operator lists the dead-letter queues
        JsonPath queues = eventually().until(() -> admin().get("/api/v1/admin/dead-letter-queues").then()
                .statusCode(200).extract().jsonPath(), j -> j.getString("messages.body").contains(marker + "\" <script>")
                        && j.getString("messages.parkReason").contains(marker));

        // THEN every queue of the suite is there, with its consumer, count and reasons
        assertThat(queues.getList("queue", String.class)).contains("marketplace-notifications", "metering-usage",
                "metering-commands", "marketplace-customer-events");
        Map<String, Object> usage = queues.getMap("find { it.queue == 'metering-usage' }");
        assertThat(usage.get("consumer")).isEqualTo("metering-service");
        assertThat(((Number) usage.get("approximateCount")).longValue()).isPositive();
        String usageMessageId = queues.getString("find { it.queue == 'metering-usage' }.messages.find { it.parkReason"
                + " == 'INVALID_RECORD: no customer (" + marker + ")' }.messageId");
        assertThat(usageMessageId).isNotBlank();
        // AND counts alone read no message
        assertThat(admin().get("/api/v1/admin/dead-letter-queues?messages=false").then().statusCode(200).extract()
                .jsonPath().getList("messages.flatten()")).isEmpty();

        // WHEN the operator replays the usage message
        admin().queryParam("queue", SuiteQueues.USAGE).post("/api/v1/admin/parked-messages/{id}/replay",
                usageMessageId).then().statusCode(200).body("count", equalTo(1));

        // THEN it is back on the usage queue without its park attributes
        Message back = eventually().until(() -> receive(SuiteQueues.USAGE, marker), m -> m != null);
        assertThat(back.body()).isEqualTo(usageBody);
        assertThat(back.messageAttributes()).doesNotContainKey(SqsConsumer.PARK_REASON_ATTRIBUTE);
        // AND replaying it again finds nothing; a queue that is not the suite's is refused
        admin().queryParam("queue", SuiteQueues.USAGE).post("/api/v1/admin/parked-messages/{id}/replay",
                usageMessageId).then().statusCode(404);
        admin().queryParam("queue", "someone-elses-queue").post("/api/v1/admin/parked-messages/replay").then()
                .statusCode(404);
    }

    // ---------------------------------------------------------------- helpers

    private static RequestSpecification admin() {
        return given().header("Authorization", "Bearer test-admin-key");
    }

    private static List<String> search(String text, String by) {
        return admin().queryParam("q", text).queryParam("by", by).get("/api/v1/admin/customers/search").then()
                .statusCode(200).extract().jsonPath().getList("customers.customerKey", String.class);
    }

    private static JsonPath list(Map<String, String> params) {
        RequestSpecification request = admin();
        params.forEach(request::queryParam);
        return request.get("/api/v1/admin/customers").then().statusCode(200).extract().jsonPath();
    }

    private Message receive(String queue, String marker) {
        String url = sandbox.aws().queueUrl(queue);
        for (Message m : sandbox.aws().sqs().receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(10)
                .waitTimeSeconds(1).messageAttributeNames("All")).messages()) {
            if (m.body().contains(marker)) {
                sandbox.aws().sqs().deleteMessage(r -> r.queueUrl(url).receiptHandle(m.receiptHandle()));
                return m;
            }
        }
        return null;
    }

    private static MessageAttributeValue string(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }
}
