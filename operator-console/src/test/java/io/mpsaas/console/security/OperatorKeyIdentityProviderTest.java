package io.mpsaas.console.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class OperatorKeyIdentityProviderTest {

    @Test
    void aKey_matchesOnlyAConfiguredOperatorKey_inFull() {
        List<String> keys = List.of("first-operator-key", " second-operator-key ", "");
        assertThat(OperatorKeyIdentityProvider.matches("first-operator-key", keys)).isTrue();
        assertThat(OperatorKeyIdentityProvider.matches("second-operator-key", keys)).isTrue();
        assertThat(OperatorKeyIdentityProvider.matches("first-operator", keys)).isFalse();
        assertThat(OperatorKeyIdentityProvider.matches("first-operator-key-and-more", keys)).isFalse();
        assertThat(OperatorKeyIdentityProvider.matches("", keys)).as("a blank configured key opens nothing").isFalse();
        assertThat(OperatorKeyIdentityProvider.matches("anything", List.of())).isFalse();
    }

    @Test
    void aName_isOneToSixtyFourCharacters_withoutControlCharacters() {
        assertThat(OperatorKeyIdentityProvider.validName("Ada")).isTrue();
        assertThat(OperatorKeyIdentityProvider.validName("")).isFalse();
        assertThat(OperatorKeyIdentityProvider.validName("a".repeat(65))).isFalse();
        assertThat(OperatorKeyIdentityProvider.validName("Ada\nINFO forged log line")).isFalse();
    }

    @Test
    void theKeyId_namesAKeyWithoutRevealingIt() {
        String id = OperatorKeyIdentityProvider.keyId("first-operator-key");
        assertThat(id).hasSize(8).matches("[0-9a-f]{8}").isEqualTo(OperatorKeyIdentityProvider.keyId(
                "first-operator-key"));
        assertThat(OperatorKeyIdentityProvider.keyId("second-operator-key")).isNotEqualTo(id);
    }
}
