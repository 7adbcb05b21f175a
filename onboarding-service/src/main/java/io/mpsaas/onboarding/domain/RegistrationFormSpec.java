package io.mpsaas.onboarding.domain;

import io.mpsaas.common.customer.RegistrationRecord;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The registration form: the four standard fields and the seller's extra ones, and the server-side rules that decide
 * whether a submission is a registration. The browser's own checks are switched off ({@code novalidate}) so every
 * buyer gets these same messages.
 */
public record RegistrationFormSpec(List<FieldSpec> fields) {

    /** The HTML5 e-mail syntax (what browsers check for {@code type=email}), with at least one dot in the domain. */
    static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9]"
            + "(?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+");

    /** Digits with the usual separators, an optional leading plus. */
    static final Pattern PHONE = Pattern.compile("\\+?[0-9 ().\\-/]{4,40}");

    static final int MIN_PHONE_DIGITS = 5;

    public RegistrationFormSpec {
        fields = List.copyOf(fields);
        Set<String> inputNames = new HashSet<>();
        for (FieldSpec field : fields) {
            if (!inputNames.add(field.inputName())) {
                throw new IllegalArgumentException("two registration form fields are named " + field.inputName());
            }
        }
    }

    /** The standard fields followed by the seller's. */
    public static RegistrationFormSpec of(boolean phoneRequired, List<FieldSpec> extraFields) {
        List<FieldSpec> fields = new ArrayList<>();
        fields.add(new FieldSpec(RegistrationRecord.COMPANY, false, "Company name", FieldKind.TEXT, true, 200, null,
                null, "organization"));
        fields.add(new FieldSpec(RegistrationRecord.CONTACT_NAME, false, "Contact name", FieldKind.TEXT, true, 200,
                null, "The person we should talk to about setting up the account.", "name"));
        fields.add(new FieldSpec(RegistrationRecord.EMAIL, false, "Email address", FieldKind.EMAIL, true, 254, null,
                "We send the account details here.", "email"));
        fields.add(new FieldSpec(RegistrationRecord.PHONE, false, "Phone number", FieldKind.TEL, phoneRequired, 40,
                null, "Include the country code, like +1 206 555 0100.", "tel"));
        for (FieldSpec extra : extraFields) {
            if (!extra.extra() || !FieldSpec.EXTRA_NAME.matcher(extra.name()).matches()) {
                throw new IllegalArgumentException("not a valid extra field name: " + extra.name());
            }
            fields.add(extra);
        }
        return new RegistrationFormSpec(fields);
    }

    /**
     * Checks a submission, given as input name to value (missing inputs count as empty). Values are trimmed and
     * Unicode-normalised (NFC); control characters are refused.
     */
    public FormValidation validate(Map<String, String> submitted) {
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, String> errors = new LinkedHashMap<>();
        for (FieldSpec field : fields) {
            String raw = submitted.get(field.inputName());
            String value = raw == null ? "" : Normalizer.normalize(raw.strip(), Normalizer.Form.NFC);
            values.put(field.inputName(), value);
            String error = check(field, value);
            if (error != null) {
                errors.put(field.inputName(), error);
            }
        }
        if (!errors.isEmpty()) {
            return new FormValidation(Collections.unmodifiableMap(values), Collections.unmodifiableMap(errors), null);
        }
        Map<String, String> extra = new LinkedHashMap<>();
        for (FieldSpec field : fields) {
            String value = values.get(field.inputName());
            if (field.extra() && !value.isEmpty()) {
                extra.put(field.name(), value);
            }
        }
        String phone = values.get(RegistrationRecord.PHONE);
        RegistrationDetails details = new RegistrationDetails(values.get(RegistrationRecord.COMPANY),
                values.get(RegistrationRecord.CONTACT_NAME), values.get(RegistrationRecord.EMAIL),
                phone == null || phone.isEmpty() ? null : phone, extra);
        return new FormValidation(Collections.unmodifiableMap(values), Map.of(), details);
    }

    private static String check(FieldSpec field, String value) {
        String label = field.label();
        if (value.isEmpty()) {
            return field.required() ? "Enter " + article(label) + lower(label) : null;
        }
        if (value.codePointCount(0, value.length()) > field.maxLength()) {
            return label + " must be " + field.maxLength() + " characters or fewer";
        }
        if (value.codePoints().anyMatch(Character::isISOControl)) {
            return label + " must be a single line of text, without control characters";
        }
        switch (field.kind()) {
            case EMAIL -> {
                if (!EMAIL.matcher(value).matches()) {
                    return "Enter an email address in the correct format, like name@example.com";
                }
            }
            case TEL -> {
                long digits = value.chars().filter(Character::isDigit).count();
                if (!PHONE.matcher(value).matches() || digits < MIN_PHONE_DIGITS) {
                    return "Enter a phone number, like +1 206 555 0100";
                }
            }
            case TEXT -> {
                // free text
            }
        }
        if (field.pattern() != null && !field.pattern().matcher(value).matches()) {
            return field.hint() != null ? label + ": " + field.hint() : "Enter a valid " + lower(label);
        }
        return null;
    }

    private static String article(String label) {
        return "AEIOUaeiou".indexOf(label.charAt(0)) >= 0 ? "an " : "a ";
    }

    private static String lower(String label) {
        return label.isEmpty() ? label : Character.toLowerCase(label.charAt(0)) + label.substring(1);
    }
}
