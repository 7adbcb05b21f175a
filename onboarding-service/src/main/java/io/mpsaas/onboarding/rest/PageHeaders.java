package io.mpsaas.onboarding.rest;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Security headers on every answer of the service, whichever layer produced it (the fulfillment route, Quarkus REST,
 * static files, error handlers). HTML pages also get a strict CSP (no scripts at all, forms only to this site, no
 * framing) and {@code Cache-Control: no-store}: they carry personal data, the signed reference, a CSRF token or, on
 * the retry page, the registration token, none of which may land in a disk cache. {@code Referrer-Policy: no-referrer}
 * keeps the URL of these pages out of any request the buyer makes next.
 */
@ApplicationScoped
public class PageHeaders {

    /** Runs before every other handler of the service. */
    static final int ORDER = -1000;

    static final String CSP = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self';"
            + " frame-ancestors 'none'; base-uri 'none'";

    void install(@Observes Router router) {
        router.route().order(ORDER).handler(this::handle);
    }

    void handle(RoutingContext routing) {
        routing.addHeadersEndHandler(done -> apply(routing.response().headers(), overTls(routing)));
        routing.next();
    }

    /**
     * Whether the request reached us over TLS: directly, or through the TLS-terminating proxy in front of the service
     * ({@code X-Forwarded-Proto: https} / {@code Forwarded: proto=https}, read by Quarkus because
     * {@code quarkus.http.proxy.proxy-address-forwarding} is on).
     */
    static boolean overTls(RoutingContext routing) {
        return routing.request().isSSL() || "https".equalsIgnoreCase(routing.request().scheme());
    }

    static void apply(MultiMap headers, boolean tls) {
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("Referrer-Policy", "no-referrer");
        headers.set("X-Frame-Options", "DENY");
        if (tls) {
            headers.set("Strict-Transport-Security", "max-age=31536000");
        }
        String type = headers.get(HttpHeaders.CONTENT_TYPE);
        if (type != null && type.startsWith("text/html")) {
            headers.set("Content-Security-Policy", CSP);
            headers.set(HttpHeaders.CACHE_CONTROL, "no-store");
            headers.set("Pragma", "no-cache");
        }
    }
}
