package io.mpsaas.common.customer;

import java.text.Normalizer;
import java.util.Locale;
import java.util.Objects;

/**
 * The company-name index of the customers table: every registration item ({@code sk = REGISTRATION}) carries
 * {@code gsi2pk = registration#company} and {@code gsi2sk = <normalised company>#<customer key>}, written by
 * onboarding-service with the registration, so the operator console finds customers by the start of their company
 * name with one bounded Query ({@code begins_with}) instead of a Scan. Normalised means lower case, accents and
 * punctuation dropped, runs of spaces collapsed: "Babbage &amp; Lovelace, Ltd." and "babbage lovelace ltd" match.
 */
public final class CompanyIndex {

    /** {@code gsi2pk} of every registration item. */
    public static final String PARTITION = "registration#company";

    /** Longest normalised name kept in the sort key (DynamoDB allows 1024 bytes; the key follows it). */
    static final int MAX_LENGTH = 200;

    private CompanyIndex() {
    }

    /** The {@code gsi2sk} of a registration: the normalised company, then the customer key (unique). */
    public static String sortKey(String company, String customerKey) {
        Objects.requireNonNull(customerKey, "customerKey");
        return normalise(company) + "#" + customerKey;
    }

    /**
     * The company as the index stores it: lower case, letters and digits only (accents removed), words separated by
     * one space, at most {@value #MAX_LENGTH} characters. Empty for null or a name without letters or digits.
     */
    public static String normalise(String company) {
        if (company == null) {
            return "";
        }
        String decomposed = Normalizer.normalize(company, Normalizer.Form.NFKD).toLowerCase(Locale.ROOT);
        StringBuilder out = new StringBuilder(Math.min(decomposed.length(), MAX_LENGTH));
        boolean space = false;
        for (int i = 0; i < decomposed.length() && out.length() < MAX_LENGTH; ) {
            int c = decomposed.codePointAt(i);
            i += Character.charCount(c);
            if (Character.getType(c) == Character.NON_SPACING_MARK) {
                continue; // the accent of a decomposed letter
            }
            if (Character.isLetterOrDigit(c)) {
                if (space && out.length() > 0) {
                    out.append(' ');
                }
                space = false;
                out.appendCodePoint(c);
            } else {
                space = true;
            }
        }
        return out.length() > MAX_LENGTH ? out.substring(0, MAX_LENGTH).strip() : out.toString();
    }
}
