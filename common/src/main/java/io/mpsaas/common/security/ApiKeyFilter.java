package io.mpsaas.common.security;

import io.mpsaas.common.rest.Problem;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Instance;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Refuses calls to {@link SecuredApi} endpoints without a valid key: 401 with a problem body when the key is missing
 * or wrong, 403 when an app key calls an admin endpoint, 429 with {@code Retry-After} while the client (its TCP peer;
 * IPv6 by /64) is throttled after too many wrong keys ({@code suite.api.failed-attempts.*}). Keys are compared in
 * constant time and never logged: a log line names a key by its id ({@link ApiKeys#keyId}).
 */
@Provider
@SecuredApi
@Priority(Priorities.AUTHENTICATION)
public class ApiKeyFilter implements ContainerRequestFilter {

    private static final Logger LOG = Logger.getLogger(ApiKeyFilter.class);

    // Quarkus REST builds providers at static init, before runtime config exists: look the keys up per request
    private final Instance<ApiKeysConfig> keys;

    @Context
    ResourceInfo resourceInfo;

    @Context
    HttpServerRequest httpRequest;

    /** Built at the first request, when the runtime configuration is there. */
    private volatile FailedAttempts failures;

    public ApiKeyFilter(Instance<ApiKeysConfig> keys) {
        this.keys = keys;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        ApiKeysConfig config = keys.get();
        ApiRole required = requiredRole();
        String client = client();
        long retryAfter = failures(config).retryAfterSeconds(client);
        if (retryAfter > 0) {
            request.abortWith(Response.status(429).type(Problem.MEDIA_TYPE).header(HttpHeaders.RETRY_AFTER, retryAfter)
                    .entity(Problem.of(429, "too-many-failed-attempts", "Too many failed attempts",
                            "Too many wrong API keys from this client; try again in " + retryAfter + " s."))
                    .build());
            return;
        }
        String presented = presentedKey(request);
        if (presented == null) {
            request.abortWith(refuse(401, "missing-credentials", "Missing credentials",
                    "Send an API key as 'Authorization: Bearer <key>' or 'X-Api-Key: <key>'."));
            return;
        }
        boolean admin = matches(presented, config.adminKeys().orElse(List.of()));
        boolean app = admin || matches(presented, config.keys().orElse(List.of()));
        if (!app) {
            failures(config).failed(client);
            LOG.infof("Refused %s %s: unknown API key (key %s)", request.getMethod(),
                    Problem.excerpt(request.getUriInfo().getPath()), ApiKeys.keyId(presented));
            request.abortWith(refuse(401, "invalid-credentials", "Invalid credentials",
                    "The API key is not valid."));
        } else if (required == ApiRole.ADMIN && !admin) {
            request.abortWith(refuse(403, "forbidden", "Forbidden", "This endpoint needs an admin key."));
        }
    }

    private FailedAttempts failures(ApiKeysConfig config) {
        FailedAttempts current = failures;
        if (current == null) {
            synchronized (this) {
                current = failures;
                if (current == null) {
                    ApiKeysConfig.Throttle t = config.failedAttempts();
                    current = new FailedAttempts(t.maxFailures(), t.window(), t.maxClients(), Clock.systemUTC());
                    failures = current;
                }
            }
        }
        return current;
    }

    /** The client's limit key: its TCP peer (the services' APIs are called inside the cluster, no proxy between). */
    private String client() {
        SocketAddress peer = httpRequest == null ? null
                : httpRequest.connection() != null ? httpRequest.connection().remoteAddress()
                : httpRequest.remoteAddress();
        if (peer == null || peer.hostAddress() == null) {
            return "unknown";
        }
        return ClientAddress.literal(peer.hostAddress()).map(ClientAddress::key).orElse(peer.hostAddress());
    }

    private ApiRole requiredRole() {
        if (resourceInfo != null) {
            Method method = resourceInfo.getResourceMethod();
            if (method != null && method.isAnnotationPresent(SecuredApi.class)) {
                return method.getAnnotation(SecuredApi.class).value();
            }
            Class<?> type = resourceInfo.getResourceClass();
            if (type != null && type.isAnnotationPresent(SecuredApi.class)) {
                return type.getAnnotation(SecuredApi.class).value();
            }
        }
        return ApiRole.ADMIN;
    }

    static String presentedKey(ContainerRequestContext request) {
        String authorization = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String key = authorization.substring(7).strip();
            return key.isEmpty() ? null : key;
        }
        String key = request.getHeaderString("X-Api-Key");
        return key == null || key.isBlank() ? null : key.strip();
    }

    static boolean matches(String presented, List<String> keys) {
        byte[] candidate = presented.getBytes(StandardCharsets.UTF_8);
        boolean found = false;
        for (String key : keys) {
            // check every key, constant time each, so timing tells nothing about which or how much matched
            found |= !key.isBlank() && MessageDigest.isEqual(candidate, key.strip().getBytes(StandardCharsets.UTF_8));
        }
        return found;
    }

    private static Response refuse(int status, String slug, String title, String detail) {
        Response.ResponseBuilder response = Response.status(status).type(Problem.MEDIA_TYPE)
                .entity(Problem.of(status, slug, title, detail));
        if (status == 401) {
            response.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        }
        return response.build();
    }
}
