package io.mpsaas.onboarding.persistence;

import static io.mpsaas.common.customer.CustomerAttributes.*;

import io.mpsaas.common.config.TablesConfig;
import io.mpsaas.common.customer.CustomerKeys;
import io.mpsaas.common.customer.CustomerRecord;
import io.mpsaas.common.customer.SubscriptionState;
import io.mpsaas.common.dynamo.Attr;
import io.mpsaas.common.dynamo.SuiteTables;
import io.mpsaas.common.dynamo.Update;
import io.mpsaas.onboarding.domain.CustomerIdentity;
import io.mpsaas.onboarding.domain.Landing;
import jakarta.enterprise.context.ApplicationScoped;
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
        Update u = new Update()
                .setIfAbsent(IDENTITY_MODEL, Attr.s(id.identityModel().name()))
                .setIfAbsent(PRODUCT_CODE, string(id.productCode()))
                .setIfAbsent(CUSTOMER_IDENTIFIER, string(id.customerIdentifier()))
                .setIfAbsent(CUSTOMER_AWS_ACCOUNT_ID, string(id.customerAwsAccountId()))
                .setIfAbsent(LICENSE_ARN, string(id.licenseArn()))
                .setIfAbsent(CREATED_AT, Attr.instant(landing.landedAt()))
                .setIfAbsent(SUBSCRIPTION_STATE, Attr.s(SubscriptionState.PENDING.name()))
                .setIfAbsent(FIRST_LANDED_AT, Attr.instant(landing.landedAt()))
                .set(LAST_LANDED_AT, Attr.instant(landing.landedAt()));
        // the posted offer type is the buyer's browser's word: kept as a hint, apart from AWS's freeTrial; a later
        // landing without one (a "Set up your account" click) keeps the last hint
        if (landing.offerTypeHint() != null) {
            u.set(OFFER_TYPE_HINT, Attr.s(landing.offerTypeHint()));
        }
        u.remove(LEGACY_FREE_TRIAL_OFFER, LEGACY_OFFER_TYPE);
        // the overloaded indexes of docs/ARCHITECTURE.md: customers by account, customers by product
        if (id.customerAwsAccountId() != null) {
            u.set(SuiteTables.GSI1_PK, Attr.s(CustomerKeys.ACCOUNT_PREFIX + id.customerAwsAccountId()))
                    .set(SuiteTables.GSI1_SK, Attr.s(id.customerKey()));
        }
        if (id.productCode() != null) {
            u.set(SuiteTables.GSI2_PK, Attr.s(CustomerKeys.PRODUCT_PREFIX + id.productCode()))
                    .set(SuiteTables.GSI2_SK, Attr.s(id.customerKey()));
        }
        u.add(LANDINGS, Attr.n(1)).add(VERSION, Attr.n(1));

        UpdateItemResponse response = dynamo.updateItem(u.request(tables.customers(), key(id.customerKey()))
                .returnValues(ReturnValue.ALL_NEW).build());
        return CustomerRecord.fromItem(response.attributes());
    }

    /** The customer item, read consistently; empty when there is none. */
    public Optional<CustomerRecord> find(String customerKey) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(tables.customers())
                .key(key(customerKey)).consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(CustomerRecord.fromItem(item));
    }

    static Map<String, AttributeValue> key(String customerKey) {
        return SuiteTables.key(customerKey, CustomerKeys.CUSTOMER_SK);
    }

    private static AttributeValue string(String value) {
        return value == null ? null : Attr.s(value);
    }
}
