package io.mpsaas.console.rest;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Security headers on every answer under {@code /console}, whichever layer produced it (pages, redirects, the
 * stylesheet, error answers): a CSP without any script and with {@code frame-ancestors 'none'}, no framing, no
 * sniffing, no referrer (customer keys are in the console's URLs) and {@code Cache-Control: no-store}, since the pages
 * show registrations (personal data) and carry CSRF tokens. HSTS over TLS.
 */
@ApplicationScoped
public class ConsoleRoutes {

    static final String CSP = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self';"
            + " frame-ancestors 'none'; base-uri 'none'";

    private final ConsolePaths paths;

    public ConsoleRoutes(ConsolePaths paths) {
        this.paths = paths;
    }

    void install(@Observes Router router) {
        router.route().order(-1000).handler(this::handle);
    }

    void handle(RoutingContext routing) {
        String path = routing.normalizedPath();
        if (path.equals(paths.root()) || path.startsWith(paths.root() + "/")) {
            routing.addHeadersEndHandler(done -> apply(routing.response().headers(), routing.request().isSSL()));
        }
        routing.next();
    }

    /** Sets the headers on an answer written before this class's route ran (the sign-in throttle's page). */
    public static void apply(MultiMap headers, boolean tls) {
        headers.set("Content-Security-Policy", CSP);
        headers.set("X-Frame-Options", "DENY");
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("Referrer-Policy", "no-referrer");
        headers.set("Cross-Origin-Opener-Policy", "same-origin");
        headers.set(HttpHeaders.CACHE_CONTROL, "no-store");
        headers.set("Pragma", "no-cache");
        if (tls) {
            headers.set("Strict-Transport-Security", "max-age=31536000");
        }
    }
}
