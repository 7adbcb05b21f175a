package io.mpsaas.console.security;

import io.mpsaas.console.config.ConsoleConfig;
import io.mpsaas.console.rest.ConsolePages;
import io.mpsaas.console.rest.ConsoleRoutes;
import io.quarkus.logging.Log;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Throttles failed sign-ins per client ({@code suite.console.sign-in-throttle.*}): a client (its TCP peer; IPv6 by /64,
 * as the services key their failed API keys) whose sign-in failed {@code max-failures} times within {@code window}
 * gets 429 with {@code Retry-After} on the sign-in form until its window ends, whatever it enters: the sign-in page
 * saying when to come back to a browser (one that accepts {@code text/html}), problem+json to anything else. A
 * failure is Quarkus's form authentication sending the browser to the error page. At most {@code max-clients} clients
 * are remembered (the idlest forgotten first). The console imports nothing of {@code common} (its ArchitectureTest),
 * so this is its own small copy of the services' {@code FailedAttempts}.
 */
@ApplicationScoped
public class SignInThrottle {

    /** Before Quarkus's authentication handles the form post. */
    static final int ORDER = -10_000;

    private final int maxFailures;
    private final long windowMillis;
    private final int maxClients;
    private final Clock clock;
    private final String postLocation;
    private final String errorPage;
    private final ConsolePages pages;
    /** Per client: {first failure of the window (epoch ms), failures in it}; access-ordered, idlest first. */
    private final Map<String, long[]> clients = new LinkedHashMap<>(16, 0.75f, true);

    public SignInThrottle(ConsoleConfig config,
            @ConfigProperty(name = "quarkus.http.auth.form.post-location")
            String postLocation,
            @ConfigProperty(name = "quarkus.http.auth.form.error-page")
            String errorPage, ConsolePages pages) {
        this.maxFailures = config.signInThrottle().maxFailures();
        this.windowMillis = config.signInThrottle().window().toMillis();
        this.maxClients = config.signInThrottle().maxClients();
        this.clock = Clock.systemUTC();
        this.postLocation = postLocation;
        this.errorPage = errorPage;
        this.pages = pages;
    }

    void install(@Observes Router router) {
        router.route(HttpMethod.POST, postLocation).order(ORDER).handler(this::handle);
    }

    void handle(RoutingContext routing) {
        String client = client(routing);
        long retryAfter = retryAfterSeconds(client);
        if (retryAfter > 0) {
            Log.infof("Console sign-in throttled: too many failed sign-ins from one client (%d s left)", retryAfter);
            String detail = "Too many failed sign-ins from this client; try again in " + retryAfter + " s.";
            routing.response().setStatusCode(429).putHeader(HttpHeaders.RETRY_AFTER, Long.toString(retryAfter));
            String accept = routing.request().getHeader(HttpHeaders.ACCEPT);
            if (accept != null && accept.contains("text/html")) {
                // an operator's browser: the sign-in page, saying when to come back, with the console's headers
                ConsoleRoutes.apply(routing.response().headers(), routing.request().isSSL());
                routing.response().putHeader(HttpHeaders.CONTENT_TYPE, "text/html;charset=UTF-8")
                        .end(pages.login(429, detail, null).html());
                return;
            }
            routing.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/problem+json")
                    .end("{\"type\":\"https://mpsaas.io/problems/too-many-failed-attempts\","
                            + "\"title\":\"Too many failed sign-ins\",\"status\":429,\"detail\":\"" + detail + "\"}");
            return;
        }
        routing.addHeadersEndHandler(done -> {
            String location = routing.response().headers().get(HttpHeaders.LOCATION);
            if (location != null && location.contains(errorPage)) {
                failed(client);
            }
        });
        routing.next();
    }

    synchronized long retryAfterSeconds(String client) {
        long[] entry = clients.get(client);
        long now = clock.millis();
        if (entry == null || entry[1] < maxFailures || now - entry[0] >= windowMillis) {
            return 0;
        }
        return Math.max(1, (entry[0] + windowMillis - now + 999) / 1000);
    }

    synchronized void failed(String client) {
        long now = clock.millis();
        long[] entry = clients.get(client);
        if (entry == null) {
            if (clients.size() >= maxClients) {
                Iterator<String> idlest = clients.keySet().iterator();
                idlest.next();
                idlest.remove();
            }
            entry = new long[] {now, 0};
            clients.put(client, entry);
        } else if (now - entry[0] >= windowMillis) {
            entry[0] = now;
            entry[1] = 0;
        }
        entry[1]++;
    }

    /** The TCP peer: the whole address for IPv4, the /64 for IPv6. */
    static String client(RoutingContext routing) {
        var connection = routing.request().connection();
        SocketAddress peer = connection != null ? connection.remoteAddress() : routing.request().remoteAddress();
        if (peer == null || peer.hostAddress() == null) {
            return "unknown";
        }
        try {
            InetAddress address = InetAddress.getByName(peer.hostAddress()); // a literal from the socket: no lookup
            if (address instanceof Inet6Address) {
                byte[] b = address.getAddress();
                return String.format("%x:%x:%x:%x::/64", ((b[0] & 0xff) << 8) | (b[1] & 0xff),
                        ((b[2] & 0xff) << 8) | (b[3] & 0xff), ((b[4] & 0xff) << 8) | (b[5] & 0xff),
                        ((b[6] & 0xff) << 8) | (b[7] & 0xff));
            }
            return address.getHostAddress();
        } catch (UnknownHostException e) {
            return peer.hostAddress();
        }
    }
}
