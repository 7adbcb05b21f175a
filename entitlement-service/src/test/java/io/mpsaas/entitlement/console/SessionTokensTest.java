package io.mpsaas.entitlement.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class SessionTokensTest {

    static final String SECRET = "a-test-secret-of-at-least-thirty-two-characters";
    static final List<String> KEYS = List.of("admin-key-one", "admin-key-two");
    static final Instant T0 = Instant.parse("2026-11-22T08:00:00Z");

    private static SessionTokens at(Instant now) {
        return new SessionTokens(SECRET, Duration.ofMinutes(30), Duration.ofHours(8), Clock.fixed(now, ZoneOffset.UTC));
    }

    @Test
    void login_withAnAdminKey_opensASession_whoseTokenVerifies_andNeverContainsTheKey() {
        SessionTokens.Session session = at(T0).login(" admin-key-two ", KEYS).orElseThrow();

        String token = at(T0).token(session);

        assertThat(session.expiresAt()).isEqualTo(T0.plus(Duration.ofMinutes(30)));
        assertThat(token).startsWith("v1.").doesNotContain("admin-key");
        assertThat(at(T0.plusSeconds(60)).verify(token, KEYS)).contains(session);
    }

    @Test
    void login_withAnythingElse_opensNothing() {
        assertThat(at(T0).login("admin-key", KEYS)).isEmpty();
        assertThat(at(T0).login("", KEYS)).isEmpty();
        assertThat(at(T0).login(null, KEYS)).isEmpty();
        assertThat(at(T0).login("admin-key-one", List.of())).isEmpty();
    }

    @Test
    void verify_refusesExpiredTamperedForeignAndRevokedTokens() {
        String token = at(T0).token(at(T0).login("admin-key-one", KEYS).orElseThrow());
        String[] p = token.split("\\.");

        assertThat(at(T0.plus(Duration.ofMinutes(30))).verify(token, KEYS)).as("expired").isEmpty();
        assertThat(at(T0).verify(String.join(".", p[0], p[1], p[2], Long.toString(Long.parseLong(p[3]) + 3600),
                p[4]), KEYS)).as("expiry pushed out").isEmpty();
        assertThat(at(T0).verify(String.join(".", p[0], "someoneElse0", p[2], p[3], p[4]), KEYS)).as("key id")
                .isEmpty();
        SessionTokens foreign = new SessionTokens("another-secret-another-secret-another-secret",
                Duration.ofMinutes(30), Duration.ofHours(8), Clock.fixed(T0, ZoneOffset.UTC));
        assertThat(at(T0).verify(foreign.token(foreign.login("admin-key-one", KEYS).orElseThrow()), KEYS))
                .as("other secret").isEmpty();
        assertThat(at(T0).verify(token, List.of("admin-key-two"))).as("the key was removed").isEmpty();
        assertThat(at(T0).verify("v1.a.b.c.d", KEYS)).isEmpty();
        assertThat(at(T0).verify("garbage", KEYS)).isEmpty();
        assertThat(at(T0).verify(null, KEYS)).isEmpty();
    }

    @Test
    void renewal_prolongsAnActiveSession_onlyPastHalfItsIdleTime_andNeverBeyondTheMaximumAge() {
        SessionTokens.Session session = at(T0).login("admin-key-one", KEYS).orElseThrow();

        assertThat(at(T0.plus(Duration.ofMinutes(10))).renewal(session)).as("still fresh").isEmpty();
        SessionTokens.Session renewed = at(T0.plus(Duration.ofMinutes(20))).renewal(session).orElseThrow();
        assertThat(renewed.expiresAt()).isEqualTo(T0.plus(Duration.ofMinutes(50)));
        assertThat(renewed.issuedAt()).isEqualTo(T0);

        SessionTokens.Session nearlyOld = new SessionTokens.Session(session.keyId(), T0,
                T0.plus(Duration.ofHours(8)).minus(Duration.ofMinutes(20)));
        assertThat(at(T0.plus(Duration.ofHours(8)).minus(Duration.ofMinutes(10))).renewal(nearlyOld).orElseThrow()
                .expiresAt()).as("renewed up to the maximum age, not beyond").isEqualTo(T0.plus(Duration.ofHours(8)));
        SessionTokens.Session old = new SessionTokens.Session(session.keyId(), T0, T0.plus(Duration.ofHours(8)));
        assertThat(at(T0.plus(Duration.ofHours(8)).minus(Duration.ofMinutes(5))).renewal(old)).isEmpty();
        assertThat(at(T0.plus(Duration.ofHours(8))).verify(at(T0).token(old), KEYS)).as("past the maximum age")
                .isEmpty();
    }

    @Test
    void theCsrfToken_staysTheSameThroughRenewals_andDiffersBetweenSessions() {
        SessionTokens.Session session = at(T0).login("admin-key-one", KEYS).orElseThrow();
        SessionTokens.Session renewed = at(T0.plus(Duration.ofMinutes(20))).renewal(session).orElseThrow();
        SessionTokens.Session other = at(T0.plusSeconds(5)).login("admin-key-one", KEYS).orElseThrow();

        assertThat(at(T0).csrfToken(renewed)).isEqualTo(at(T0).csrfToken(session));
        assertThat(at(T0).csrfToken(other)).isNotEqualTo(at(T0).csrfToken(session));
    }

    @Test
    void aShortSecret_isRefused() {
        assertThatThrownBy(() -> new SessionTokens("short", Duration.ofMinutes(30), Duration.ofHours(8),
                Clock.systemUTC())).isInstanceOf(IllegalArgumentException.class);
    }
}
