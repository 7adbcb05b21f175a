package io.mpsaas.metering;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;

import io.mpsaas.metering.domain.UsageRecordInput;
import io.mpsaas.sandbox.testing.RawExchange;
import io.mpsaas.sandbox.testing.SandboxTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.math.BigDecimal;
import java.net.URL;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What {@code POST /v1/usage} and the admin lists refuse, and how (issue 18, findings 3, 4, 5, 7, 8): strict JSON
 * types, a bounded body, bounded echoes of client values, license ARNs compared whole, validated limits, and a
 * malformed chunked body answered rather than dropped.
 */
@QuarkusTest
@QuarkusTestResource(value = SandboxTestResource.class, restrictToAnnotatedClass = false)
class UsageInputLimitsTest extends MeteringTestSupport {

    static final String APP_KEY = UsageApiTest.APP_KEY;
    static final String ADMIN = "test-admin-key";

    @TestHTTPResource("/")
    URL root;

    @Test
    void aQuantitySentAsAString_is400_namingTheField_andNothingIsStored() {
        // GIVEN an active customer and a record whose quantity is the JSON string "5"
        MeteringFixtures.Buyer buyer = fx.activeBuyer(fx.newProduct(true, "requests"), 2);
        UsageRecordInput record = buyer.usage("requests", 5, Instant.now(), "string-quantity");
        String body = "{\"records\":[{\"licenseArn\":\"" + record.licenseArn() + "\",\"dimension\":\"requests\","
                + "\"quantity\":\"5\",\"timestamp\":\"" + record.timestamp() + "\",\"idempotencyKey\":\"sq-1\"}]}";

        // WHEN / THEN a 400 problem+json says which field has which type
        given().header("X-Api-Key", APP_KEY).contentType(ContentType.JSON).body(body).when().post("/v1/usage")
                .then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("records[0].quantity must be a JSON number"));
        given().header("X-Api-Key", APP_KEY).contentType(ContentType.JSON).body(body.replace("\"5\"", "true"))
                .when().post("/v1/usage").then().statusCode(400).body("detail", containsString("quantity"));
        // AND the same record with a number is accepted (it was never stored under its key)
        JsonPath ok = UsageApiTest.post(List.of(new UsageRecordInput(record.licenseArn(), null, null, null,
                "requests", BigDecimal.valueOf(5), record.timestamp(), null, "sq-1")));
        assertThat(ok.getList("results.status")).containsExactly("accepted");
    }

    @Test
    void malformedJson_isAnsweredWithWhatIsWrong_notAnHttpStatusLine() {
        for (String body : List.of("{\"records\": [ {", "", "{\"records\": [] } trailing", "[".repeat(2_000))) {
            given().header("X-Api-Key", APP_KEY).contentType(ContentType.JSON).body(body).when().post("/v1/usage")
                    .then().statusCode(400).contentType("application/problem+json")
                    .body("detail", not(containsString("HTTP 400")))
                    .body("detail", containsString("JSON"));
        }
    }

    @Test
    void aBodyOverTheLimit_is413ProblemJson_andARejectionEchoesOnlyAnExcerptOfTheKey() {
        // GIVEN a body of 1 MiB + 1 byte (the default suite.metering.ingestion.max-body-size is 1M)
        String big = "{\"records\":[{\"idempotencyKey\":\"" + "k".repeat(1024 * 1024) + "\"}]}";
        given().header("X-Api-Key", APP_KEY).contentType(ContentType.JSON).body(big).when().post("/v1/usage")
                .then().statusCode(413).contentType("application/problem+json")
                .body("detail", containsString("max-body-size"));

        // AND a record rejected for its 100,000-character idempotency key quotes 64 characters of it, then "..."
        String key = "x".repeat(100_000);
        JsonPath answer = UsageApiTest.post(List.of(new UsageRecordInput(null, null, "someone", "prod", "requests",
                BigDecimal.ONE, Instant.now().toString(), null, key)));
        assertThat(answer.getString("results[0].status")).isEqualTo("rejected");
        assertThat(answer.getString("results[0].idempotencyKey")).isEqualTo("x".repeat(64) + "...");
        assertThat(answer.prettify().length()).isLessThan(2_000);
    }

    @Test
    void aLicenseArnIsComparedWhole_anotherAccountOrGarbageIsNotTheCustomer() {
        // GIVEN an active Concurrent Agreements customer
        MeteringFixtures.Buyer buyer = fx.activeBuyer(fx.newProduct(true, "requests"), 2);
        String arn = buyer.sub().licenseArn();
        String licenseId = arn.substring(arn.lastIndexOf(':') + 1);
        String otherAccount = arn.replace(buyer.sub().customerAWSAccountId(), "999999999999");
        Instant now = Instant.now();

        // WHEN usage names its license id under another account, or after garbage
        JsonPath answer = UsageApiTest.post(List.of(
                new UsageRecordInput(otherAccount, null, null, null, "requests", BigDecimal.ONE, now.toString(),
                        null, "other-account"),
                new UsageRecordInput("garbage:" + licenseId, null, null, null, "requests", BigDecimal.ONE,
                        now.toString(), null, "garbage"),
                new UsageRecordInput(arn, null, null, null, "requests", BigDecimal.ONE, now.toString(), null,
                        "genuine")));

        // THEN only the genuine ARN is billed
        assertThat(answer.getList("results.status")).containsExactly("rejected", "rejected", "accepted");
        assertThat(answer.getList("results.reason")).containsExactly("UNKNOWN_CUSTOMER", "INVALID_RECORD", null);
        assertThat(answer.getString("results[0].message")).contains("does not match the customer's license");

        // AND a legacy record carrying a license ARN that is not its customer's is refused
        MeteringFixtures.Buyer legacy = fx.activeBuyer("mtr-known-dims", 2);
        JsonPath legacyAnswer = UsageApiTest.post(List.of(new UsageRecordInput(arn, null,
                legacy.sub().customerIdentifier(), legacy.productCode(), "requests", BigDecimal.ONE, now.toString(),
                null, "legacy-with-foreign-arn")));
        assertThat(legacyAnswer.getList("results.reason")).containsExactly("UNKNOWN_CUSTOMER");
    }

    @Test
    void adminListLimits_outOfRangeOrNotANumber_are400ProblemJson() {
        for (String path : List.of("/v1/admin/metering/failures", "/v1/admin/metering/usage?customerKey=license%23l-1&")) {
            for (String limit : List.of("99999999999999", "-1", "0", "1001", "ten")) {
                String url = path + (path.contains("?") ? "" : "?") + "limit=" + limit;
                given().header("X-Api-Key", ADMIN).when().get(url).then().statusCode(400)
                        .contentType("application/problem+json").body("detail", containsString("1..1000"));
            }
            String url = path + (path.contains("?") ? "" : "?") + "limit=1000";
            given().header("X-Api-Key", ADMIN).when().get(url).then().statusCode(200);
        }
    }

    @Test
    void aMalformedChunkedBody_isAnswered400_notDropped() {
        // GIVEN a raw request whose chunk size is not hexadecimal
        String request = RawExchange.brokenChunks("/v1/usage", "X-Api-Key: " + APP_KEY
                + "\r\nContent-Type: application/json\r\n");
        // WHEN it is sent, THEN the answer is a 400 problem+json, not a dropped connection
        assertThat(RawExchange.exchange(root, request)).startsWith("HTTP/1.1 400")
                .contains("application/problem+json").contains("malformed-body");
    }
}
