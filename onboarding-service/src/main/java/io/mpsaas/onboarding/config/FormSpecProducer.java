package io.mpsaas.onboarding.config;

import io.mpsaas.onboarding.domain.FieldKind;
import io.mpsaas.onboarding.domain.FieldSpec;
import io.mpsaas.onboarding.domain.RegistrationFormSpec;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Builds the registration form from {@code suite.onboarding.form.*}; a bad field definition stops the start. */
public class FormSpecProducer {

    @Produces
    @Singleton
    RegistrationFormSpec registrationForm(OnboardingConfig config) {
        return build(config.form());
    }

    /** The form of a configuration; throws {@link IllegalArgumentException} naming the bad key. */
    public static RegistrationFormSpec build(OnboardingConfig.Form form) {
        List<FieldSpec> extras = new ArrayList<>();
        List<OnboardingConfig.ExtraField> configured = form.extraFields().orElse(List.of());
        for (int i = 0; i < configured.size(); i++) {
            OnboardingConfig.ExtraField field = configured.get(i);
            String key = "suite.onboarding.form.extra-fields[" + i + "]";
            if (!FieldSpec.EXTRA_NAME.matcher(field.name()).matches()) {
                throw new IllegalArgumentException(key + ".name must be a letter followed by up to 39 letters,"
                        + " digits, - or _: " + field.name());
            }
            if (field.label().isBlank()) {
                throw new IllegalArgumentException(key + ".label must not be blank");
            }
            if (field.maxLength() < 1 || field.maxLength() > 2000) {
                throw new IllegalArgumentException(key + ".max-length must be between 1 and 2000: "
                        + field.maxLength());
            }
            Pattern pattern = null;
            if (field.pattern().isPresent()) {
                try {
                    pattern = Pattern.compile(field.pattern().get());
                } catch (PatternSyntaxException e) {
                    throw new IllegalArgumentException(key + ".pattern is not a valid regular expression: "
                            + e.getDescription());
                }
            }
            extras.add(new FieldSpec(field.name(), true, field.label().strip(), FieldKind.TEXT, field.required(),
                    field.maxLength(), pattern, field.hint().orElse(null), null));
        }
        return RegistrationFormSpec.of(form.phoneRequired(), extras);
    }
}
