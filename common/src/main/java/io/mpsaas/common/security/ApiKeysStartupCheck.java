package io.mpsaas.common.security;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.config.SmallRyeConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Refuses to start in production with a key anyone could guess: {@code suite.api.keys} and
 * {@code suite.api.admin-keys} entries shorter than {@value ApiKeys#MIN_LENGTH} characters or starting with
 * {@value ApiKeys#DEV_PREFIX}. The message names the setting and the key's id, never the key.
 */
@ApplicationScoped
public class ApiKeysStartupCheck {

    void onStart(@Observes StartupEvent event, ApiKeysConfig config) {
        // the profile, not the launch mode: LocalSuite runs the packaged jar with the dev profile and its dev keys
        boolean production = ConfigProvider.getConfig().unwrap(SmallRyeConfig.class).getProfiles().contains("prod");
        List<String> problems = problems(config, production);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("cannot start: " + String.join("; ", problems));
        }
    }

    /** What is wrong with the keys; empty when they are fine (always, outside production). */
    public static List<String> problems(ApiKeysConfig config, boolean production) {
        List<String> problems = new ArrayList<>();
        if (production) {
            problems.addAll(ApiKeys.problems("suite.api.keys", config.keys()));
            problems.addAll(ApiKeys.problems("suite.api.admin-keys", config.adminKeys()));
        }
        ApiKeysConfig.Throttle t = config.failedAttempts();
        if (t.maxFailures() < 1 || t.maxClients() < 1 || t.window().isNegative() || t.window().isZero()) {
            problems.add("suite.api.failed-attempts.max-failures and max-clients must be at least 1, the window"
                    + " positive");
        }
        return problems;
    }
}
