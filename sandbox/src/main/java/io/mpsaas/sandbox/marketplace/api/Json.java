package io.mpsaas.sandbox.marketplace.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Instant;

/** Strict readers for AWS JSON 1.1 request members: a wrong JSON type is a SerializationException, as on AWS. */
final class Json {

    private Json() {
    }

    static String text(JsonNode parent, String member) {
        JsonNode n = parent.get(member);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw AwsApiError.client("SerializationException", "Member " + member + " must be a string");
        }
        return n.textValue();
    }

    static Integer integer(JsonNode parent, String member) {
        JsonNode n = parent.get(member);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isNumber()) {
            throw AwsApiError.client("SerializationException", "Member " + member + " must be a number");
        }
        BigDecimal value = n.decimalValue();
        if (value.stripTrailingZeros().scale() > 0) {
            throw AwsApiError.client("SerializationException", "Member " + member + " must be an integer");
        }
        if (value.compareTo(BigDecimal.valueOf(Integer.MIN_VALUE)) < 0
                || value.compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) > 0) {
            // Outside the int range AWS fails deserialisation, not a constraint check.
            throw AwsApiError.client("SerializationException", "Member " + member + " is out of the integer range");
        }
        return value.intValueExact();
    }

    /** Epoch seconds, possibly fractional, as the SDK sends timestamps on the JSON 1.1 wire. */
    static Instant timestamp(JsonNode parent, String member) {
        JsonNode n = parent.get(member);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isNumber()) {
            throw AwsApiError.client("SerializationException", "Member " + member
                    + " must be a timestamp in epoch seconds (a JSON number)");
        }
        BigDecimal seconds = n.decimalValue();
        long whole = seconds.longValue();
        int nanos = seconds.subtract(BigDecimal.valueOf(whole)).movePointRight(9).intValue();
        return Instant.ofEpochSecond(whole, nanos);
    }

    /** Epoch seconds with milliseconds, as AWS answers timestamps. */
    static BigDecimal epochSeconds(Instant instant) {
        return BigDecimal.valueOf(instant.toEpochMilli(), 3);
    }
}
