package io.mpsaas.deploy.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * A small structural schema, for the custom resources the fabric8 model does not know (KEDA, Prometheus Operator).
 * It understands the part of the CRDs' OpenAPI schemas they need: type, properties, required,
 * additionalProperties (false, or a schema for map values), items, enum, pattern, minimum. Unknown fields are errors.
 */
public final class MiniSchema {

    private final String name;
    private final Map<String, Object> schema;

    private MiniSchema(String name, Map<String, Object> schema) {
        this.name = name;
        this.schema = schema;
    }

    /** A schema from src/test/resources/crd-schemas/. */
    public static MiniSchema load(String resource) {
        try (InputStream in = MiniSchema.class.getResourceAsStream("/crd-schemas/" + resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no schema crd-schemas/" + resource);
            }
            return new MiniSchema(resource, Maps.map(new Yaml(new SafeConstructor(new LoaderOptions())).load(in)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every violation, as {@code path: problem}; empty when the object conforms. */
    public List<String> validate(Object value) {
        List<String> errors = new ArrayList<>();
        check(schema, value, "", errors);
        return errors;
    }

    @Override
    public String toString() {
        return name;
    }

    private static void check(Map<String, Object> s, Object v, String path, List<String> errors) {
        String at = path.isEmpty() ? "." : path;
        if (v == null) {
            errors.add(at + ": null");
            return;
        }
        Object type = s.get("type");
        if (type != null && !hasType(v, (String) type)) {
            errors.add(at + ": expected " + type + ", got " + v.getClass().getSimpleName() + " " + v);
            return;
        }
        if (s.containsKey("enum") && !Maps.list(s.get("enum")).contains(v)) {
            errors.add(at + ": " + v + " not in " + s.get("enum"));
        }
        if (s.containsKey("pattern") && !Pattern.compile((String) s.get("pattern")).matcher(v.toString()).find()) {
            errors.add(at + ": " + v + " does not match " + s.get("pattern"));
        }
        if (s.containsKey("minimum") && ((Number) v).longValue() < ((Number) s.get("minimum")).longValue()) {
            errors.add(at + ": " + v + " below " + s.get("minimum"));
        }
        if (v instanceof Map<?, ?>) {
            Map<String, Object> object = Maps.map(v);
            Map<String, Object> properties = Maps.map(s.get("properties"));
            for (Object required : Maps.list(s.get("required"))) {
                if (!object.containsKey((String) required)) {
                    errors.add(at + ": missing " + required);
                }
            }
            Object additional = s.getOrDefault("additionalProperties", Boolean.FALSE);
            object.forEach((key, child) -> {
                String childPath = path + "." + key;
                if (properties.containsKey(key)) {
                    check(Maps.map(properties.get(key)), child, childPath, errors);
                } else if (additional instanceof Map<?, ?>) {
                    check(Maps.map(additional), child, childPath, errors);
                } else if (!Boolean.TRUE.equals(additional)) {
                    errors.add(childPath + ": unknown field");
                }
            });
        }
        if (v instanceof List<?> items && s.containsKey("items")) {
            for (int i = 0; i < items.size(); i++) {
                check(Maps.map(s.get("items")), items.get(i), path + "[" + i + "]", errors);
            }
        }
    }

    private static boolean hasType(Object v, String type) {
        return switch (type) {
            case "object" -> v instanceof Map;
            case "array" -> v instanceof List;
            case "string" -> v instanceof String;
            case "integer" -> v instanceof Integer || v instanceof Long;
            case "number" -> v instanceof Number;
            case "boolean" -> v instanceof Boolean;
            default -> throw new IllegalArgumentException("unsupported type " + type);
        };
    }
}
