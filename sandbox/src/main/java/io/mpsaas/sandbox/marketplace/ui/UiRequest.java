package io.mpsaas.sandbox.marketplace.ui;

import java.util.List;
import java.util.Map;

/**
 * A browser request to the web UI, already decoded by the HTTP layer.
 *
 * @param method   HTTP method
 * @param segments the path segments after {@code /marketplace}, each percent-decoded
 * @param query    query parameters (last value wins)
 * @param form     {@code application/x-www-form-urlencoded} body parameters of a POST (empty otherwise)
 */
public record UiRequest(String method, List<String> segments, Map<String, String> query, Map<String, String> form) {

    public UiRequest {
        segments = List.copyOf(segments);
        query = Map.copyOf(query);
        form = Map.copyOf(form);
    }

    /** A query parameter, trimmed; null when absent or blank. */
    String param(String name) {
        return blankToNull(query.get(name));
    }

    /** A form field, trimmed; null when absent or blank. */
    String field(String name) {
        return blankToNull(form.get(name));
    }

    String segment(int index) {
        return segments.get(index);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
