package io.mpsaas.common.messaging;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The JSON settings of every message the suite writes: ISO-8601 instants, unknown fields tolerated. Quarkus services
 * get the same from their injected ObjectMapper; this is for code outside Quarkus (the sandbox, plain tests).
 */
public final class SuiteJson {

    private SuiteJson() {
    }

    /** A new mapper with the suite's settings; create one per component, not per call. */
    public static ObjectMapper newMapper() {
        return new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }
}
