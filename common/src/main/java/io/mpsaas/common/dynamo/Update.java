package io.mpsaas.common.dynamo;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * Builds an UpdateExpression and condition with every attribute name and value as a placeholder, so reserved words
 * ({@code status}, {@code hour}, ...) never break an expression: the one update-expression builder of the suite.
 * Conditions are written with {@link #name} and {@link #value}; {@link #request} and {@link #transactItem} carry the
 * result into an {@code UpdateItem} or a transaction's update action.
 */
public final class Update {

    private final List<String> set = new ArrayList<>();
    private final List<String> add = new ArrayList<>();
    private final List<String> remove = new ArrayList<>();
    private final Map<String, String> names = new HashMap<>();
    private final Map<String, AttributeValue> values = new HashMap<>();
    private String condition;
    private int next;
    private int nextName;

    /** What may follow {@code #} in a name placeholder. */
    private static final Pattern PLACEHOLDER_SAFE = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");

    /**
     * {@code #attribute} for an attribute, the same each time it is named ({@code #_N} when the name holds characters
     * a placeholder may not).
     */
    public String name(String attribute) {
        String placeholder = PLACEHOLDER_SAFE.matcher(attribute).matches() ? "#" + attribute : null;
        if (placeholder == null) {
            for (Map.Entry<String, String> e : names.entrySet()) {
                if (e.getValue().equals(attribute)) {
                    return e.getKey();
                }
            }
            placeholder = "#_" + (nextName++);
        }
        names.put(placeholder, attribute);
        return placeholder;
    }

    /** {@code :vN} for a value. */
    public String value(AttributeValue value) {
        String placeholder = ":v" + (next++);
        values.put(placeholder, value);
        return placeholder;
    }

    /** {@code SET attribute = value}; nothing when the value is null. */
    public Update set(String attribute, AttributeValue value) {
        if (value != null) {
            set.add(name(attribute) + " = " + value(value));
        }
        return this;
    }

    /** {@code SET attribute = if_not_exists(attribute, value)}: only the first writer sets it; nothing when null. */
    public Update setIfAbsent(String attribute, AttributeValue value) {
        if (value != null) {
            String n = name(attribute);
            set.add(n + " = if_not_exists(" + n + ", " + value(value) + ")");
        }
        return this;
    }

    /** A raw SET clause built with {@link #name} and {@link #value}. */
    public Update setExpression(String clause) {
        set.add(clause);
        return this;
    }

    /** {@code ADD attribute number}. */
    public Update add(String attribute, AttributeValue number) {
        add.add(name(attribute) + " " + value(number));
        return this;
    }

    public Update remove(String... attributes) {
        for (String attribute : attributes) {
            remove.add(name(attribute));
        }
        return this;
    }

    /** The condition expression, written with {@link #name} and {@link #value}. */
    public Update condition(String expression) {
        this.condition = expression;
        return this;
    }

    public String expression() {
        StringBuilder b = new StringBuilder();
        if (!set.isEmpty()) {
            b.append("SET ").append(String.join(", ", set));
        }
        if (!add.isEmpty()) {
            b.append(b.length() > 0 ? " " : "").append("ADD ").append(String.join(", ", add));
        }
        if (!remove.isEmpty()) {
            b.append(b.length() > 0 ? " " : "").append("REMOVE ").append(String.join(", ", remove));
        }
        return b.toString();
    }

    public String conditionExpression() {
        return condition;
    }

    /** The name placeholders, null when there is none (DynamoDB refuses an empty map). */
    public Map<String, String> names() {
        return names.isEmpty() ? null : Map.copyOf(names);
    }

    /** The value placeholders, null when there is none (DynamoDB refuses an empty map). */
    public Map<String, AttributeValue> values() {
        return values.isEmpty() ? null : Map.copyOf(values);
    }

    /** An {@code UpdateItem} of the item at {@code key} in {@code table} with this expression and condition. */
    public UpdateItemRequest.Builder request(String table, Map<String, AttributeValue> key) {
        return UpdateItemRequest.builder().tableName(table).key(key).updateExpression(expression())
                .conditionExpression(conditionExpression()).expressionAttributeNames(names())
                .expressionAttributeValues(values());
    }

    /** The same update as the action of a {@code TransactWriteItems}. */
    public software.amazon.awssdk.services.dynamodb.model.Update.Builder transactUpdate(String table,
            Map<String, AttributeValue> key) {
        return software.amazon.awssdk.services.dynamodb.model.Update.builder().tableName(table).key(key)
                .updateExpression(expression()).conditionExpression(conditionExpression())
                .expressionAttributeNames(names()).expressionAttributeValues(values());
    }

    /** {@link #transactUpdate} as a transaction item. */
    public TransactWriteItem transactItem(String table, Map<String, AttributeValue> key) {
        return TransactWriteItem.builder().update(transactUpdate(table, key).build()).build();
    }
}
