package io.mpsaas.sandbox.marketplace;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonGenerator.Feature;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** Builds the simulator's one ObjectMapper (AWS wire JSON and control-API JSON). */
final class SimulatorJson {

    private SimulatorJson() {
    }

    static ObjectMapper newMapper() {
        // Instants as ISO-8601 strings in the control API; a local module keeps the simulator free of extra jars.
        SimpleModule time = new SimpleModule("simulator-time");
        time.addSerializer(Instant.class, new JsonSerializer<>() {
            @Override
            public void serialize(Instant value, JsonGenerator gen, SerializerProvider serializers)
                    throws IOException {
                gen.writeString(value.toString());
            }
        });
        time.addDeserializer(Instant.class, new JsonDeserializer<>() {
            @Override
            public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                String text = p.getValueAsString();
                try {
                    return Instant.parse(text);
                } catch (DateTimeParseException e) {
                    throw new IllegalArgumentException("'" + text + "' is not an ISO-8601 instant such as "
                            + "2026-01-01T00:00:00Z", e);
                }
            }
        });
        return JsonMapper.builder()
                .addModule(time)
                .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
                // AWS timestamps are fractional epoch seconds: keep every digit.
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(Feature.WRITE_BIGDECIMAL_AS_PLAIN)
                .build();
    }
}
