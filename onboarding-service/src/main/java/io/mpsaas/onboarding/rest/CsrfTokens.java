package io.mpsaas.onboarding.rest;

import io.quarkus.csrf.reactive.runtime.CsrfTokenUtils;
import io.quarkus.csrf.reactive.runtime.RestCsrfConfig;
import io.smallrye.config.SmallRyeConfig;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.SecureRandom;
import java.util.Base64;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * CSRF tokens for the registration form in the format quarkus-rest-csrf verifies on {@code POST /register}
 * (double-submit: the {@code csrf-token} cookie and the {@code csrf-token} form field). The extension only issues
 * tokens on safe requests, but the form is first rendered in answer to AWS's cross-site fulfillment POST, which
 * itself must stay exempt (it can carry no token); so the pages issue them here, with the extension's settings
 * ({@code quarkus.rest-csrf.*}).
 *
 * <p>A token cookie the browser already holds is reused, so a form rendered again (after field errors, or after a
 * failed check) and a form in another tab of the same buyer keep working.
 */
@ApplicationScoped
public class CsrfTokens {

    private final SecureRandom random = new SecureRandom();
    private volatile RestCsrfConfig config;

    /** The form field the token goes in. */
    public String fieldName() {
        return config().formFieldName();
    }

    /**
     * The token for a form in this response: the browser's current one when it holds a well-formed unsigned token
     * cookie, else a new one, set as an HttpOnly, SameSite=Lax cookie (Secure over TLS or when
     * {@code quarkus.rest-csrf.cookie-force-secure}).
     */
    public String forResponse(RoutingContext routing) {
        RestCsrfConfig csrf = config();
        Cookie current = routing.request().getCookie(csrf.cookieName());
        if (csrf.tokenSignatureKey().isEmpty() && current != null && wellFormed(current.getValue(), csrf)) {
            return current.getValue();
        }
        byte[] bytes = new byte[csrf.tokenSize()];
        random.nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        String value = csrf.tokenSignatureKey().map(key -> CsrfTokenUtils.signCsrfToken(bytes, key)).orElse(token);
        Cookie cookie = Cookie.cookie(csrf.cookieName(), value)
                .setPath(csrf.cookiePath())
                .setHttpOnly(csrf.cookieHttpOnly())
                .setSecure(csrf.cookieForceSecure() || routing.request().isSSL())
                .setMaxAge(csrf.cookieMaxAge().toSeconds())
                .setSameSite(CookieSameSite.LAX);
        csrf.cookieDomain().ifPresent(cookie::setDomain);
        routing.response().addCookie(cookie);
        return token;
    }

    private static boolean wellFormed(String value, RestCsrfConfig csrf) {
        try {
            return Base64.getUrlDecoder().decode(value).length == csrf.tokenSize();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private RestCsrfConfig config() {
        RestCsrfConfig current = config;
        if (current == null) {
            // the extension's own runtime mapping, read when first needed (providers may be built before runtime config)
            current = ConfigProvider.getConfig().unwrap(SmallRyeConfig.class).getConfigMapping(RestCsrfConfig.class);
            config = current;
        }
        return current;
    }
}
