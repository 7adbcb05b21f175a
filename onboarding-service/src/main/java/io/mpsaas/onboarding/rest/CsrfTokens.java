package io.mpsaas.onboarding.rest;

import io.quarkus.runtime.configuration.DurationConverter;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * CSRF tokens for the registration form in the format quarkus-rest-csrf verifies on {@code POST /register}
 * (double-submit: the {@code csrf-token} cookie and the {@code csrf-token} form field). The extension only issues
 * tokens on safe requests, but the form is first rendered in answer to AWS's cross-site fulfillment POST, which
 * itself must stay exempt (it can carry no token); so the pages issue them here, with the extension's documented
 * settings ({@code quarkus.rest-csrf.*}, read as configuration with the extension's defaults: nothing of its runtime
 * classes is used).
 *
 * <p>The suite signs the cookie ({@code quarkus.rest-csrf.token-signature-key} = {@code suite.onboarding.csrf-secret}):
 * it holds the token's HMAC, never the token, so each form gets a new token and the newest form's cookie wins (an
 * older tab's submit shows its form again with a fresh token, README "Two tabs"). Without a signature key a token
 * cookie the browser already holds would be reused.
 */
@ApplicationScoped
public class CsrfTokens {

    /**
     * The extension's settings this class needs ({@code quarkus.rest-csrf.*}, the extension's defaults when unset).
     *
     * @param signatureKey {@code token-signature-key}: when set, the cookie holds the token's HMAC-SHA256 under it
     */
    record Settings(String formFieldName, String cookieName, String cookiePath, Optional<String> cookieDomain,
            boolean cookieHttpOnly, boolean cookieForceSecure, Duration cookieMaxAge, int tokenSize,
            Optional<String> signatureKey) {

        static Settings from(Config config) {
            return new Settings(
                    config.getOptionalValue("quarkus.rest-csrf.form-field-name", String.class).orElse("csrf-token"),
                    config.getOptionalValue("quarkus.rest-csrf.cookie-name", String.class).orElse("csrf-token"),
                    config.getOptionalValue("quarkus.rest-csrf.cookie-path", String.class).orElse("/"),
                    config.getOptionalValue("quarkus.rest-csrf.cookie-domain", String.class),
                    config.getOptionalValue("quarkus.rest-csrf.cookie-http-only", Boolean.class).orElse(true),
                    config.getOptionalValue("quarkus.rest-csrf.cookie-force-secure", Boolean.class).orElse(false),
                    config.getOptionalValue("quarkus.rest-csrf.cookie-max-age", String.class)
                            .map(DurationConverter::parseDuration).orElse(Duration.ofHours(2)),
                    config.getOptionalValue("quarkus.rest-csrf.token-size", Integer.class).orElse(16),
                    config.getOptionalValue("quarkus.rest-csrf.token-signature-key", String.class));
        }
    }

    private final SecureRandom random = new SecureRandom();
    private volatile Settings settings;

    /** The form field the token goes in. */
    public String fieldName() {
        return settings().formFieldName();
    }

    /**
     * The token for a form in this response: the browser's current one when it holds a well-formed unsigned token
     * cookie, else a new one, set as an HttpOnly, SameSite=Lax cookie (Secure over TLS or when
     * {@code quarkus.rest-csrf.cookie-force-secure}).
     */
    public String forResponse(RoutingContext routing) {
        Settings csrf = settings();
        Cookie current = routing.request().getCookie(csrf.cookieName());
        if (csrf.signatureKey().isEmpty() && current != null && wellFormed(current.getValue(), csrf)) {
            return current.getValue();
        }
        byte[] bytes = new byte[csrf.tokenSize()];
        random.nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        String value = csrf.signatureKey().map(key -> sign(bytes, key)).orElse(token);
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

    /**
     * The token for a form shown again in answer to a submit: the submitted token, which quarkus-rest-csrf has just
     * verified against the cookie the browser holds (a signed cookie cannot give it back), or a new one when the submit
     * carried none.
     */
    public String forVerifiedSubmit(RoutingContext routing, String submitted) {
        return submitted == null || submitted.isBlank() ? forResponse(routing) : submitted;
    }

    /**
     * The cookie value of a signed token, as the extension checks it: base64url (unpadded) of the HMAC-SHA256 of the
     * token's bytes under the key's bytes.
     */
    static String sign(byte[] token, String key) {
        if (key.length() < 32) {
            throw new IllegalStateException("quarkus.rest-csrf.token-signature-key must be at least 32 characters");
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(), "HmacSHA256"));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(token));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }

    private static boolean wellFormed(String value, Settings csrf) {
        try {
            return Base64.getUrlDecoder().decode(value).length == csrf.tokenSize();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private Settings settings() {
        Settings current = settings;
        if (current == null) {
            // read when first needed (providers may be built before the runtime configuration is there)
            current = Settings.from(ConfigProvider.getConfig());
            settings = current;
        }
        return current;
    }
}
