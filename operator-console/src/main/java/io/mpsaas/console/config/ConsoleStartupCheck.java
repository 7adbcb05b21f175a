package io.mpsaas.console.config;

import io.mpsaas.console.security.OperatorKeyIdentityProvider;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.config.SmallRyeConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Refuses to start a console that would be unsafe or could not work: in production without a session secret (or with
 * the development one), without the admin key it sends to the services, or with an operator or admin key shorter
 * than {@value #MIN_KEY_LENGTH} characters or starting with {@value #DEV_KEY_PREFIX} (named by its id, never shown); OpenID Connect switched on without its
 * issuer or client secret; limits out of range. Warns when nobody could sign in (no operator key, no OIDC).
 */
@ApplicationScoped
public class ConsoleStartupCheck {

    /** Prefix of the fixed secrets of the %dev and %test profiles; refused in production. */
    public static final String DEV_SECRET_PREFIX = "dev-only-";
    /** Shortest session secret: what Quarkus's form authentication needs to encrypt its cookie. */
    public static final int MIN_SECRET_LENGTH = 16;
    /** Shortest operator or admin key a production start accepts (the services' rule for their keys too). */
    public static final int MIN_KEY_LENGTH = 32;
    /** Prefix of the development keys ({@code dev-operator-key}, {@code dev-admin-key}); refused in production. */
    public static final String DEV_KEY_PREFIX = "dev-";

    void onStart(@Observes StartupEvent event, ConsoleConfig config) {
        // the profile, not the launch mode: LocalSuite runs the packaged jar with the dev profile and its dev secret
        boolean production = ConfigProvider.getConfig().unwrap(SmallRyeConfig.class).getProfiles().contains("prod");
        List<String> problems = problems(config, production);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("operator-console cannot start: " + String.join("; ", problems));
        }
        if (config.operatorKeys().map(List::isEmpty).orElse(true) && !config.oidc().enabled()) {
            Log.warn("suite.console.operator-keys is empty and OIDC is off: nobody can sign in to the console");
        }
    }

    /** What is wrong with the configuration; empty when it is fine. */
    public static List<String> problems(ConsoleConfig config, boolean production) {
        List<String> problems = new ArrayList<>();
        String secret = config.sessionSecret().orElse("");
        if (production && secret.length() < MIN_SECRET_LENGTH) {
            problems.add("suite.console.session-secret (SUITE_CONSOLE_SESSION_SECRET) must be set to a random value of"
                    + " at least " + MIN_SECRET_LENGTH + " characters, the same on every replica");
        } else if (production && secret.startsWith(DEV_SECRET_PREFIX)) {
            problems.add("suite.console.session-secret is the development secret; set a random one in production");
        }
        if (production && config.adminKey().map(String::isBlank).orElse(true)) {
            problems.add("suite.console.admin-key (SUITE_CONSOLE_ADMIN_KEY) must be one of the services'"
                    + " suite.api.admin-keys");
        }
        if (production) {
            keyProblems(problems, "suite.console.operator-keys", config.operatorKeys().orElse(List.of()));
            keyProblems(problems, "suite.console.admin-key", config.adminKey().map(List::of).orElse(List.of()));
        }
        ConsoleConfig.SignInThrottle throttle = config.signInThrottle();
        if (throttle.maxFailures() < 1 || throttle.maxClients() < 1 || throttle.window().isNegative()
                || throttle.window().isZero()) {
            problems.add("suite.console.sign-in-throttle.max-failures and max-clients must be at least 1, the window"
                    + " positive");
        }
        if (config.oidc().enabled() && (config.oidc().issuer().map(String::isBlank).orElse(true)
                || config.oidc().clientSecret().map(String::isBlank).orElse(true))) {
            problems.add("suite.console.oidc.enabled=true needs suite.console.oidc.issuer and"
                    + " suite.console.oidc.client-secret"
                    + " (SUITE_CONSOLE_OIDC_ISSUER, SUITE_CONSOLE_OIDC_CLIENT_SECRET)");
        }
        if (config.sessionMaxAge().compareTo(Duration.ofMinutes(1)) < 0
                || config.sessionMaxAge().compareTo(Duration.ofHours(24)) > 0) {
            problems.add("suite.console.session-max-age must be 1m..24h: " + config.sessionMaxAge());
        }
        range(problems, "usage-limit", config.usageLimit());
        range(problems, "failures-limit", config.failuresLimit());
        range(problems, "max-redrive-ids", config.maxRedriveIds());
        return problems;
    }

    /** Keys anyone could guess: shorter than {@link #MIN_KEY_LENGTH} or development ones; named by id, never shown. */
    private static void keyProblems(List<String> problems, String setting, List<String> keys) {
        String env = setting.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(java.util.Locale.ROOT);
        for (String key : keys) {
            String k = key.strip();
            if (k.startsWith(DEV_KEY_PREFIX)) {
                problems.add(setting + " (" + env + ") holds a development key (key "
                        + OperatorKeyIdentityProvider.keyId(k) + ", starting with " + DEV_KEY_PREFIX
                        + "); set random keys in production");
            } else if (!k.isEmpty() && k.length() < MIN_KEY_LENGTH) {
                problems.add(setting + " (" + env + ") holds a key shorter than " + MIN_KEY_LENGTH + " characters (key "
                        + OperatorKeyIdentityProvider.keyId(k) + "); use e.g. openssl rand -hex 32");
            }
        }
    }

    private static void range(List<String> problems, String key, int value) {
        if (value < 1 || value > 1000) {
            problems.add("suite.console." + key + " must be 1..1000: " + value);
        }
    }
}
