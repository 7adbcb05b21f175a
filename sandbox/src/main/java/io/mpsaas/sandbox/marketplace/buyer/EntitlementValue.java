package io.mpsaas.sandbox.marketplace.buyer;

import com.fasterxml.jackson.annotation.JsonValue;
import io.mpsaas.sandbox.marketplace.catalog.Dimension;
import io.mpsaas.sandbox.marketplace.catalog.ValueType;

/** A contracted quantity, shaped like the EntitlementValue union (exactly one of the four members). */
public sealed interface EntitlementValue {

    /** The plain Java value (Integer, Double, Boolean or String), also how it appears in control-API JSON. */
    @JsonValue
    Object raw();

    /** The member name of the AWS union this value travels as. */
    String awsMember();

    /** An {@code IntegerValue}. */
    record IntegerValue(int value) implements EntitlementValue {
        @Override
        public Object raw() {
            return value;
        }

        @Override
        public String awsMember() {
            return "IntegerValue";
        }
    }

    /** A {@code DoubleValue}. */
    record DoubleValue(double value) implements EntitlementValue {
        @Override
        public Object raw() {
            return value;
        }

        @Override
        public String awsMember() {
            return "DoubleValue";
        }
    }

    /** A {@code BooleanValue}. */
    record BooleanValue(boolean value) implements EntitlementValue {
        @Override
        public Object raw() {
            return value;
        }

        @Override
        public String awsMember() {
            return "BooleanValue";
        }
    }

    /** A {@code StringValue}. */
    record StringValue(String value) implements EntitlementValue {
        @Override
        public Object raw() {
            return value;
        }

        @Override
        public String awsMember() {
            return "StringValue";
        }
    }

    /**
     * Converts a raw value (from JSON or a test) to the dimension's value type, rejecting values that do not fit.
     */
    static EntitlementValue of(Dimension dimension, Object raw) {
        ValueType type = dimension.valueType();
        String name = dimension.name();
        try {
            return switch (type) {
                case INTEGER -> {
                    if (raw instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
                        yield new IntegerValue(Math.toIntExact(n.longValue()));
                    }
                    if (raw instanceof String s) {
                        yield new IntegerValue(Integer.parseInt(s.trim()));
                    }
                    throw new IllegalArgumentException();
                }
                case DOUBLE -> {
                    if (raw instanceof Number n) {
                        yield new DoubleValue(n.doubleValue());
                    }
                    if (raw instanceof String s) {
                        yield new DoubleValue(Double.parseDouble(s.trim()));
                    }
                    throw new IllegalArgumentException();
                }
                case BOOLEAN -> {
                    if (raw instanceof Boolean b) {
                        yield new BooleanValue(b);
                    }
                    if (raw instanceof String s && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))) {
                        yield new BooleanValue(Boolean.parseBoolean(s));
                    }
                    throw new IllegalArgumentException();
                }
                case STRING -> {
                    if (raw == null) {
                        throw new IllegalArgumentException();
                    }
                    yield new StringValue(String.valueOf(raw));
                }
            };
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new IllegalArgumentException("value '" + raw + "' does not fit dimension '" + name + "' of type "
                    + type);
        }
    }

    /** The value a contracted dimension gets when the buyer did not choose one (simulator choice). */
    static EntitlementValue defaultFor(Dimension dimension) {
        return switch (dimension.valueType()) {
            case INTEGER -> new IntegerValue(1);
            case DOUBLE -> new DoubleValue(1.0);
            case BOOLEAN -> new BooleanValue(true);
            case STRING -> new StringValue("standard");
        };
    }
}
