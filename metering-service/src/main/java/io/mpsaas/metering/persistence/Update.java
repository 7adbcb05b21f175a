package io.mpsaas.metering.persistence;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Builds an UpdateExpression and condition with every attribute name and value as a placeholder, so reserved words
 * ({@code status}, {@code hour}, ...) never break an expression.
 */
final class Update {

    private final List<String> set = new ArrayList<>();
    private final List<String> add = new ArrayList<>();
    private final List<String> remove = new ArrayList<>();
    private final Map<String, String> names = new HashMap<>();
    private final Map<String, AttributeValue> values = new HashMap<>();
    private String condition;
    private int next;

    /** {@code #name} for an attribute. */
    String name(String attribute) {
        String placeholder = "#" + attribute;
        names.put(placeholder, attribute);
        return placeholder;
    }

    /** {@code :vN} for a value. */
    String value(AttributeValue value) {
        String placeholder = ":v" + (next++);
        values.put(placeholder, value);
        return placeholder;
    }

    Update set(String attribute, AttributeValue value) {
        if (value != null) {
            set.add(name(attribute) + " = " + value(value));
        }
        return this;
    }

    Update setIfAbsent(String attribute, AttributeValue value) {
        String n = name(attribute);
        set.add(n + " = if_not_exists(" + n + ", " + value(value) + ")");
        return this;
    }

    /** A raw SET clause built with {@link #name} and {@link #value}. */
    Update setExpression(String clause) {
        set.add(clause);
        return this;
    }

    Update add(String attribute, AttributeValue number) {
        add.add(name(attribute) + " " + value(number));
        return this;
    }

    Update remove(String... attributes) {
        for (String attribute : attributes) {
            remove.add(name(attribute));
        }
        return this;
    }

    Update condition(String expression) {
        this.condition = expression;
        return this;
    }

    String expression() {
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

    String conditionExpression() {
        return condition;
    }

    Map<String, String> names() {
        return names;
    }

    Map<String, AttributeValue> values() {
        return values.isEmpty() ? null : values;
    }
}
