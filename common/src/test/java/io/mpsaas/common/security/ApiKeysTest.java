package io.mpsaas.common.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ApiKeysTest {

    private static final String GOOD = "0123456789abcdef0123456789abcdef";

    @Test
    void keyId_isTheFirst8HexOfTheKeysSha256_neverTheKey() {
        // GIVEN echo -n abc | sha256sum = ba7816bf...
        assertThat(ApiKeys.keyId("abc")).isEqualTo("ba7816bf");
        assertThat(ApiKeys.keyId(GOOD)).hasSize(8).doesNotContain("0123");
    }

    @Test
    void problems_nameTheSettingAndTheKeyId_forShortAndDevelopmentKeys() {
        List<String> problems = ApiKeys.problems("suite.api.admin-keys",
                Optional.of(List.of(GOOD, "short-key", "dev-" + GOOD, " ")));

        assertThat(problems).hasSize(2);
        assertThat(problems.get(0)).contains("suite.api.admin-keys", "SUITE_API_ADMIN_KEYS", "shorter than 32",
                ApiKeys.keyId("short-key")).doesNotContain("short-key)");
        assertThat(problems.get(1)).contains("development key", ApiKeys.keyId("dev-" + GOOD)).doesNotContain(GOOD);
        assertThat(String.join(" ", problems)).doesNotContain("short-key (", GOOD);
    }

    @Test
    void problems_areNone_forLongRandomKeysOrNoKeys() {
        assertThat(ApiKeys.problems("suite.api.keys", Optional.of(List.of(GOOD)))).isEmpty();
        assertThat(ApiKeys.problems("suite.api.keys", Optional.empty())).isEmpty();
    }

    @Test
    void startupCheck_refusesDevelopmentAndShortKeys_onlyInProduction() {
        ApiKeysConfig config = new ApiKeysConfig() {
            @Override
            public Optional<List<String>> keys() {
                return Optional.of(List.of("dev-app-key"));
            }

            @Override
            public Optional<List<String>> adminKeys() {
                return Optional.of(List.of(GOOD, "admin"));
            }

            @Override
            public Throttle failedAttempts() {
                return new Throttle() {
                    @Override
                    public int maxFailures() {
                        return 10;
                    }

                    @Override
                    public java.time.Duration window() {
                        return java.time.Duration.ofMinutes(5);
                    }

                    @Override
                    public int maxClients() {
                        return 10_000;
                    }
                };
            }
        };

        assertThat(ApiKeysStartupCheck.problems(config, false)).isEmpty();
        assertThat(ApiKeysStartupCheck.problems(config, true)).hasSize(2)
                .anySatisfy(p -> assertThat(p).startsWith("suite.api.keys (SUITE_API_KEYS) holds a development key"))
                .anySatisfy(p -> assertThat(p).startsWith("suite.api.admin-keys (SUITE_API_ADMIN_KEYS) holds a key"
                        + " shorter than 32"))
                .noneSatisfy(p -> assertThat(p).contains("dev-app-key"));
    }
}
