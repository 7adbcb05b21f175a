package io.mpsaas.metering;

import static io.mpsaas.metering.MeteringFixtures.hoursAgo;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.mpsaas.common.customer.SubscriptionState;
import io.mpsaas.common.marketplace.BatchMeterUsageRequest;
import io.mpsaas.common.marketplace.UsageRecord;
import io.mpsaas.metering.domain.AggregateStatus;
import io.mpsaas.metering.persistence.UsageTable;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeRequest;
import io.mpsaas.sandbox.testing.SandboxTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The operator API: status per customer and hour, failures, re-drive with guard rails. */
@QuarkusTest
@QuarkusTestResource(value = SandboxTestResource.class, restrictToAnnotatedClass = false)
class OperatorApiTest extends MeteringTestSupport {

    static final String ADMIN = "test-admin-key";

    @Test
    void adminEndpoints_needAnAdminKey() {
        given().header("X-Api-Key", "test-app-key").when().get("/v1/admin/metering/failures")
                .then().statusCode(403).contentType("application/problem+json");
        given().when().post("/v1/admin/metering/runs").then().statusCode(401);
    }

    @Test
    void aFailedAggregate_isListed_andReDrivenWithItsFrozenQuantity_onceTheCauseIsFixed() {
        // GIVEN usage of a customer AWS does not consider subscribed yet (not activated)
        String product = fx.newProduct(false, "requests");
        MeteringFixtures.Buyer buyer = fx.buyer(SubscribeRequest.of(product), 3, SubscriptionState.ACTIVE, Map.of());
        Instant h1 = hoursAgo(1);
        ingest(buyer, "requests", 12, h1);
        runner.flush(buyer.customerKey(), Instant.now());
        String id = UsageTable.aggregateId(buyer.customerKey(), "requests", h1);

        // WHEN the operator looks at the customer, activates the buyer, and re-drives
        JsonPath usage = given().header("X-Api-Key", ADMIN).queryParam("customerIdentifier",
                buyer.sub().customerIdentifier()).queryParam("productCode", product)
                .when().get("/v1/admin/metering/usage").then().statusCode(200).extract().jsonPath();
        sandbox.simulator().activate(buyer.sub().subscriptionId());
        JsonPath redrive = given().header("X-Api-Key", ADMIN).contentType(ContentType.JSON)
                .body(Map.of("ids", List.of(id, "agg#nope"))).when().post("/v1/admin/metering/redrive")
                .then().statusCode(200).extract().jsonPath();
        runner.meterClosedHours(Instant.now(), true);

        // THEN
        assertThat(usage.getList("status")).containsExactly("CUSTOMER_NOT_SUBSCRIBED");
        assertThat(usage.getLong("[0].frozenQuantity")).isEqualTo(12);
        assertThat(usage.getString("[0].deadline")).isEqualTo(h1.plusSeconds(24 * 3600).toString());
        assertThat(redrive.getList("requeued")).containsExactly(true, false);
        assertThat(aggregate(buyer, "requests", h1).status()).isEqualTo(AggregateStatus.SENT);
        assertThat(fx.billed(buyer, "requests")).isEqualTo(12);
    }

    @Test
    void aDuplicateRecord_isNeverReDriven() {
        String product = fx.newProduct(false, "requests");
        MeteringFixtures.Buyer buyer = fx.activeBuyer(product, 3);
        Instant h1 = hoursAgo(1);
        ingest(buyer, "requests", 5, h1);
        marketplace.batchMeterUsage(new BatchMeterUsageRequest(product,
                List.of(UsageRecord.legacy(h1, buyer.sub().customerIdentifier(), "requests", 6))));
        runner.flush(buyer.customerKey(), Instant.now());
        String id = UsageTable.aggregateId(buyer.customerKey(), "requests", h1);

        JsonPath redrive = given().header("X-Api-Key", ADMIN).contentType(ContentType.JSON)
                .body(Map.of("ids", List.of(id))).when().post("/v1/admin/metering/redrive")
                .then().statusCode(200).extract().jsonPath();

        assertThat(redrive.getList("requeued")).containsExactly(false);
        assertThat(redrive.getString("[0].message")).contains("DuplicateRecord");
        assertThat(aggregate(buyer, "requests", h1).status()).isEqualTo(AggregateStatus.DUPLICATE_RECORD);
        assertThat(fx.billed(buyer, "requests")).isEqualTo(6);
    }

    @Test
    void hostileCustomerIds_andAggregateIds_areBadRequests_notServerErrors() {
        // an unreadable license ARN, and a key longer than DynamoDB allows
        given().header("X-Api-Key", ADMIN).queryParam("licenseArn",
                "arn:aws:license-manager::111122223333:license:l-../../../").when().get("/v1/admin/metering/usage")
                .then().statusCode(400).contentType("application/problem+json");
        given().header("X-Api-Key", ADMIN).contentType(ContentType.JSON)
                .body(Map.of("licenseArn", "http://169.254.169.254/latest/meta-data/")).when()
                .post("/v1/admin/metering/flush").then().statusCode(400).contentType("application/problem+json");
        given().header("X-Api-Key", ADMIN).queryParam("customerKey", "x".repeat(3000)).when()
                .get("/v1/admin/metering/usage").then().statusCode(400).contentType("application/problem+json");
        // an aggregate id no aggregate can have is simply not found
        JsonPath redrive = given().header("X-Api-Key", ADMIN).contentType(ContentType.JSON)
                .body(Map.of("ids", List.of("é".repeat(20_000)))).when().post("/v1/admin/metering/redrive")
                .then().statusCode(200).extract().jsonPath();
        assertThat(redrive.getBoolean("[0].requeued")).isFalse();
        assertThat(redrive.getString("[0].message")).isEqualTo("no such aggregate");
    }
}
