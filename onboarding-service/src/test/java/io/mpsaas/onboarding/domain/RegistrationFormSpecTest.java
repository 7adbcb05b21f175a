package io.mpsaas.onboarding.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class RegistrationFormSpecTest {

    final RegistrationFormSpec form = RegistrationFormSpec.of(false, List.of(new FieldSpec("seats", true, "Seats",
            FieldKind.TEXT, true, 4, Pattern.compile("[0-9]+"), "Digits only.", null)));

    @Test
    void validSubmission_becomesNormalisedDetails() {
        FormValidation result = form.validate(Map.of("company", "  Acme  ", "contactName", "Jo", "email",
                "jo+mp@mail.example.co.uk", "extra-seats", "12", "unknown", "ignored"));

        assertThat(result.valid()).isTrue();
        assertThat(result.details()).isEqualTo(new RegistrationDetails("Acme", "Jo", "jo+mp@mail.example.co.uk", null,
                Map.of("seats", "12")));
    }

    @Test
    void eachRule_givesAFieldMessage() {
        FormValidation result = form.validate(Map.of("contactName", "line\nbreak", "email", "jo@localhost",
                "phone", "12", "extra-seats", "12345"));

        assertThat(result.valid()).isFalse();
        assertThat(result.details()).isNull();
        assertThat(result.errors()).containsOnlyKeys("company", "contactName", "email", "phone", "extra-seats");
        assertThat(result.errors().get("company")).isEqualTo("Enter a company name");
        assertThat(result.errors().get("contactName")).contains("single line");
        assertThat(result.errors().get("extra-seats")).isEqualTo("Seats must be 4 characters or fewer");
        assertThat(result.values()).containsEntry("email", "jo@localhost");
    }

    @Test
    void patternMismatch_showsTheHint() {
        FormValidation result = form.validate(Map.of("company", "A", "contactName", "B", "email", "b@example.com",
                "extra-seats", "ten"));

        assertThat(result.errors()).containsOnly(Map.entry("extra-seats", "Seats: Digits only."));
    }

    @Test
    void fingerprint_changesWithAnyValue_andNotWithMapOrder() {
        RegistrationDetails a = new RegistrationDetails("A", "B", "c@d.ef", null, Map.of("x", "1", "y", "2"));

        assertThat(a.fingerprint()).isEqualTo(new RegistrationDetails("A", "B", "c@d.ef", null,
                Map.of("y", "2", "x", "1")).fingerprint());
        assertThat(a.fingerprint()).isNotEqualTo(new RegistrationDetails("A", "B", "c@d.ef", "",
                Map.of("x", "1", "y", "2")).fingerprint());
        assertThat(a.fingerprint()).isNotEqualTo(new RegistrationDetails("AB", "", "c@d.ef", null,
                Map.of("x", "1", "y", "2")).fingerprint());
        assertThat(a.toString()).doesNotContain("c@d.ef");
    }

    @Test
    void extraFieldNamedLikeAStandardOne_cannotClash() {
        RegistrationFormSpec spec = RegistrationFormSpec.of(true, List.of(new FieldSpec("email", true, "Other email",
                FieldKind.TEXT, false, 10, null, null, null)));

        assertThat(spec.fields()).extracting(FieldSpec::inputName).contains("email", "extra-email");
        assertThatThrownBy(() -> RegistrationFormSpec.of(true, List.of(new FieldSpec("bad name", true, "x",
                FieldKind.TEXT, false, 10, null, null, null)))).isInstanceOf(IllegalArgumentException.class);
    }
}
