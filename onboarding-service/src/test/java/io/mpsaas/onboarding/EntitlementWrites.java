package io.mpsaas.onboarding;

import io.mpsaas.common.customer.CustomerAttributes;
import io.mpsaas.common.customer.CustomerKeys;
import io.mpsaas.common.customer.SubscriptionState;
import io.mpsaas.common.dynamo.Attr;
import io.mpsaas.common.dynamo.SuiteTables;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The write entitlement-service makes on subscribe-success, done the way it does it: its own attributes only. */
final class EntitlementWrites {

    private EntitlementWrites() {
    }

    static void activate(DynamoDbClient dynamo, String customerKey, String stateEventAt) {
        state(dynamo, customerKey, SubscriptionState.ACTIVE, stateEventAt);
    }

    /** Any state, as entitlement-service writes it (a cancellation: UNSUBSCRIBED). */
    static void state(DynamoDbClient dynamo, String customerKey, SubscriptionState state, String stateEventAt) {
        dynamo.updateItem(r -> r.tableName(SuiteTables.CUSTOMERS)
                .key(SuiteTables.key(customerKey, CustomerKeys.CUSTOMER_SK))
                .updateExpression("SET #state = :state, #eventAt = :eventAt ADD #version :one")
                .expressionAttributeNames(Map.of("#state", CustomerAttributes.SUBSCRIPTION_STATE,
                        "#eventAt", CustomerAttributes.STATE_EVENT_AT, "#version", CustomerAttributes.VERSION))
                .expressionAttributeValues(Map.of(":state", Attr.s(state.name()),
                        ":eventAt", Attr.s(stateEventAt), ":one", Attr.n(1))));
    }
}
