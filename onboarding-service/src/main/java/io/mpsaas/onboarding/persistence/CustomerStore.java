package io.mpsaas.onboarding.persistence;

import static io.mpsaas.common.customer.CustomerAttributes.*;

import io.mpsaas.common.config.TablesConfig;
import io.mpsaas.common.customer.CustomerKeys;
import io.mpsaas.common.customer.CustomerRecord;
import io.mpsaas.common.customer.SubscriptionState;
import io.mpsaas.common.dynamo.Attr;
import io.mpsaas.common.dynamo.SuiteTables;
import io.mpsaas.onboarding.domain.CustomerIdentity;
import io.mpsaas.onboarding.domain.Landing;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * The customer item ({@code sk = CUSTOMER}) as onboarding writes it: one UpdateItem per landing that creates the item
 * when absent and touches only onboarding's attributes. Identity attributes are written with {@code if_not_exists}
 * (whoever creates the item first, entitlement-service or onboarding, sets them); {@code subscriptionState} only when
 * nobody has set one yet; entitlement-service's attributes are never named.
 */
@ApplicationScoped
public class CustomerStore {

    private final DynamoDbClient dynamo;
    private final TablesConfig tables;

    public CustomerStore(DynamoDbClient dynamo, TablesConfig tables) {
        this.dynamo = dynamo;
        this.tables = tables;
    }

    /** Records a landing (creating the customer on the first one) and answers the item as it now is. */
    public CustomerRecord recordLanding(Landing landing) {
        CustomerIdentity id = landing.identity();
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        List<String> set = new ArrayList<>();

        setIfAbsent(set, names, values, IDENTITY_MODEL, Attr.s(id.identityModel().name()));
        setIfAbsent(set, names, values, PRODUCT_CODE, id.productCode() == null ? null : Attr.s(id.productCode()));
        setIfAbsent(set, names, values, CUSTOMER_IDENTIFIER,
                id.customerIdentifier() == null ? null : Attr.s(id.customerIdentifier()));
        setIfAbsent(set, names, values, CUSTOMER_AWS_ACCOUNT_ID,
                id.customerAwsAccountId() == null ? null : Attr.s(id.customerAwsAccountId()));
        setIfAbsent(set, names, values, LICENSE_ARN, id.licenseArn() == null ? null : Attr.s(id.licenseArn()));
        setIfAbsent(set, names, values, CREATED_AT, Attr.instant(landing.landedAt()));
        setIfAbsent(set, names, values, SUBSCRIPTION_STATE, Attr.s(SubscriptionState.PENDING.name()));
        setIfAbsent(set, names, values, FIRST_LANDED_AT, Attr.instant(landing.landedAt()));
        setAlways(set, names, values, LAST_LANDED_AT, Attr.instant(landing.landedAt()));
        if (landing.freeTrialOffer()) {
            setAlways(set, names, values, FREE_TRIAL_OFFER, Attr.bool(true));
        } else {
            // a later landing without the offer type (a "Set up your account" click) does not undo a free-trial offer
            setIfAbsent(set, names, values, FREE_TRIAL_OFFER, Attr.bool(false));
        }
        if (landing.offerType() != null) {
            setAlways(set, names, values, OFFER_TYPE, Attr.s(landing.offerType()));
        }
        // the overloaded indexes of docs/ARCHITECTURE.md: customers by account, customers by product
        if (id.customerAwsAccountId() != null) {
            setAlways(set, names, values, SuiteTables.GSI1_PK, Attr.s(CustomerKeys.ACCOUNT_PREFIX
                    + id.customerAwsAccountId()));
            setAlways(set, names, values, SuiteTables.GSI1_SK, Attr.s(id.customerKey()));
        }
        if (id.productCode() != null) {
            setAlways(set, names, values, SuiteTables.GSI2_PK, Attr.s(CustomerKeys.PRODUCT_PREFIX + id.productCode()));
            setAlways(set, names, values, SuiteTables.GSI2_SK, Attr.s(id.customerKey()));
        }
        names.put("#landings", LANDINGS);
        names.put("#version", VERSION);
        values.put(":one", Attr.n(1));

        UpdateItemResponse response = dynamo.updateItem(r -> r.tableName(tables.customers())
                .key(key(id.customerKey()))
                .updateExpression("SET " + String.join(", ", set) + " ADD #landings :one, #version :one")
                .expressionAttributeNames(names)
                .expressionAttributeValues(values)
                .returnValues(ReturnValue.ALL_NEW));
        return CustomerRecord.fromItem(response.attributes());
    }

    /** The customer item, read consistently; empty when there is none. */
    public Optional<CustomerRecord> find(String customerKey) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(tables.customers())
                .key(key(customerKey)).consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(CustomerRecord.fromItem(item));
    }

    static Map<String, AttributeValue> key(String customerKey) {
        return Map.of(SuiteTables.PK, Attr.s(customerKey), SuiteTables.SK, Attr.s(CustomerKeys.CUSTOMER_SK));
    }

    private static void setIfAbsent(List<String> set, Map<String, String> names, Map<String, AttributeValue> values,
            String attribute, AttributeValue value) {
        if (value == null) {
            return;
        }
        String name = "#" + attribute;
        names.put(name, attribute);
        values.put(":" + attribute, value);
        set.add(name + " = if_not_exists(" + name + ", :" + attribute + ")");
    }

    private static void setAlways(List<String> set, Map<String, String> names, Map<String, AttributeValue> values,
            String attribute, AttributeValue value) {
        String name = "#" + attribute;
        names.put(name, attribute);
        values.put(":" + attribute, value);
        set.add(name + " = :" + attribute);
    }
}
