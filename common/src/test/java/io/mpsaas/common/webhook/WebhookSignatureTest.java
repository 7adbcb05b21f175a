package io.mpsaas.common.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.mpsaas.common.webhook.WebhookSignature.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class WebhookSignatureTest {

    // the vector of the README: printf '%s' "$TS.$BODY" | openssl dgst -sha256 -hmac "$SECRET"
    static final String SECRET = "whsec-test-0123456789abcdef0123456789";
    static final String OLD_SECRET = "whsec-old-0123456789abcdef0123456789ab";
    static final String BODY = "{\"id\":\"evt-1\",\"type\":\"customer-activated\"}";
    static final long TS = 1764979200L;
    static final String HEX = "af139b999d3ce5e27e00ca87d49b015af162eb5e30679098c4434056ff5234ac";
    static final String OLD_HEX = "83201d0a7de5d56c80b2ede908f35a5c7b3e0f3e90b46d59501949dfdc3b34f1";
    static final Duration TOLERANCE = Duration.ofMinutes(5);

    @Test
    void header_isTheHmacOfTimestampDotBody_onePerSecret_matchingOpenssl() {
        assertThat(WebhookSignature.header(List.of(SECRET), TS, BODY)).isEqualTo("v1=" + HEX);
        assertThat(WebhookSignature.header(List.of(SECRET, OLD_SECRET), TS, BODY))
                .isEqualTo("v1=" + HEX + " v1=" + OLD_HEX);
    }

    @Test
    void verify_acceptsAnyActiveSecret_duringARotation() {
        Instant now = Instant.ofEpochSecond(TS + 60);
        String both = "v1=" + HEX + " v1=" + OLD_HEX;
        // a receiver that knows only the new secret, or only the old one, accepts a delivery signed with both
        assertThat(WebhookSignature.verify(Long.toString(TS), both, BODY, List.of(SECRET), TOLERANCE, now))
                .isEqualTo(Verdict.VALID);
        assertThat(WebhookSignature.verify(Long.toString(TS), both, BODY, List.of(OLD_SECRET), TOLERANCE, now))
                .isEqualTo(Verdict.VALID);
        assertThat(WebhookSignature.verify(Long.toString(TS), "v1=" + OLD_HEX, BODY, List.of(SECRET), TOLERANCE, now))
                .isEqualTo(Verdict.BAD_SIGNATURE);
    }

    @Test
    void verify_refusesATamperedBody_aStaleOrFutureTimestamp_andMissingHeaders() {
        Instant now = Instant.ofEpochSecond(TS);
        assertThat(WebhookSignature.verify(Long.toString(TS), "v1=" + HEX, BODY.replace("evt-1", "evt-2"),
                List.of(SECRET), TOLERANCE, now)).isEqualTo(Verdict.BAD_SIGNATURE);
        assertThat(WebhookSignature.verify(Long.toString(TS), "v1=" + HEX, BODY, List.of(SECRET), TOLERANCE,
                now.plus(Duration.ofMinutes(6)))).isEqualTo(Verdict.STALE_TIMESTAMP);
        assertThat(WebhookSignature.verify(Long.toString(TS), "v1=" + HEX, BODY, List.of(SECRET), TOLERANCE,
                now.minus(Duration.ofMinutes(6)))).isEqualTo(Verdict.STALE_TIMESTAMP);
        // the timestamp is signed: moving it forward breaks the signature
        assertThat(WebhookSignature.verify(Long.toString(TS + 1), "v1=" + HEX, BODY, List.of(SECRET), TOLERANCE,
                now)).isEqualTo(Verdict.BAD_SIGNATURE);
        assertThat(WebhookSignature.verify(null, "v1=" + HEX, BODY, List.of(SECRET), TOLERANCE, now))
                .isEqualTo(Verdict.MISSING_HEADERS);
        assertThat(WebhookSignature.verify("yesterday", "v1=" + HEX, BODY, List.of(SECRET), TOLERANCE, now))
                .isEqualTo(Verdict.MISSING_HEADERS);
    }
}
