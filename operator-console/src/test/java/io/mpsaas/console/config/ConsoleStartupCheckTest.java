package io.mpsaas.console.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConsoleStartupCheckTest {

    @Test
    void production_refusesAMissingOrDevelopmentSecret_andAMissingAdminKey() {
        assertThat(ConsoleStartupCheck.problems(config(null, null, 200), true)).hasSize(2)
                .anySatisfy(p -> assertThat(p).contains("suite.console.session-secret"))
                .anySatisfy(p -> assertThat(p).contains("suite.console.admin-key"));
        assertThat(ConsoleStartupCheck.problems(config("dev-only-operator-console-secret", KEY, 200), true))
                .singleElement().satisfies(p -> assertThat(p).contains("development secret"));
        assertThat(ConsoleStartupCheck.problems(config("a-random-secret-of-32-characters", KEY, 200), true))
                .isEmpty();
    }

    @Test
    void production_refusesShortOrDevelopmentKeys_namingTheSettingAndTheKeyId_neverTheKey() {
        // GIVEN the development admin key, and an operator key of 9 characters
        List<String> problems = ConsoleStartupCheck.problems(config("a-random-secret-of-32-characters",
                "dev-admin-key", 200, oidc(false, null, null), Duration.ofHours(8), List.of(KEY, "short-key")), true);

        assertThat(problems).hasSize(2)
                .anySatisfy(p -> assertThat(p).startsWith("suite.console.operator-keys (SUITE_CONSOLE_OPERATOR_KEYS)"
                        + " holds a key shorter than 32 characters (key ")
                        .contains(io.mpsaas.console.security.OperatorKeyIdentityProvider.keyId("short-key")))
                .anySatisfy(p -> assertThat(p).startsWith("suite.console.admin-key (SUITE_CONSOLE_ADMIN_KEY) holds a"
                        + " development key"))
                .noneSatisfy(p -> assertThat(p).contains("short-key", "dev-admin-key"));
        // AND outside production the development keys start
        assertThat(ConsoleStartupCheck.problems(config(null, "dev-admin-key", 200, oidc(false, null, null),
                Duration.ofHours(8), List.of("dev-operator-key")), false)).isEmpty();
    }

    /** A key of 32 characters, as production needs. */
    private static final String KEY = "0123456789abcdef0123456789abcdef";


    @Test
    void dev_andTest_startWithTheirFixedSecret_butNotWithLimitsOutOfRange() {
        assertThat(ConsoleStartupCheck.problems(config(null, null, 200), false)).isEmpty();
        assertThat(ConsoleStartupCheck.problems(config(null, null, 0), false)).singleElement()
                .satisfies(p -> assertThat(p).contains("suite.console.usage-limit"));
    }

    @Test
    void oidc_needsItsIssuerAndClientSecret_andTheSessionAgeIsBounded() {
        assertThat(ConsoleStartupCheck.problems(config(null, null, 200, oidc(true, null, null), Duration.ofHours(8)),
                false)).singleElement().satisfies(p -> assertThat(p).contains("suite.console.oidc.issuer",
                        "suite.console.oidc.client-secret"));
        assertThat(ConsoleStartupCheck.problems(config(null, null, 200,
                oidc(true, "https://idp.example.com/realms/sellers", "s3cret"), Duration.ofHours(8)), false)).isEmpty();
        assertThat(ConsoleStartupCheck.problems(config(null, null, 200, oidc(false, null, null), Duration.ofDays(2)),
                false)).singleElement().satisfies(p -> assertThat(p).contains("suite.console.session-max-age"));
    }

    private static ConsoleConfig config(String secret, String adminKey, int usageLimit) {
        return config(secret, adminKey, usageLimit, oidc(false, null, null), Duration.ofHours(8));
    }

    private static ConsoleConfig.Oidc oidc(boolean enabled, String issuer, String clientSecret) {
        return new ConsoleConfig.Oidc() {
            @Override
            public boolean enabled() {
                return enabled;
            }

            @Override
            public Optional<String> issuer() {
                return Optional.ofNullable(issuer);
            }

            @Override
            public String clientId() {
                return "operator-console";
            }

            @Override
            public Optional<String> clientSecret() {
                return Optional.ofNullable(clientSecret);
            }

            @Override
            public String operatorGroup() {
                return "mpsaas-operators";
            }

            @Override
            public String nameClaim() {
                return "sub";
            }
        };
    }

    private static ConsoleConfig config(String secret, String adminKey, int usageLimit, ConsoleConfig.Oidc oidc,
            Duration maxAge) {
        return config(secret, adminKey, usageLimit, oidc, maxAge, List.of(KEY));
    }

    private static ConsoleConfig config(String secret, String adminKey, int usageLimit, ConsoleConfig.Oidc oidc,
            Duration maxAge, List<String> operatorKeys) {
        return new ConsoleConfig() {
            @Override
            public String entitlementUrl() {
                return "http://entitlement-service";
            }

            @Override
            public String meteringUrl() {
                return "http://metering-service";
            }

            @Override
            public int connectTimeoutMs() {
                return 2000;
            }

            @Override
            public int readTimeoutMs() {
                return 10000;
            }

            @Override
            public Duration sessionTimeout() {
                return Duration.ofMinutes(30);
            }

            @Override
            public Duration sessionMaxAge() {
                return maxAge;
            }

            @Override
            public ConsoleConfig.Oidc oidc() {
                return oidc;
            }

            @Override
            public Optional<List<String>> operatorKeys() {
                return Optional.of(operatorKeys);
            }

            @Override
            public Optional<String> adminKey() {
                return Optional.ofNullable(adminKey);
            }

            @Override
            public Optional<String> sessionSecret() {
                return Optional.ofNullable(secret);
            }

            @Override
            public ConsoleConfig.SignInThrottle signInThrottle() {
                return new ConsoleConfig.SignInThrottle() {
                    @Override
                    public int maxFailures() {
                        return 10;
                    }

                    @Override
                    public Duration window() {
                        return Duration.ofMinutes(5);
                    }

                    @Override
                    public int maxClients() {
                        return 10_000;
                    }
                };
            }

            @Override
            public int usageLimit() {
                return usageLimit;
            }

            @Override
            public int failuresLimit() {
                return 200;
            }

            @Override
            public int maxRedriveIds() {
                return 200;
            }
        };
    }
}
