package io.mpsaas.metering.service;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.mpsaas.common.rest.Problem;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The one reader of usage records, for {@code POST /v1/usage} and the usage queue alike: JSON types are taken as
 * written (a quantity is a JSON number, never the string {@code "5"} nor {@code true}), nothing may follow the
 * document, and a key given twice is refused. A string field still reads a JSON number as its text: a
 * {@code timestamp} may be epoch seconds. {@link #problem} says what is wrong
 * and where, quoting no more than {@link Problem#excerpt} of the client's value.
 */
@ApplicationScoped
public class UsageJson {

    private final ObjectMapper strict;

    public UsageJson(ObjectMapper mapper) {
        this.strict = strict(mapper);
    }

    /** The mapper usage bodies are read with. */
    public ObjectMapper mapper() {
        return strict;
    }

    static ObjectMapper strict(ObjectMapper base) {
        ObjectMapper m = base.copy();
        m.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        m.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        for (LogicalType number : new LogicalType[] {LogicalType.Integer, LogicalType.Float}) {
            m.coercionConfigFor(number).setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
        }
        m.coercionConfigFor(LogicalType.Boolean).setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
        return m;
    }

    /**
     * What is wrong with a body the reader refused, for a problem detail or a park reason: the field's path (e.g.
     * {@code records[0].quantity}) and the type it must have, or where the JSON breaks.
     */
    public static String problem(JsonProcessingException e) {
        if (e instanceof StreamConstraintsException) {
            return "the body exceeds a JSON limit: " + e.getOriginalMessage();
        }
        if (e instanceof MismatchedInputException m && !m.getPath().isEmpty()) {
            String field = path(m);
            Class<?> target = m.getTargetType();
            String expected = target == null ? "another type"
                    : Number.class.isAssignableFrom(target) || target.isPrimitive() && target != boolean.class
                            ? "a JSON number"
                    : target == String.class ? "a JSON string"
                    : target == Boolean.class || target == boolean.class ? "true or false"
                    : java.util.Collection.class.isAssignableFrom(target) ? "a JSON array"
                    : "a JSON object";
            String got = e instanceof InvalidFormatException f && f.getValue() != null
                    ? " (got '" + Problem.excerpt(String.valueOf(f.getValue())) + "')" : "";
            return field + " must be " + expected + got;
        }
        if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
            return path(m) + ": " + Problem.excerpt(e.getOriginalMessage());
        }
        String where = e.getLocation() == null ? ""
                : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
        return "the body is not valid JSON" + where + ": " + Problem.excerpt(e.getOriginalMessage());
    }

    private static String path(JsonMappingException e) {
        StringBuilder b = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getIndex() >= 0) {
                b.append('[').append(r.getIndex()).append(']');
            } else if (r.getFieldName() != null) {
                b.append(b.length() == 0 ? "" : ".").append(Problem.excerpt(r.getFieldName()));
            }
        }
        return b.toString();
    }
}
