package io.mpsaas.metering;

import static io.mpsaas.metering.MeteringFixtures.hoursAgo;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;


import io.mpsaas.common.customer.SubscriptionState;
import io.mpsaas.metering.domain.Aggregate;
import io.mpsaas.metering.domain.AggregateStatus;
import io.mpsaas.metering.domain.UsageRecordInput;
import io.mpsaas.metering.persistence.UsageTable;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeRequest;
import io.mpsaas.sandbox.testing.SandboxTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code POST /v1/usage}: authentication, per-record answers, durability and idempotency in DynamoDB. */
@QuarkusTest
@QuarkusTestResource(value = SandboxTestResource.class, restrictToAnnotatedClass = false)
class UsageApiTest extends MeteringTestSupport {

    static final String APP_KEY = "test-app-key";

    static JsonPath post(List<UsageRecordInput> records) {
        return given().header("X-Api-Key", APP_KEY).contentType(ContentType.JSON).body(Map.of("records", records))
                .when().post("/v1/usage").then().statusCode(200).extract().jsonPath();
    }

    @Test
    void usage_isRefused_withoutAValidKey() {
        given().contentType(ContentType.JSON).body("{\"records\":[]}").when().post("/v1/usage")
                .then().statusCode(401).contentType("application/problem+json");
        given().header("X-Api-Key", "wrong").contentType(ContentType.JSON).body("{\"records\":[]}")
                .when().post("/v1/usage").then().statusCode(401);
    }

    @Test
    void malformedBody_is400ProblemJson() {
        given().header("X-Api-Key", APP_KEY).contentType(ContentType.JSON).body("{\"records\": [ {")
                .when().post("/v1/usage").then().statusCode(400).contentType("application/problem+json")
                .body("status", equalTo(400));
        given().header("X-Api-Key", APP_KEY).contentType(ContentType.JSON).body("{\"records\": []}")
                .when().post("/v1/usage").then().statusCode(400).contentType("application/problem+json");
        given().header("X-Api-Key", APP_KEY).contentType(ContentType.JSON).body("{\"records\": \"x\"}")
                .when().post("/v1/usage").then().statusCode(400).contentType("application/problem+json");
    }

    @Test
    void acceptedUsage_isAggregatedPerHour_andARepeatedKeyCountsOnce() {
        // GIVEN an active Concurrent Agreements customer
        String product = fx.newProduct(true, "requests");
        MeteringFixtures.Buyer buyer = fx.activeBuyer(product, 3);
        Instant hour = hoursAgo(1);

        // WHEN three events of one hour are reported, one of them twice
        JsonPath first = post(List.of(buyer.usage("requests", 5, hour.plusSeconds(10), "k1"),
                buyer.usage("requests", 7, hour.plusSeconds(3599), "k2")));
        JsonPath again = post(List.of(buyer.usage("requests", 7, hour.plusSeconds(3599), "k2"),
                buyer.usage("requests", 1, hour.plusSeconds(1800), "k3")));

        // THEN the answers say accepted / duplicate, and the hour holds 13 exactly once
        assertThat(first.getList("results.status")).containsExactly("accepted", "accepted");
        assertThat(first.getInt("accepted")).isEqualTo(2);
        assertThat(again.getList("results.status")).containsExactly("duplicate", "accepted");
        assertThat(again.getString("results[0].meteredHour")).isEqualTo(hour.toString());
        Aggregate aggregate = table.aggregate(UsageTable.aggregateId(buyer.customerKey(), "requests", hour))
                .orElseThrow();
        assertThat(aggregate.quantity()).isEqualTo(13);
        assertThat(aggregate.events()).isEqualTo(3);
        assertThat(aggregate.status()).isEqualTo(AggregateStatus.OPEN);
    }

