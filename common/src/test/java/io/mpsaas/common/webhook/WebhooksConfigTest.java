package io.mpsaas.common.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code suite.webhooks.*} as the charts give it: the URL in the properties file, the secrets from the environment. */
class WebhooksConfigTest {

    static final String SECRET = "a-webhook-secret-of-at-least-32-characters";

    private static WebhooksConfig config(Map<String, String> properties, Map<String, String> env) {
        SmallRyeConfig config = new SmallRyeConfigBuilder().withMapping(WebhooksConfig.class)
                .withSources(new PropertiesConfigSource(properties, "application.properties", 250))
                .withSources(new EnvConfigSource(env, 300)).build();
        return config.getConfigMapping(WebhooksConfig.class);
    }

    @Test
    void endpointSecrets_comeFromTheEnvironment_byTheEndpointsName() {
        WebhooksConfig c = config(Map.of("suite.webhooks.endpoints.app.url", "https://93.184.215.14/hooks"),
                Map.of("SUITE_WEBHOOKS_ENDPOINTS_APP_SECRETS", SECRET + "-new," + SECRET + "-old"));
        assertThat(c.endpoints()).containsOnlyKeys("app");
        assertThat(c.endpoints().get("app").secrets()).containsExactly(SECRET + "-new", SECRET + "-old");
        assertThat(c.endpoints().get("app").products()).containsExactly("*");
        assertThat(c.retryBudget()).isGreaterThanOrEqualTo(Duration.ofHours(24));
        WebhookEndpointsCheck.check(c);
    }

    @Test
    void noEndpoint_isTheDefault_andAnEndpointWithASecretButNoUrlIsOff() {
        assertThat(config(Map.of(), Map.of()).active()).isEmpty();
        WebhooksConfig secretOnly = config(Map.of(), Map.of("SUITE_WEBHOOKS_ENDPOINTS_APP_SECRETS", SECRET));
        assertThat(secretOnly.active()).isEmpty();
        WebhookEndpointsCheck.check(secretOnly);
    }

    @Test
    void startCheck_refusesShortSecrets_http_andPrivateAddresses_withoutNamingTheSecret() {
        assertThatThrownBy(() -> WebhookEndpointsCheck.check(config(Map.of(
                "suite.webhooks.endpoints.app.url", "https://93.184.215.14/hooks",
                "suite.webhooks.endpoints.app.secrets", "short-secret"), Map.of())))
                .hasMessageContaining("at least 32").hasMessageNotContaining("short-secret");
        assertThatThrownBy(() -> WebhookEndpointsCheck.check(config(Map.of(
                "suite.webhooks.endpoints.app.url", "http://93.184.215.14/hooks",
                "suite.webhooks.endpoints.app.secrets", SECRET), Map.of()))).hasMessageContaining("https");
        assertThatThrownBy(() -> WebhookEndpointsCheck.check(config(Map.of(
                "suite.webhooks.endpoints.app.url", "https://169.254.169.254/latest",
                "suite.webhooks.endpoints.app.secrets", SECRET), Map.of()))).hasMessageContaining("link-local");
        assertThatThrownBy(() -> WebhookEndpointsCheck.check(config(Map.of(
                "suite.webhooks.endpoints.app.url", "https://93.184.215.14/hooks",
                "suite.webhooks.endpoints.app.secrets", SECRET + "1," + SECRET + "2," + SECRET + "3"), Map.of())))
                .hasMessageContaining("two");
    }
}
