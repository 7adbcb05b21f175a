package io.mpsaas.onboarding.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.csrf.reactive.runtime.CsrfTokenUtils;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The registration form's CSRF tokens match what quarkus-rest-csrf checks. The main code reads only the extension's
 * documented configuration; this test holds it against the extension's own runtime (its signer), so that a change of
 * the extension's format fails here rather than at a buyer's submit.
 */
class CsrfTokensTest {

    @Test
    void aSignedToken_isTheExtensionsSignature() {
        byte[] token = "0123456789abcdef".getBytes(StandardCharsets.UTF_8);
        String key = "k".repeat(40);

        assertThat(CsrfTokens.sign(token, key)).isEqualTo(CsrfTokenUtils.signCsrfToken(token, key));
    }

    @Test
    void aSignatureKeyShorterThan32Characters_isRefused() {
        assertThatThrownBy(() -> CsrfTokens.sign(new byte[16], "short")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void settings_areTheExtensionsDefaults_whenUnset() {
        CsrfTokens.Settings settings = CsrfTokens.Settings.from(new SmallRyeConfigBuilder().build());

        assertThat(settings.formFieldName()).isEqualTo("csrf-token");
        assertThat(settings.cookieName()).isEqualTo("csrf-token");
        assertThat(settings.cookiePath()).isEqualTo("/");
        assertThat(settings.cookieDomain()).isEmpty();
        assertThat(settings.cookieHttpOnly()).isTrue();
        assertThat(settings.cookieForceSecure()).isFalse();
        assertThat(settings.cookieMaxAge()).isEqualTo(Duration.ofHours(2));
        assertThat(settings.tokenSize()).isEqualTo(16);
        assertThat(settings.signatureKey()).isEmpty();
    }

    @Test
    void settings_followTheExtensionsKeys() {
        CsrfTokens.Settings settings = CsrfTokens.Settings.from(new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(Map.of(
                        "quarkus.rest-csrf.form-field-name", "f",
                        "quarkus.rest-csrf.cookie-name", "c",
                        "quarkus.rest-csrf.cookie-force-secure", "true",
                        "quarkus.rest-csrf.cookie-max-age", "30M",
                        "quarkus.rest-csrf.token-size", "32"), "test", 500))
                .build());

        assertThat(settings.formFieldName()).isEqualTo("f");
        assertThat(settings.cookieName()).isEqualTo("c");
        assertThat(settings.cookieForceSecure()).isTrue();
        assertThat(settings.cookieMaxAge()).isEqualTo(Duration.ofMinutes(30));
        assertThat(settings.tokenSize()).isEqualTo(32);
    }
}