    @Test
    void eachBadRecord_isRejectedWithItsReason_andTheGoodOnesAreAccepted() {
        // GIVEN a legacy customer of a product with known dimensions, and customers that cannot take usage
        MeteringFixtures.Buyer buyer = fx.activeBuyer("mtr-known-dims", 2);
        MeteringFixtures.Buyer pending = fx.buyer(SubscribeRequest.of("mtr-known-dims"), 2,
                SubscriptionState.PENDING, Map.of());
        MeteringFixtures.Buyer contract = fx.buyer(SubscribeRequest.of("mtr-contract").activated(), 2,
                SubscriptionState.ACTIVE, Map.of("seats", 10));
        Instant now = Instant.now();
        UsageRecordInput good = buyer.usage("requests", 1, now);
        UsageRecordInput unknownCustomer = new UsageRecordInput(null, null, "nobody", "mtr-known-dims", "requests",
                BigDecimal.ONE, now.toString(), null, "u1");
        UsageRecordInput badAllocations = new UsageRecordInput(null, null, buyer.sub().customerIdentifier(),
                "mtr-known-dims", "requests", BigDecimal.TEN, now.toString(),
                List.of(new UsageRecordInput.AllocationInput(BigDecimal.valueOf(4), Map.of("team", "a"))), "u9");
        UsageRecordInput fractional = new UsageRecordInput(null, null, buyer.sub().customerIdentifier(),
                "mtr-known-dims", "requests", new BigDecimal("1.5"), now.toString(), null, "u10");

        // WHEN they are reported in one batch
        JsonPath answer = post(List.of(good, unknownCustomer,
                buyer.usage("bogus", 1, now),
                buyer.usage("requests", -1, now),
                buyer.usage("requests", 2_000_000_000L, now),
                buyer.usage("requests", 1, now.minus(Duration.ofHours(25))),
                buyer.usage("requests", 1, now.plus(Duration.ofHours(1))),
                pending.usage("requests", 1, now),
                contract.usage("seats", 1, now),
                badAllocations, fractional,
                buyer.usage("requests", 1, now, " ")));

        // THEN
        assertThat(answer.getList("results.status")).containsExactly("accepted", "rejected", "rejected",
                "rejected", "rejected", "rejected", "rejected", "rejected", "rejected", "rejected", "rejected",
                "rejected");
        assertThat(answer.getList("results.reason")).containsExactly(null, "UNKNOWN_CUSTOMER", "UNKNOWN_DIMENSION",
                "INVALID_QUANTITY", "QUANTITY_TOO_LARGE", "TIMESTAMP_TOO_OLD", "TIMESTAMP_IN_FUTURE",
                "CUSTOMER_NOT_ACTIVE", "NOT_METERED", "INVALID_ALLOCATIONS", "INVALID_QUANTITY",
                "MISSING_IDEMPOTENCY_KEY");
        assertThat(answer.getList("results.message", String.class).subList(1, 12)).allSatisfy(
                m -> assertThat(m).isNotBlank());
        assertThat(answer.getInt("accepted")).isEqualTo(1);
        assertThat(answer.getInt("rejected")).isEqualTo(11);
    }

    @Test
    void anIdempotencyKeyReusedForAnotherRecord_isRejected_andScopedPerCustomer() {
        String product = fx.newProduct(false, "requests");
        MeteringFixtures.Buyer a = fx.activeBuyer(product, 2);
        MeteringFixtures.Buyer b = fx.activeBuyer(product, 2);
        Instant at = Instant.now();

        JsonPath answer = post(List.of(a.usage("requests", 1, at, "same"), a.usage("requests", 2, at, "same"),
                b.usage("requests", 3, at, "same")));

        assertThat(answer.getList("results.status")).containsExactly("accepted", "rejected", "accepted");
        assertThat(answer.getString("results[1].reason")).isEqualTo("IDEMPOTENCY_KEY_REUSED");
    }

    @Test
    void usageOfAnUnsubscribedCustomer_isRejected() {
        String product = fx.newProduct(false, "requests");
        MeteringFixtures.Buyer buyer = fx.activeBuyer(product, 2);
        fx.setState(buyer.customerKey(), SubscriptionState.UNSUBSCRIBED);

        JsonPath answer = post(List.of(buyer.usage("requests", 1, Instant.now())));

        assertThat(answer.getString("results[0].reason")).isEqualTo("CUSTOMER_NOT_ACTIVE");
        assertThat(answer.getString("results[0].message")).contains("UNSUBSCRIBED");
    }

    @Test
    void usageOfAnHourBeforeTheAgreementStarted_isRejectedAtIngestion_andTheStartHourIsAccepted() {
        // GIVEN a buyer whose agreement (as its stored terms say) started two hours ago
        String product = fx.newProduct(false, "requests");
        MeteringFixtures.Buyer buyer = fx.activeBuyer(product, 2);
        Instant start = Instant.now().minus(Duration.ofHours(2));
        fx.setAgreementStart(buyer, start);

        // WHEN usage of the hour before the start and of the start hour is reported
        JsonPath answer = post(List.of(buyer.usage("requests", 1, start.minus(Duration.ofHours(1))),
                buyer.usage("requests", 1, start)));

        // THEN the first is refused by name (AWS would answer CustomerNotSubscribed), the second accepted
        assertThat(answer.getList("results.status")).containsExactly("rejected", "accepted");
        assertThat(answer.getString("results[0].reason")).isEqualTo("BEFORE_AGREEMENT_START");
        assertThat(answer.getString("results[0].message")).contains("CustomerNotSubscribed");
    }
}
