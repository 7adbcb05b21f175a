package io.mpsaas.console.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.mpsaas.console.config.ConsoleConfig;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OperatorSessionIdentityProviderTest {

    private static final Instant SIGN_IN = Instant.parse("2026-12-06T09:00:30Z");

    private static ConsoleConfig config(String keys) {
        return new SmallRyeConfigBuilder().withMapping(ConsoleConfig.class)
                .withSources(new PropertiesConfigSource(Map.of("suite.console.operator-keys", keys,
                        "suite.console.session-max-age", "PT8H", "suite.console.session-timeout", "PT30M",
                        // plain SmallRye reads ISO-8601 durations only (Quarkus also reads the defaults' "5m")
                        "suite.console.sign-in-throttle.window", "PT5M"), "test", 100))
                .build().getConfigMapping(ConsoleConfig.class);
    }

    private static OperatorSessionIdentityProvider at(ConsoleConfig config, Instant now) {
        return new OperatorSessionIdentityProvider(config, Clock.fixed(now, ZoneOffset.UTC));
    }

    @Test
    void aSignIn_isNamedWithItsKeyIdAndMinute_andOpensTheConsoleForItsMaximumAge() {
        ConsoleConfig config = config("first-operator-key");
        String principal = OperatorKeyIdentityProvider.principal("Ada",
                OperatorKeyIdentityProvider.keyId("first-operator-key"), SIGN_IN);
        assertThat(principal).isEqualTo("Ada (key " + OperatorKeyIdentityProvider.keyId("first-operator-key")
                + ", since 2026-12-06T09:00:00Z)");

        assertThat(at(config, SIGN_IN.plus(Duration.ofHours(7).plusMinutes(59))).valid(principal)).isTrue();
        assertThat(at(config, SIGN_IN.plus(Duration.ofHours(8))).valid(principal))
                .as("8 hours after the sign-in's minute the session ends, however active").isFalse();
        assertThat(at(config, SIGN_IN.minus(Duration.ofMinutes(10))).valid(principal))
                .as("a sign-in dated in the future is no sign-in").isFalse();
    }

    @Test
    void aRemovedKey_orAForgedName_opensNothing() {
        String principal = OperatorKeyIdentityProvider.principal("Ada",
                OperatorKeyIdentityProvider.keyId("first-operator-key"), SIGN_IN);
        assertThat(at(config("second-operator-key"), SIGN_IN).valid(principal)).isFalse();
        assertThat(at(config("first-operator-key"), SIGN_IN).valid("Ada (key "
                + OperatorKeyIdentityProvider.keyId("first-operator-key") + ")")).as("a cookie of before the maximum age")
                .isFalse();
        assertThat(at(config("first-operator-key"), SIGN_IN).valid("Ada (key "
                + OperatorKeyIdentityProvider.keyId("first-operator-key") + ", since yesterday)")).isFalse();
        assertThat(at(config("first-operator-key"), SIGN_IN).valid(null)).isFalse();
    }
}
