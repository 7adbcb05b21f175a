package io.mpsaas.entitlement.console;

import io.mpsaas.common.security.ApiKeysConfig;
import io.mpsaas.entitlement.config.EntitlementConfig;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Who may use the console: an operator who entered an admin key ({@code suite.api.admin-keys}) on the login page. The
 * browser then holds only the session cookie: HttpOnly, SameSite=Strict, Secure over TLS, limited to the console's
 * path, carrying a signed short-lived token ({@link SessionTokens}), never the key.
 *
 * <p>CSRF: every console form carries a token in the field {@value #CSRF_FIELD}. With a session it is the session's
 * ({@link SessionTokens#csrfToken}: nobody without the console secret can make it); the login form, before any
 * session, uses a random token in a SameSite=Strict cookie and the form (double submit), so a cross-site page cannot
 * sign an operator in with its own key. quarkus-rest-csrf is not used: it checks every unsafe request of the service,
 * and would change the JSON API's answers.
 */
@ApplicationScoped
public class ConsoleAuth {

    /** Name of the session cookie. */
    public static final String COOKIE = "mpsaas_console";
    /** Routing-context key of the current request's session, set by {@link ConsoleFilters}. */
    static final String SESSION = "console.session";
    /** Form field of the CSRF token. */
    public static final String CSRF_FIELD = "csrf";
    /** Cookie of the login form's CSRF token. */
    public static final String LOGIN_CSRF_COOKIE = "mpsaas_console_login";
    private static final String LOGIN_CSRF = "console.login-csrf";
    private static final int LOGIN_CSRF_BYTES = 24;
    private static final long LOGIN_CSRF_SECONDS = 3600;

    private final SecureRandom random = new SecureRandom();

    private final EntitlementConfig.Console config;
    private final ApiKeysConfig keys;
    private final Clock clock;
    private final ConsolePaths paths;
    private volatile SessionTokens tokens;

    public ConsoleAuth(EntitlementConfig config, ApiKeysConfig keys, Clock clock, ConsolePaths paths) {
        this.config = config.console();
        this.keys = keys;
        this.clock = clock;
        this.paths = paths;
    }

    /** A session for the key entered on the login page, if it is an admin key. */
    public Optional<SessionTokens.Session> login(String presentedKey) {
        return tokens().login(presentedKey, adminKeys());
    }

    /** The valid session of this request's cookie, if any. */
    public Optional<SessionTokens.Session> session(RoutingContext routing) {
        Cookie cookie = routing.request().getCookie(COOKIE);
        return cookie == null ? Optional.empty() : tokens().verify(cookie.getValue(), adminKeys());
    }

    /** Sets the session cookie on the response. */
    public void setCookie(RoutingContext routing, SessionTokens.Session session) {
        routing.response().addCookie(cookie(routing, COOKIE, tokens().token(session), tokens().secondsLeft(session)));
    }

    /** Sets a renewed cookie when the session is past half its idle timeout. */
    public void renewIfDue(RoutingContext routing, SessionTokens.Session session) {
        tokens().renewal(session).ifPresent(renewed -> setCookie(routing, renewed));
    }

    /** Removes the session cookie (logout). */
    public void clearCookie(RoutingContext routing) {
        routing.response().addCookie(cookie(routing, COOKIE, "", 0));
    }

    /**
     * The CSRF token for this response's forms: the session's, or without a session the login form's (set as a cookie
     * when the browser has none yet).
     */
    public String csrfToken(RoutingContext routing, SessionTokens.Session session) {
        if (session != null) {
            return tokens().csrfToken(session);
        }
        String issued = routing.get(LOGIN_CSRF);
        if (issued != null) {
            return issued;
        }
        Cookie current = routing.request().getCookie(LOGIN_CSRF_COOKIE);
        String token = current == null ? null : current.getValue();
        if (!wellFormed(token)) {
            byte[] bytes = new byte[LOGIN_CSRF_BYTES];
            random.nextBytes(bytes);
            token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            routing.response().addCookie(cookie(routing, LOGIN_CSRF_COOKIE, token, LOGIN_CSRF_SECONDS));
        }
        routing.put(LOGIN_CSRF, token);
        return token;
    }

    /** Whether a form's token is the session's, or for the login form ({@code session} null) the cookie's. */
    public boolean csrfValid(RoutingContext routing, SessionTokens.Session session, String presented) {
        String expected;
        if (session != null) {
            expected = tokens().csrfToken(session);
        } else {
            Cookie cookie = routing.request().getCookie(LOGIN_CSRF_COOKIE);
            expected = cookie == null ? null : cookie.getValue();
        }
        return presented != null && wellFormed(expected) && MessageDigest.isEqual(
                expected.getBytes(StandardCharsets.US_ASCII), presented.getBytes(StandardCharsets.US_ASCII));
    }

    private static boolean wellFormed(String token) {
        return token != null && token.length() >= 32 && token.length() <= 64
                && token.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '-' || c == '_');
    }

    private Cookie cookie(RoutingContext routing, String name, String value, long maxAgeSeconds) {
        return Cookie.cookie(name, value)
                .setPath(paths.root())
                .setHttpOnly(true)
                .setSameSite(CookieSameSite.STRICT)
                .setSecure(config.cookieForceSecure() || routing.request().isSSL())
                .setMaxAge(maxAgeSeconds);
    }

    private List<String> adminKeys() {
        return keys.adminKeys().orElse(List.of());
    }

    private SessionTokens tokens() {
        SessionTokens current = tokens;
        if (current == null) {
            // ConsoleStartupCheck refused to start without a usable secret while the console is enabled
            current = new SessionTokens(config.sessionSecret().orElse(""), config.sessionTtl(), config.sessionMaxAge(),
                    clock);
            tokens = current;
        }
        return current;
    }
}
