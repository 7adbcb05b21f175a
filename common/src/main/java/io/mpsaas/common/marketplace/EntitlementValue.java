package io.mpsaas.common.marketplace;

/** The value of an entitlement: exactly one of AWS's four value kinds. */
public sealed interface EntitlementValue {

    /** A quantity, such as seats or GB. */
    record IntegerValue(int value) implements EntitlementValue {
    }

    /** A fractional quantity. */
    record DoubleValue(double value) implements EntitlementValue {
    }

    /** A feature that is on or off. */
    record BooleanValue(boolean value) implements EntitlementValue {
    }

    /** A tier name or other text. */
    record StringValue(String value) implements EntitlementValue {
    }
}
