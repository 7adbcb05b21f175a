package io.mpsaas.common.dynamo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * The suite's DynamoDB tables. Every table has the same generic shape: string keys {@code pk} and {@code sk}, two
 * overloaded global secondary indexes {@code gsi1} ({@code gsi1pk}, {@code gsi1sk}) and {@code gsi2}
 * ({@code gsi2pk}, {@code gsi2sk}) projecting all attributes, and TTL on {@code expiresAt} (epoch seconds). The
 * sandbox creates them from here and the CloudFormation template is checked against here.
 */
public final class SuiteTables {

    public static final String CUSTOMERS = "marketplace-customers";
    public static final String INBOX = "marketplace-inbox";
    public static final String USAGE = "marketplace-usage";

    public static final String PK = "pk";
    public static final String SK = "sk";
    public static final String GSI1 = "gsi1";
    public static final String GSI1_PK = "gsi1pk";
    public static final String GSI1_SK = "gsi1sk";
    public static final String GSI2 = "gsi2";
    public static final String GSI2_PK = "gsi2pk";
    public static final String GSI2_SK = "gsi2sk";
    /** TTL attribute: epoch seconds after which DynamoDB may delete the item. */
    public static final String TTL = "expiresAt";

    /** Every table with its default name. */
    public static final List<String> ALL = List.of(CUSTOMERS, INBOX, USAGE);

    private SuiteTables() {
    }

    /** The primary key {@code pk}, {@code sk} of an item: the one key helper of the suite. */
    public static Map<String, AttributeValue> key(String pk, String sk) {
        return Map.of(PK, AttributeValue.fromS(pk), SK, AttributeValue.fromS(sk));
    }

    /** The create-table request for one of the suite's tables under the given (possibly prefixed) name. */
    public static CreateTableRequest createTableRequest(String tableName) {
        List<AttributeDefinition> attributes = new ArrayList<>();
        for (String name : List.of(PK, SK, GSI1_PK, GSI1_SK, GSI2_PK, GSI2_SK)) {
            attributes.add(AttributeDefinition.builder().attributeName(name)
                    .attributeType(ScalarAttributeType.S).build());
        }
        return CreateTableRequest.builder()
                .tableName(tableName)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(attributes)
                .keySchema(keyElement(PK, KeyType.HASH), keyElement(SK, KeyType.RANGE))
                .globalSecondaryIndexes(index(GSI1, GSI1_PK, GSI1_SK), index(GSI2, GSI2_PK, GSI2_SK))
                .build();
    }

    private static GlobalSecondaryIndex index(String name, String pk, String sk) {
        return GlobalSecondaryIndex.builder()
                .indexName(name)
                .keySchema(keyElement(pk, KeyType.HASH), keyElement(sk, KeyType.RANGE))
                .projection(Projection.builder().projectionType(ProjectionType.ALL).build())
                .build();
    }

    private static KeySchemaElement keyElement(String name, KeyType type) {
        return KeySchemaElement.builder().attributeName(name).keyType(type).build();
    }
}
