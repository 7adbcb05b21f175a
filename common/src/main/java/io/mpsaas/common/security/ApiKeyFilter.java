package io.mpsaas.common.security;

import io.mpsaas.common.rest.Problem;
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
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Refuses calls to {@link SecuredApi} endpoints without a valid key: 401 with a problem body when the key is missing
 * or wrong, 403 when an app key calls an admin endpoint. Keys are compared in constant time and never logged.
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

    public ApiKeyFilter(Instance<ApiKeysConfig> keys) {
        this.keys = keys;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        ApiKeysConfig config = keys.get();
        ApiRole required = requiredRole();
        String presented = presentedKey(request);
        if (presented == null) {
            request.abortWith(refuse(401, "missing-credentials", "Missing credentials",
                    "Send an API key as 'Authorization: Bearer <key>' or 'X-Api-Key: <key>'."));
            return;
        }
        boolean admin = matches(presented, config.adminKeys().orElse(List.of()));
        boolean app = admin || matches(presented, config.keys().orElse(List.of()));
        if (!app) {
            LOG.infof("Refused %s %s: unknown API key", request.getMethod(), request.getUriInfo().getPath());
            request.abortWith(refuse(401, "invalid-credentials", "Invalid credentials",
                    "The API key is not valid."));
        } else if (required == ApiRole.ADMIN && !admin) {
            request.abortWith(refuse(403, "forbidden", "Forbidden", "This endpoint needs an admin key."));
        }
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
