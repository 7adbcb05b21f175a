package io.mpsaas.onboarding.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.runtime.configuration.MemorySize;
import java.math.BigInteger;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StartupChecksTest {

    @Test
    void production_refusesToStart_withoutASecret_orWithTheDevelopmentOne() {
        assertThat(StartupChecks.problems(config(null, "/", null), true))
                .singleElement().asString().contains("suite.onboarding.signing-secret");
        assertThat(StartupChecks.problems(config("dev-only-onboarding-signing-secret-not-for-production", "/", null),
                true)).singleElement().asString().contains("development secret");
        assertThat(StartupChecks.problems(config("dev-only-onboarding-signing-secret-not-for-production", "/", null),
                false)).isEmpty();
        assertThat(StartupChecks.problems(config("k3Jq9vX2mP7rT5wY8zA1bC4dE6fG0hI2", "/", null), true))
                .isEmpty();
    }

    @Test
    void fulfillmentPath_mustNotHideTheServicesOwnPages() {
        String secret = "k3Jq9vX2mP7rT5wY8zA1bC4dE6fG0hI2";
        assertThat(StartupChecks.problems(config(secret, "/register", null), true)).isNotEmpty();
        assertThat(StartupChecks.problems(config(secret, "/q/health", null), true)).isNotEmpty();
        assertThat(StartupChecks.problems(config(secret, "marketplace", null), true)).isNotEmpty();
        assertThat(StartupChecks.problems(config(secret, "/marketplace/landing", null), true)).isEmpty();
    }

    @Test
    void badExtraField_isReportedWithItsKey() {
        assertThat(StartupChecks.problems(config("k3Jq9vX2mP7rT5wY8zA1bC4dE6fG0hI2", "/", "(unclosed"),
                true)).singleElement().asString()
                .contains("suite.onboarding.form.extra-fields[0].pattern");
    }

    @Test
    void rateLimit_mustAllowAtLeastOneRequest() {
        String secret = "k3Jq9vX2mP7rT5wY8zA1bC4dE6fG0hI2";
        assertThat(StartupChecks.problems(config(secret, "/", null, 0), true)).singleElement().asString()
                .contains("suite.onboarding.rate-limit");
    }

    static OnboardingConfig config(String secret, String path, String pattern) {
        return config(secret, path, pattern, 20);
    }

    /** A CSRF secret as production needs one. */
    static final String CSRF = "Zq8wX3vB6nM1kL4jH7gF0dS2aP5oI9uY";

    @Test
    void production_refusesToStart_withoutACsrfSecret_orWithADevelopmentOne() {
        String secret = "k3Jq9vX2mP7rT5wY8zA1bC4dE6fG0hI2";
        assertThat(StartupChecks.problems(config(secret, "/", null, 20, null, null), true)).singleElement()
                .asString().contains("suite.onboarding.csrf-secret (SUITE_ONBOARDING_CSRF_SECRET)");
        assertThat(StartupChecks.problems(config(secret, "/", null, 20, "dev-only-" + CSRF, null), true))
                .singleElement().asString().contains("suite.onboarding.csrf-secret is a development secret");
        // outside production the per-start secret (or none) is fine
        assertThat(StartupChecks.problems(config(secret, "/", null, 20, null, null), false)).isEmpty();
    }

    @Test
    void trustedProxies_mustBeAddressesOrCidrs() {
        String secret = "k3Jq9vX2mP7rT5wY8zA1bC4dE6fG0hI2";
        assertThat(StartupChecks.problems(config(secret, "/", null, 20, CSRF, List.of("10.0.0.0/16", "2001:db8::/32")),
                true)).isEmpty();
        assertThat(StartupChecks.problems(config(secret, "/", null, 20, CSRF, List.of("10.0.0.0/16", "alb.internal")),
                true)).singleElement().asString().contains("suite.onboarding.trusted-proxies", "alb.internal");
    }

    static OnboardingConfig config(String secret, String path, String pattern, int burst) {
        return config(secret, path, pattern, burst, CSRF, null);
    }

    @Test
    void publicUrl_mustBeASchemeAndHost_andV1IsReserved() {
        String secret = "k3Jq9vX2mP7rT5wY8zA1bC4dE6fG0hI2";
        assertThat(StartupChecks.problems(config(secret, "/", null, 20, CSRF, null,
                URI.create("https://saas.example.com")), true)).isEmpty();
        assertThat(StartupChecks.problems(config(secret, "/", null, 20, CSRF, null,
                URI.create("https://saas.example.com/onboarding")), true)).singleElement().asString()
                .contains("suite.onboarding.public-url");
        assertThat(StartupChecks.problems(config(secret, "/", null, 20, CSRF, null,
                URI.create("ftp://saas.example.com")), true)).singleElement().asString()
                .contains("suite.onboarding.public-url");
        assertThat(StartupChecks.problems(config(secret, "/", null, 20, CSRF, null,
                URI.create("https://saas.example.com/?x=1")), true)).singleElement().asString()
                .contains("suite.onboarding.public-url");
        assertThat(StartupChecks.problems(config(secret, "/v1/landing", null, 20, CSRF, null), true)).isNotEmpty();
    }

    static OnboardingConfig config(String secret, String path, String pattern, int burst, String csrf,
            List<String> trustedProxies) {
        return config(secret, path, pattern, burst, csrf, trustedProxies, null);
    }

    static OnboardingConfig config(String secret, String path, String pattern, int burst, String csrf,
            List<String> trustedProxies, URI publicUrl) {
        OnboardingConfig.RateLimit limit = new OnboardingConfig.RateLimit() {
            public boolean enabled() {
                return true;
            }

            public int burst() {
                return burst;
            }

            public int perMinute() {
                return 60;
            }

            public int maxClients() {
                return 100;
            }
        };
        OnboardingConfig.ExtraField field = new OnboardingConfig.ExtraField() {
            public String name() {
                return "seats";
            }

            public String label() {
                return "Seats";
            }

            public boolean required() {
                return false;
            }

            public int maxLength() {
                return 10;
            }

            public Optional<String> pattern() {
                return Optional.ofNullable(pattern);
            }

            public Optional<String> hint() {
                return Optional.empty();
            }
        };
        OnboardingConfig.Form form = new OnboardingConfig.Form() {
            public boolean phoneRequired() {
                return false;
            }

            public Optional<List<OnboardingConfig.ExtraField>> extraFields() {
                return Optional.of(List.of(field));
            }
        };
        return new OnboardingConfig() {
            public String fulfillmentPath() {
                return path;
            }

            public Optional<String> signingSecret() {
                return Optional.ofNullable(secret);
            }

            public Optional<String> csrfSecret() {
                return Optional.ofNullable(csrf);
            }

            public Optional<List<String>> trustedProxies() {
                return Optional.ofNullable(trustedProxies);
            }

            public Duration referenceTtl() {
                return Duration.ofHours(1);
            }

            public MemorySize maxBodySize() {
                return new MemorySize(BigInteger.valueOf(65536));
            }

            public Optional<String> productName() {
                return Optional.of("P");
            }

            public java.util.Map<String, Product> products() {
                return java.util.Map.of();
            }

            public Optional<URI> productUrl() {
                return Optional.empty();
            }

            public Optional<String> productLinkLabel() {
                return Optional.empty();
            }

            public Optional<String> supportContact() {
                return Optional.empty();
            }

            public URI marketplaceUrl() {
                return URI.create("https://aws.amazon.com/marketplace/library");
            }

            public Optional<List<String>> nextSteps() {
                return Optional.empty();
            }

            public Form form() {
                return form;
            }

            public Duration eventRetryInterval() {
                return Duration.ofMinutes(1);
            }

            public Duration eventRetryAfter() {
                return Duration.ofMinutes(2);
            }

            public RateLimit rateLimit() {
                return limit;
            }

            public Optional<URI> publicUrl() {
                return Optional.ofNullable(publicUrl);
            }

            public ApiPurchase apiPurchase() {
                return () -> Duration.ofDays(7);
            }
        };
    }
}
