package io.mpsaas.metering;

import static io.mpsaas.metering.MeteringFixtures.hoursAgo;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.mpsaas.common.dynamo.Attr;
import io.mpsaas.sandbox.marketplace.ledger.MeteredRecord;
import io.mpsaas.sandbox.testing.SandboxTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/** Migration from the AWS sample: its pending rows become usage, and are marked done only once stored. */
@QuarkusTest
@QuarkusTestResource(value = SandboxTestResource.class, restrictToAnnotatedClass = false)
class SampleTableMigrationTest extends MeteringTestSupport {

    static final String TABLE = "AWSMarketplaceMeteringRecords";

    @Test
    void pendingRowsOfTheSampleTable_areIngestedPageByPage_markedDone_andBilledInTheirHour() {
        // GIVEN the sample's table with pending rows its app wrote (page size 2 in tests, so three pages)
        createSampleTable();
        MeteringFixtures.Buyer buyer = fx.activeBuyer("mtr-aws-sample", 3);
        String ci = buyer.sub().customerIdentifier();
        Instant h1 = hoursAgo(1);
        Instant h2 = hoursAgo(2);
        putRow(ci, h1.plusSeconds(10).getEpochSecond(), Map.of("requests", 3, "users", 2));
        putRow(ci, h1.plusSeconds(20).getEpochSecond(), Map.of("requests", 4));
        putRow(ci, h2.plusSeconds(5).toEpochMilli(), Map.of("requests", 1));
        putRow("unknown-customer", h1.getEpochSecond(), Map.of("requests", 9));

        // WHEN an operator runs the reader twice
        JsonPath first = given().header("X-Api-Key", "test-admin-key").when()
                .post("/v1/admin/metering/migration/runs").then().statusCode(200).extract().jsonPath();
        JsonPath second = given().header("X-Api-Key", "test-admin-key").when()
                .post("/v1/admin/metering/migration/runs").then().statusCode(200).extract().jsonPath();

        // THEN every row was read once and marked the way the sample marks it
        assertThat(first.getInt("rows")).isGreaterThanOrEqualTo(4);
        assertThat(first.getInt("accepted")).isGreaterThanOrEqualTo(4);
        assertThat(first.getInt("rejected")).isGreaterThanOrEqualTo(1);
        assertThat(second.getInt("rows")).isZero();
        Map<String, AttributeValue> done = row(ci, h1.plusSeconds(10).getEpochSecond());
        assertThat(done).doesNotContainKey("metering_pending").containsKey("metering_response");
        assertThat(done.get("metering_failed").bool()).isFalse();
        Map<String, AttributeValue> failed = row("unknown-customer", h1.getEpochSecond());
        assertThat(failed.get("metering_failed").bool()).isTrue();
        assertThat(failed.get("metering_response").s()).contains("UNKNOWN_CUSTOMER");

        // and the usage is billed in the hour of each row
        runner.flush(buyer.customerKey(), Instant.now());
        assertThat(sandbox.simulator().ledger().records("mtr-aws-sample", ci))
                .extracting(MeteredRecord::hour, MeteredRecord::dimension, MeteredRecord::quantity)
                .containsExactlyInAnyOrder(tuple(h2, "requests", 1), tuple(h1, "requests", 7),
                        tuple(h1, "users", 2));
    }

    private void createSampleTable() {
        try {
            dynamo.createTable(r -> r.tableName(TABLE).billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(
                            AttributeDefinition.builder().attributeName("customerIdentifier")
                                    .attributeType(ScalarAttributeType.S).build(),
                            AttributeDefinition.builder().attributeName("create_timestamp")
                                    .attributeType(ScalarAttributeType.N).build(),
                            AttributeDefinition.builder().attributeName("metering_pending")
                                    .attributeType(ScalarAttributeType.S).build())
                    .keySchema(KeySchemaElement.builder().attributeName("customerIdentifier").keyType(KeyType.HASH)
                            .build(), KeySchemaElement.builder().attributeName("create_timestamp")
                            .keyType(KeyType.RANGE).build())
                    .globalSecondaryIndexes(GlobalSecondaryIndex.builder().indexName("PendingMeteringRecordsIndex")
                            .keySchema(KeySchemaElement.builder().attributeName("metering_pending")
                                    .keyType(KeyType.HASH).build())
                            .projection(p -> p.projectionType(ProjectionType.ALL)).build()));
        } catch (ResourceInUseException e) {
            // created by an earlier run of this test in the same sandbox
        }
    }

    private void putRow(String customerIdentifier, long createTimestamp, Map<String, Integer> usage) {
        List<AttributeValue> entries = usage.entrySet().stream()
                .map(e -> AttributeValue.fromM(Map.of("dimension", Attr.s(e.getKey()), "value", Attr.n(e.getValue()))))
                .toList();
        dynamo.putItem(r -> r.tableName(TABLE).item(Map.of("customerIdentifier", Attr.s(customerIdentifier),
                "create_timestamp", Attr.n(createTimestamp), "dimension_usage", AttributeValue.fromL(entries),
                "metering_pending", Attr.s("true"))));
    }

    private Map<String, AttributeValue> row(String customerIdentifier, long createTimestamp) {
        return dynamo.getItem(r -> r.tableName(TABLE).consistentRead(true).key(Map.of("customerIdentifier",
                Attr.s(customerIdentifier), "create_timestamp", Attr.n(createTimestamp)))).item();
    }
}
