package io.mpsaas.entitlement.console;

import io.mpsaas.common.security.ApiKeysConfig;
import io.mpsaas.entitlement.config.EntitlementConfig;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.config.SmallRyeConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Refuses to start with a console that would be unsafe or broken: no session secret (or the development one in
 * production), or limits that make no sense. Warns when nobody could sign in (no admin key).
 */
@ApplicationScoped
public class ConsoleStartupCheck {

    /** Prefix of the fixed secrets of the %dev and %test profiles; refused in production. */
    public static final String DEV_SECRET_PREFIX = "dev-only-";

    void onStart(@Observes StartupEvent event, EntitlementConfig config, ApiKeysConfig keys) {
        // the profile, not the launch mode: LocalSuite runs the packaged jar with the dev profile and its dev secret
        boolean production = ConfigProvider.getConfig().unwrap(SmallRyeConfig.class).getProfiles().contains("prod");
        List<String> problems = problems(config.console(), production);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("entitlement-service cannot start: " + String.join("; ", problems));
        }
        if (config.console().enabled() && keys.adminKeys().map(List::isEmpty).orElse(true)) {
            Log.warn("The operator console is on, but suite.api.admin-keys is empty: nobody can sign in");
        }
    }

    /** What is wrong with the console's configuration; empty when it is fine (or the console is off). */
    public static List<String> problems(EntitlementConfig.Console console, boolean production) {
        List<String> problems = new ArrayList<>();
        if (!console.enabled()) {
            return problems;
        }
        String secret = console.sessionSecret().orElse("");
        if (secret.length() < SessionTokens.MIN_SECRET_LENGTH) {
            problems.add("suite.entitlement.console.session-secret (SUITE_ENTITLEMENT_CONSOLE_SESSION_SECRET) must be"
                    + " set to a random value of at least " + SessionTokens.MIN_SECRET_LENGTH + " characters, or the"
                    + " console turned off (suite.entitlement.console.enabled=false)");
        } else if (production && secret.startsWith(DEV_SECRET_PREFIX)) {
            problems.add("suite.entitlement.console.session-secret is the development secret; set a random one in"
                    + " production");
        }
        if (console.sessionTtl().isNegative() || console.sessionTtl().isZero()) {
            problems.add("suite.entitlement.console.session-ttl must be positive");
        }
        if (console.sessionMaxAge().compareTo(console.sessionTtl()) < 0) {
            problems.add("suite.entitlement.console.session-max-age must be at least session-ttl");
        }
        range(problems, "page-size", console.pageSize(), 1, 1000);
        range(problems, "max-items-per-page", console.maxItemsPerPage(), 1, 100_000);
        range(problems, "search-limit", console.searchLimit(), 1, 1000);
        range(problems, "usage-limit", console.usageLimit(), 1, 5000);
        range(problems, "failures-limit", console.failuresLimit(), 1, 5000);
        range(problems, "history-limit", console.historyLimit(), 1, 1000);
        range(problems, "max-parked-messages", console.maxParkedMessages(), 1, 1000);
        range(problems, "metering-index-shards", console.meteringIndexShards(), 1, 1000);
        return problems;
    }

    private static void range(List<String> problems, String key, int value, int min, int max) {
        if (value < min || value > max) {
            problems.add("suite.entitlement.console." + key + " must be " + min + ".." + max + ": " + value);
        }
    }
}
