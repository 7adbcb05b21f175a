package io.mpsaas.reliability;

import io.mpsaas.common.dynamo.Paging;
import io.mpsaas.common.marketplace.SharedCallPacer;
import java.util.LinkedHashSet;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;

/** What the suite stored: every item's {@code pk|sk} of a table, read straight from DynamoDB Local. */
final class Storage {

    static final String CUSTOMERS = "marketplace-customers";
    static final String USAGE = "marketplace-usage";

    private Storage() {
    }

    /**
     * Every item's {@code pk|sk}; a webhook delivery (keyed by its endpoint and event id) also names the customer whose
     * event it carries ({@code pk|sk|customerKey}), so it counts as that customer's item.
     */
    static Set<String> keys(Suite suite, String table) {
        Set<String> keys = new LinkedHashSet<>();
        Paging.scan(suite.local.sandbox().aws().dynamo(), ScanRequest.builder().tableName(table)
                .projectionExpression("pk, sk, customerKey").build())
                .forEach(i -> keys.add(i.get("pk").s() + "|" + i.get("sk").s()
                        + (i.get("pk").s().startsWith("webhook#") && i.containsKey("customerKey")
                                ? "|" + i.get("customerKey").s() : "")));
        return keys;
    }

    /**
     * Items of {@code table} that are new since {@code before} and concern none of {@code allowed} (substrings): a
     * webhook delivery of an allowed customer's event is allowed, one of any other customer is not. The replicas'
     * shared paces ({@code pace#<operation>|PACE}: GetEntitlements in the customers table, BatchMeterUsage in the usage
     * table) are never input's: the first paced call of a run writes them, in whichever test it falls.
     */
    static Set<String> newItemsOutside(Suite suite, String table, Set<String> before, Set<String> allowed) {
        Set<String> added = new LinkedHashSet<>(keys(suite, table));
        added.removeAll(before);
        added.removeIf(k -> allowed.stream().anyMatch(k::contains));
        added.removeIf(k -> k.startsWith(SharedCallPacer.PREFIX) && k.endsWith("|" + SharedCallPacer.SK));
        return added;
    }
}
