package io.mpsaas.common.dynamo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/** The one update-expression builder: placeholders for every name and value, clauses in DynamoDB's grammar. */
class UpdateTest {

    @Test
    void expression_hasSetAddAndRemoveClauses_withEveryNameAndValueAPlaceholder() {
        // GIVEN / WHEN an update that sets, sets if absent, adds and removes (reserved words among the names)
        Update u = new Update()
                .set("status", Attr.s("FROZEN"))
                .setIfAbsent("createdAt", Attr.s("2026-01-01T00:00:00Z"))
                .add("version", Attr.n(1))
                .remove("leaseOwner", "hour");

        // THEN
        assertThat(u.expression()).isEqualTo("SET #status = :v0, #createdAt = if_not_exists(#createdAt, :v1)"
                + " ADD #version :v2 REMOVE #leaseOwner, #hour");
        assertThat(u.names()).containsOnly(Map.entry("#status", "status"), Map.entry("#createdAt", "createdAt"),
                Map.entry("#version", "version"), Map.entry("#leaseOwner", "leaseOwner"), Map.entry("#hour", "hour"));
        assertThat(u.values()).containsOnly(Map.entry(":v0", Attr.s("FROZEN")),
                Map.entry(":v1", Attr.s("2026-01-01T00:00:00Z")), Map.entry(":v2", Attr.n(1)));
    }

    @Test
    void set_andSetIfAbsent_leaveOutNullValues() {
        Update u = new Update().set("a", null).setIfAbsent("b", null).set("c", Attr.bool(true));

        assertThat(u.expression()).isEqualTo("SET #c = :v0");
        assertThat(u.names()).containsOnlyKeys("#c");
    }

    @Test
    void namesAndValues_areNull_whenNoneWasUsed() {
        // DynamoDB refuses an empty ExpressionAttributeNames or ExpressionAttributeValues map
        Update u = new Update();

        assertThat(u.names()).isNull();
        assertThat(u.values()).isNull();
        assertThat(u.conditionExpression()).isNull();
    }

    @Test
    void name_ofAnAttributeAPlaceholderCannotSpell_getsANumberedOne_reusedEachTime() {
        Update u = new Update();

        String first = u.name("metering-pending");
        String again = u.name("metering-pending");
        String plain = u.name("metering_pending");

        assertThat(first).isEqualTo("#_0").isEqualTo(again);
        assertThat(plain).isEqualTo("#metering_pending");
        assertThat(u.names()).containsOnly(Map.entry("#_0", "metering-pending"),
                Map.entry("#metering_pending", "metering_pending"));
    }

    @Test
    void request_andTransactItem_carryExpressionConditionAndPlaceholders() {
        // GIVEN an update with a condition written with the builder's placeholders
        Update u = new Update().set("status", Attr.s("DONE"));
        u.condition(u.name("status") + " = " + u.value(Attr.s("FROZEN")));
        Map<String, AttributeValue> key = SuiteTables.key("agg#1", "AGGREGATE");

        // WHEN
        UpdateItemRequest request = u.request("t", key).build();
        TransactWriteItem item = u.transactItem("t", key);

        // THEN both say the same
        assertThat(request.tableName()).isEqualTo("t");
        assertThat(request.key()).isEqualTo(Map.of("pk", Attr.s("agg#1"), "sk", Attr.s("AGGREGATE")));
        assertThat(request.updateExpression()).isEqualTo("SET #status = :v0");
        assertThat(request.conditionExpression()).isEqualTo("#status = :v1");
        assertThat(request.expressionAttributeValues()).containsOnly(Map.entry(":v0", Attr.s("DONE")),
                Map.entry(":v1", Attr.s("FROZEN")));
        assertThat(item.update().updateExpression()).isEqualTo(request.updateExpression());
        assertThat(item.update().conditionExpression()).isEqualTo(request.conditionExpression());
        assertThat(item.update().expressionAttributeNames()).isEqualTo(request.expressionAttributeNames());
        assertThat(item.update().key()).isEqualTo(key);
    }
}
