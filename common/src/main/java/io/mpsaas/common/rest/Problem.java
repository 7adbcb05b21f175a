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
}
