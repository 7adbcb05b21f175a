package io.mpsaas.entitlement.domain;

import io.mpsaas.common.customer.CustomerKeys;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What an operator typed into the customer search, and what it is looked up as. "Anything" recognises customer keys,
 * license ARNs (or bare {@code l-...} ids) and 12-digit account ids by their shape; other text is tried as a
 * CustomerIdentifier, a product code and the start of a company name.
 */
public record SearchQuery(Kind kind, String text) {

    /** Longest search text accepted. */
    public static final int MAX_LENGTH = 300;

    private static final Pattern ACCOUNT = Pattern.compile("[0-9]{12}");
    private static final Pattern LICENSE_ID = Pattern.compile("l-[0-9A-Za-z]+");

    /** What the text is looked up as. */
    public enum Kind {
        ANY("Anything"),
        CUSTOMER_KEY("Customer key"),
        LICENSE("License ARN"),
        ACCOUNT("AWS account id"),
        CUSTOMER_IDENTIFIER("Customer identifier"),
        PRODUCT_CODE("Product code"),
        COMPANY("Company");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        public String param() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        public static Kind ofParam(String value) {
            if (value == null || value.isBlank()) {
                return ANY;
            }
            for (Kind kind : values()) {
                if (kind.param().equals(value.strip())) {
                    return kind;
                }
            }
            throw new IllegalArgumentException("Choose what to search by from the list.");
        }
    }

    public SearchQuery {
        text = text == null ? "" : text.strip();
        if (text.isEmpty()) {
            throw new IllegalArgumentException("Enter something to search for.");
        }
        if (text.length() > MAX_LENGTH || text.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("That search text is too long or contains control characters.");
        }
    }

    /** The query for a form's text and {@code by} parameter ({@link Kind#param()}, empty for anything). */
    public static SearchQuery of(String text, String by) {
        return new SearchQuery(Kind.ofParam(by), text);
    }

    /** The kind to look up: the chosen one, or for "anything" the kind the text's shape names (or ANY). */
    public Kind resolved() {
        if (kind != Kind.ANY) {
            return kind;
        }
        if (text.startsWith(CustomerKeys.LICENSE_PREFIX) || text.startsWith(CustomerKeys.LEGACY_PREFIX)) {
            return Kind.CUSTOMER_KEY;
        }
        if (text.startsWith("arn:") || text.contains(":license:") || LICENSE_ID.matcher(text).matches()) {
            return Kind.LICENSE;
        }
        if (ACCOUNT.matcher(text).matches()) {
            return Kind.ACCOUNT;
        }
        return Kind.ANY;
    }
}
