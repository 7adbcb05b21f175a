package io.mpsaas.sandbox.marketplace.catalog;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One pricing dimension of a product: contracted dimensions appear in GetEntitlements, metered ones are accepted by
 * BatchMeterUsage.
 */
public record Dimension(String name, String description, ValueType valueType, boolean contracted, boolean metered) {

    // AWS's UsageRecord.Dimension is 1..255 chars of anything; dimension API names are in practice identifiers.
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.\\-]{1,255}");

    public Dimension {
        Objects.requireNonNull(name, "dimension name is required");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("dimension name '" + name
                    + "' must be 1..255 characters of letters, digits, '_', '.', '-'");
        }
        description = description == null ? name : description;
        valueType = valueType == null ? ValueType.INTEGER : valueType;
        if (!contracted && !metered) {
            throw new IllegalArgumentException("dimension '" + name + "' must be contracted, metered or both");
        }
    }

    /** A metered INTEGER dimension (the usual usage-based dimension). */
    public static Dimension metered(String name) {
        return new Dimension(name, name, ValueType.INTEGER, false, true);
    }

    /** A contracted dimension of the given value type. */
    public static Dimension contracted(String name, ValueType valueType) {
        return new Dimension(name, name, valueType, true, false);
    }
}
