package io.mpsaas.onboarding.domain;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One field of the registration form.
 *
 * @param name         key in the stored registration (a standard attribute, or the key in {@code extraFields})
 * @param extra        whether it is a seller-configured field (stored under {@code extraFields})
 * @param pattern      regular expression the whole value must match, or null
 * @param hint         help text shown under the field, or null
 * @param autocomplete the HTML autocomplete token, or null
 */
public record FieldSpec(String name, boolean extra, String label, FieldKind kind, boolean required, int maxLength,
        Pattern pattern, String hint, String autocomplete) {

    /** Prefix of the form input names of seller-configured fields, so they never clash with the standard ones. */
    public static final String EXTRA_INPUT_PREFIX = "extra-";

    /** What a seller-configured field name may look like. */
    public static final Pattern EXTRA_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,39}");

    public FieldSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(kind, "kind");
        if (maxLength < 1) {
            throw new IllegalArgumentException("max length of field " + name + " must be positive: " + maxLength);
        }
    }

    /** The {@code name} of the form input. */
    public String inputName() {
        return extra ? EXTRA_INPUT_PREFIX + name : name;
    }
}
