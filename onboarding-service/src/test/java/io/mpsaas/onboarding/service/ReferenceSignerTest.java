package io.mpsaas.onboarding.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mpsaas.onboarding.domain.ReferenceCheck;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ReferenceSignerTest {

    static final String SECRET = "0123456789abcdef0123456789abcdef";
    static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");

    final ReferenceSigner signer = new ReferenceSigner(SECRET, Duration.ofHours(1), Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void issuedReference_checksValid_untilItExpires() {
        String reference = signer.issue("license#l-abc");

        assertThat(signer.check(reference)).isEqualTo(
                new ReferenceCheck.Valid("license#l-abc", NOW.plus(Duration.ofHours(1))));
        ReferenceSigner later = new ReferenceSigner(SECRET, Duration.ofHours(1),
                Clock.fixed(NOW.plus(Duration.ofHours(1)), ZoneOffset.UTC));
        assertThat(later.check(reference)).isInstanceOf(ReferenceCheck.Expired.class);
    }

    @Test
    void referenceSignedWithAnotherSecret_isInvalid() {
        ReferenceSigner other = new ReferenceSigner("fedcba9876543210fedcba9876543210", Duration.ofHours(1),
                Clock.fixed(NOW, ZoneOffset.UTC));

        assertThat(signer.check(other.issue("license#l-abc"))).isInstanceOf(ReferenceCheck.Invalid.class);
    }

    @Test
    void garbage_isInvalid_neverAnException() {
        for (String garbage : new String[] {null, "", "v1", "v1.a.b.c", "v2.a.1.AAAA", "v1.%%%.1.AAAA",
                "v1.YQ.notanumber.AAAA", "v1.YQ.99999999999999999999.AAAA", "v1.YQ.1.!!!!", "x".repeat(2000)}) {
            assertThat(signer.check(garbage)).as(String.valueOf(garbage)).isInstanceOf(ReferenceCheck.Invalid.class);
        }
    }

    @Test
    void shortSecret_isRefused() {
        assertThatThrownBy(() -> new ReferenceSigner("short", Duration.ofHours(1), Clock.systemUTC()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("signing-secret");
    }

    @Test
    void link_checksValid_untilItsOwnExpiry_andIsNoFormReference_norTheReverse() {
        Instant until = NOW.plus(Duration.ofDays(7));
        String link = signer.issueLink("license#l-abc", until);

        assertThat(link).startsWith("v1.link.");
        assertThat(signer.checkLink(link)).isEqualTo(new ReferenceCheck.Valid("license#l-abc", until));
        ReferenceSigner later = new ReferenceSigner(SECRET, Duration.ofHours(1), Clock.fixed(until, ZoneOffset.UTC));
        assertThat(later.checkLink(link)).isEqualTo(new ReferenceCheck.Expired("license#l-abc", until));
        // a link posted as a form's reference, and a form's reference opened as a link, are refused
        assertThat(signer.check(link)).isInstanceOf(ReferenceCheck.Invalid.class);
        assertThat(signer.checkLink(signer.issue("license#l-abc"))).isInstanceOf(ReferenceCheck.Invalid.class);
    }

    @Test
    void tamperedOrForeignLink_isInvalid() {
        String link = signer.issueLink("license#l-abc", NOW.plusSeconds(60));
        String otherKind = link.replaceFirst("^v1\\.link\\.", "v1.form.");
        ReferenceSigner other = new ReferenceSigner("fedcba9876543210fedcba9876543210", Duration.ofHours(1),
                Clock.fixed(NOW, ZoneOffset.UTC));

        assertThat(signer.checkLink(otherKind)).isInstanceOf(ReferenceCheck.Invalid.class);
        assertThat(signer.checkLink(other.issueLink("license#l-abc", NOW.plusSeconds(60))))
                .isInstanceOf(ReferenceCheck.Invalid.class);
        assertThat(signer.checkLink(link.substring(0, link.length() - 2))).isInstanceOf(ReferenceCheck.Invalid.class);
    }
}
