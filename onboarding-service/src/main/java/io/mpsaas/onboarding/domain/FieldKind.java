package io.mpsaas.onboarding.domain;

/** The input kinds of the registration form: what the browser shows and which format the server checks. */
public enum FieldKind {
    TEXT("text"),
    EMAIL("email"),
    TEL("tel");

    private final String inputType;

    FieldKind(String inputType) {
        this.inputType = inputType;
    }

    /** The HTML {@code <input type>}. */
    public String inputType() {
        return inputType;
    }
}
