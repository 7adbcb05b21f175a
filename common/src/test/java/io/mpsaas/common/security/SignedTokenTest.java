package io.mpsaas.common.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** The one signed-token format: v1, the fields, an HMAC-SHA256 over both. */
class SignedTokenTest {

    private static final String SECRET = "0123456789abcdef0123456789abcdef";
    private final SignedToken tokens = new SignedToken(SECRET, 1024);

    @Test
    void aToken_isVersionFieldsAndTheHmacOfBoth() throws Exception {
        String token = tokens.sign("a2V5", "1767225600");

        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String expected = Base64.getUrlEncoder().withoutPadding().encodeToString(
                mac.doFinal("v1.a2V5.1767225600".getBytes(StandardCharsets.UTF_8)));
        assertThat(token).isEqualTo("v1.a2V5.1767225600." + expected);
    }

    @Test
    void verify_answersTheFields_ofATokenSignedWithTheSecret() {
        SignedToken.Verified verified = tokens.verify(" " + tokens.sign("x", "y", "z") + "\n", 3);

        assertThat(verified.valid()).isTrue();
        assertThat(verified.fields()).containsExactly("x", "y", "z");
    }

    @Test
    void aChangedField_oraTokenOfAnotherSecret_hasABadSignature() {
        String token = tokens.sign("x", "y");
        String other = new SignedToken("another secret of thirty-two chars!", 1024).sign("x", "y");

        assertThat(tokens.verify(token.replace(".y.", ".z."), 2).status()).isEqualTo(SignedToken.Status.BAD_SIGNATURE);
        assertThat(tokens.verify(other, 2).status()).isEqualTo(SignedToken.Status.BAD_SIGNATURE);
    }

    @Test
    void anotherSpellingOfTheSameSignatureBytes_hasABadSignature() {
        // GIVEN a token whose signature's last character carries unused bits (43 characters for 32 bytes: the last
        // one holds 4 bits of the HMAC and 2 the decoder ignores)
        String token = null;
        for (int i = 0; token == null || "AEIMQUYcgkosw048".indexOf(token.charAt(token.length() - 1)) < 0; i++) {
            token = tokens.sign("x", "y" + i);
        }
        char last = token.charAt(token.length() - 1);
        String respelled = token.substring(0, token.length() - 1) + (char) (last + 1);
        Base64.Decoder decoder = Base64.getUrlDecoder();
        assertThat(decoder.decode(respelled.substring(respelled.lastIndexOf('.') + 1))).as("the same bytes")
                .isEqualTo(decoder.decode(token.substring(token.lastIndexOf('.') + 1)));

        // THEN only the token as signed is valid
        assertThat(tokens.verify(token, 2).valid()).isTrue();
        assertThat(tokens.verify(respelled, 2).status()).isEqualTo(SignedToken.Status.BAD_SIGNATURE);
    }

    @Test
    void otherShapes_areMalformed() {
        String token = tokens.sign("x", "y");

        for (String bad : List.of("", "v1", "v2.x.y." + token.substring(token.lastIndexOf('.') + 1),
                token + ".z", token.substring(0, token.lastIndexOf('.')) + ".%%%", "x".repeat(2000))) {
            assertThat(tokens.verify(bad, 2).status()).as(bad).isEqualTo(SignedToken.Status.MALFORMED);
        }
        assertThat(tokens.verify(null, 2).status()).isEqualTo(SignedToken.Status.MALFORMED);
        assertThat(tokens.verify(token, 3).status()).isEqualTo(SignedToken.Status.MALFORMED);
    }

    @Test
    void aShortSecret_andAFieldWithADot_areRefused() {
        assertThatThrownBy(() -> new SignedToken("short", 100)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> tokens.sign("a.b")).isInstanceOf(IllegalArgumentException.class);
    }
}
