package io.mpsaas.console.rest;

import io.quarkus.qute.RawString;
import io.quarkus.qute.TemplateExtension;

/**
 * Long identifiers (license ARNs, customer keys, metering record ids) wrap only where a reader would break them: after
 * {@code :}, {@code /}, {@code #} and {@code _}, never in the middle of an account id or a license id. In a template:
 * {@code {row.key.breakable}}.
 */
public final class TokenBreaks {

    private TokenBreaks() {
    }

    /** {@code value} HTML-escaped, with a {@code <wbr>} after each separator; empty for null. */
    @TemplateExtension
    public static RawString breakable(String value) {
        if (value == null) {
            return new RawString("");
        }
        StringBuilder html = new StringBuilder(value.length() + 16);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '&' -> html.append("&amp;");
                case '<' -> html.append("&lt;");
                case '>' -> html.append("&gt;");
                case '"' -> html.append("&quot;");
                case '\'' -> html.append("&#39;");
                default -> html.append(c);
            }
            if ((c == ':' || c == '/' || c == '#' || c == '_') && i < value.length() - 1) {
                html.append("<wbr>");
            }
        }
        return new RawString(html.toString());
    }
}
