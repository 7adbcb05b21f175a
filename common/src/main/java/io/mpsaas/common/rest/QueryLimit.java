package io.mpsaas.common.rest;

import jakarta.ws.rs.BadRequestException;

/**
 * The one reading of a list's {@code limit}-like query parameter on every admin API. Taken as text, not {@code int}:
 * JAX-RS answers 404 for a query parameter it cannot convert ({@code limit=99999999999999}), where the client needs a
 * 400 saying what is allowed.
 */
public final class QueryLimit {

    private QueryLimit() {
    }

    /**
     * {@code raw} as a number in {@code min..max}; {@code whenAbsent} when the parameter is missing or empty.
     *
     * @throws BadRequestException (a 400 problem+json in every service) naming the parameter and its range
     */
    public static int parse(String name, String raw, int min, int max, int whenAbsent) {
        if (raw == null || raw.isBlank()) {
            return whenAbsent;
        }
        String text = raw.strip();
        int value;
        try {
            value = text.length() > 11 ? -1 : Integer.parseInt(text);
        } catch (NumberFormatException e) {
            value = -1;
        }
        if (value < min || value > max) {
            throw new BadRequestException(name + " must be a whole number in " + min + ".." + max + " (absent: "
                    + whenAbsent + "), got '" + Problem.excerpt(raw) + "'");
        }
        return value;
    }
}
