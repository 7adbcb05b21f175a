package io.mpsaas.reliability;

import java.util.LinkedHashSet;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/** What the suite stored: every item's {@code pk|sk} of a table, read straight from DynamoDB Local. */
final class Storage {

    static final String CUSTOMERS = "marketplace-customers";
    static final String USAGE = "marketplace-usage";

    private Storage() {
    }

    static Set<String> keys(Suite suite, String table) {
        Set<String> keys = new LinkedHashSet<>();
        java.util.Map<String, AttributeValue> start = null;
        do {
            ScanRequest.Builder scan = ScanRequest.builder().tableName(table).projectionExpression("pk, sk");
            if (start != null) {
                scan.exclusiveStartKey(start);
            }
            ScanResponse page = suite.local.sandbox().aws().dynamo().scan(scan.build());
            page.items().forEach(i -> keys.add(i.get("pk").s() + "|" + i.get("sk").s()));
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return keys;
    }

    /** Items of {@code table} that are new since {@code before} and concern none of {@code allowed} (substrings). */
    static Set<String> newItemsOutside(Suite suite, String table, Set<String> before, Set<String> allowed) {
        Set<String> added = new LinkedHashSet<>(keys(suite, table));
        added.removeAll(before);
        added.removeIf(k -> allowed.stream().anyMatch(k::contains));
        return added;
    }
}
