package io.mpsaas.common.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * An RFC 9457 problem detail, the body of every 4xx and 5xx answer of the suite's JSON APIs
 * ({@code application/problem+json}). {@code errors} lists field-level problems of a request, if any.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Problem(String type, String title, int status, String detail, String instance,
        List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";

    /** Base of the {@code type} URIs, documented in the README. */
    public static final String TYPE_BASE = "https://mpsaas.io/problems/";

    public Problem {
        errors = errors == null ? List.of() : List.copyOf(errors);
    }

    public static Problem of(int status, String slug, String title, String detail) {
        return new Problem(TYPE_BASE + slug, title, status, detail, null, List.of());
    }

    /** One invalid field of a request. */
    public record FieldError(String field, String message) {
    }

    /** Most characters of a client value an answer or a log line quotes ({@link #excerpt}). */
    public static final int EXCERPT_LENGTH = 64;

    /**
     * A client value as a problem detail or a log line may quote it: at most {@value #EXCERPT_LENGTH} characters, then
     * {@code ...}; control, format (bidi, zero-width) and separator characters and lone surrogates as {@code ?}, so a
     * quoted value can neither bloat an answer nor forge a log line.
     */
    public static String excerpt(String value) {
        if (value == null) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        int count = 0;
        for (int i = 0; i < value.length();) {
            int cp = value.codePointAt(i);
            i += Character.charCount(cp);
            if (count++ == EXCERPT_LENGTH) {
                return b.append("...").toString();
            }
            int type = Character.getType(cp);
            boolean unsafe = Character.isISOControl(cp) || type == Character.FORMAT || type == Character.SURROGATE
                    || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR;
            b.appendCodePoint(unsafe ? '?' : cp);
        }
        return b.toString();
    }
}
