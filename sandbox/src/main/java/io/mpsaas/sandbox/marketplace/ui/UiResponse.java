package io.mpsaas.sandbox.marketplace.ui;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** What the web UI answers; the HTTP layer writes it as is. */
public record UiResponse(int status, String contentType, byte[] body, Map<String, String> headers) {

    private static final String HTML = "text/html; charset=utf-8";

    // The simulator's own pages need no script at all; forms only post back to the simulator.
    private static final String PAGE_POLICY = "default-src 'none'; style-src 'self'; img-src 'self' data:; "
            + "form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

    public UiResponse {
        headers = Map.copyOf(headers);
    }

    /** One of the simulator's pages. */
    static UiResponse page(int status, String html) {
        Map<String, String> headers = new LinkedHashMap<>(common());
        headers.put("Content-Security-Policy", PAGE_POLICY);
        return new UiResponse(status, HTML, html.getBytes(StandardCharsets.UTF_8), headers);
    }

    /**
     * The launch page that auto-submits the registration token to the seller: it needs its inline script and a
     * cross-site form action, so it gets no page policy (it is the simulator's launch page, unchanged).
     */
    static UiResponse launch(String html) {
        return new UiResponse(200, HTML, html.getBytes(StandardCharsets.UTF_8), common());
    }

    /** POST-redirect-GET. */
    static UiResponse redirect(String location) {
        Map<String, String> headers = new LinkedHashMap<>(common());
        headers.put("Location", location);
        return new UiResponse(303, HTML, new byte[0], headers);
    }

    static UiResponse asset(String contentType, byte[] body) {
        return new UiResponse(200, contentType, body, Map.of("Cache-Control", "max-age=300",
                "X-Content-Type-Options", "nosniff"));
    }

    private static Map<String, String> common() {
        // Pages show live state: never cache them; the launch page carries a registration token.
        // No Referrer-Policy override: the launch POST carries the browser's default Origin, as from any site.
        return Map.of("Cache-Control", "no-store", "X-Content-Type-Options", "nosniff");
    }
}
