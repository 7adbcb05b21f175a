package io.mpsaas.console.rest;

import io.quarkus.qute.Escaper;
import io.quarkus.qute.RawString;
import io.quarkus.qute.TemplateExtension;

/**
 * Long identifiers (license ARNs, customer keys, metering record ids) wrap only where a reader would break them: after
 * {@code :}, {@code /}, {@code #} and {@code _}, never in the middle of an account id or a license id. In a template:
 * {@code {row.key.breakable}}.
 */
public final class TokenBreaks {

    /** Qute's own HTML escaping (the characters its {@code text/html} templates escape). */
    private static final Escaper HTML = Escaper.builder().add('"', "&quot;").add('\'', "&#39;").add('&', "&amp;")
            .add('<', "&lt;").add('>', "&gt;").build();

    private TokenBreaks() {
    }

    /** {@code value} HTML-escaped, with a {@code <wbr>} after each separator; empty for null. */
    @TemplateExtension
    public static RawString breakable(String value) {
        if (value == null) {
            return new RawString("");
        }
        StringBuilder html = new StringBuilder(value.length() + 16);
        int start = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c == ':' || c == '/' || c == '#' || c == '_') && i < value.length() - 1) {
                html.append(HTML.escape(value.substring(start, i + 1))).append("<wbr>");
                start = i + 1;
            }
        }
        return new RawString(html.append(HTML.escape(value.substring(start))).toString());
    }
}
