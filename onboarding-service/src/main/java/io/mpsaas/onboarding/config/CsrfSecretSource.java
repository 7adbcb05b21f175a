package io.mpsaas.onboarding.config;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * A random {@code suite.onboarding.csrf-secret} per start for the {@code %dev} and {@code %test} profiles, below every
 * other source (ordinal {@value #ORDINAL}), so a secret given in the environment or the properties wins. Production
 * gets none from here: its start refuses to run without one ({@link StartupChecks}). One replica per laptop, so a
 * secret that changes at each start only ends the forms open across a restart.
 */
public class CsrfSecretSource implements ConfigSource {

    static final int ORDINAL = 1;

    private final Map<String, String> values;

    public CsrfSecretSource() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        String secret = "dev-only-" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        values = Map.of("%dev.suite.onboarding.csrf-secret", secret, "%test.suite.onboarding.csrf-secret", secret);
    }

    @Override
    public Set<String> getPropertyNames() {
        return values.keySet();
    }

    @Override
    public String getValue(String propertyName) {
        return values.get(propertyName);
    }

    @Override
    public String getName() {
        return "onboarding per-start CSRF secret (%dev, %test)";
    }

    @Override
    public int getOrdinal() {
        return ORDINAL;
    }
}
