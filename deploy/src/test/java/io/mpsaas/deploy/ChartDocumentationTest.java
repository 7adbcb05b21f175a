package io.mpsaas.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mpsaas.deploy.support.Maps;
import io.mpsaas.deploy.support.Repo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * values.yaml, values.schema.json and README.md of each chart say the same thing: every value has a type in the
 * schema, every typed value has a default, every value has a row in the README.
 */
class ChartDocumentationTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static Stream<String> charts() {
        return Stream.concat(Repo.SERVICES.stream(), Stream.of(Repo.UMBRELLA));
    }

    @ParameterizedTest
    @MethodSource("charts")
    void everyValue_hasATypeInTheSchema(String chart) throws IOException {
        // GIVEN
        Map<String, Object> schema = schema(chart);
        List<String> untyped = new ArrayList<>();

        // WHEN
        values(chart).forEach((path, value) -> {
            if (at(schema, schema, path) == null) {
                untyped.add(path);
            }
        });

        // THEN
        assertThat(untyped).as("%s: values.yaml entries values.schema.json does not type", chart).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("charts")
    void everyTypedValue_hasADefaultInValuesYaml(String chart) throws IOException {
        Map<String, Object> schema = schema(chart);
        Map<String, Object> values = values(chart);
        List<String> missing = new ArrayList<>();
        collectSchemaPaths(schema, schema, "", values.keySet(), missing);
        assertThat(missing).as("%s: values.schema.json properties without a default in values.yaml", chart).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("charts")
    void everyValue_isDocumentedInTheChartReadme(String chart) throws IOException {
        // GIVEN
        String readme = Files.readString(Repo.charts().resolve(chart).resolve("README.md"));

        // THEN every value has its row: | `path` | ...
        assertThat(values(chart).keySet()).as("%s/README.md rows", chart)
                .allSatisfy(path -> assertThat(readme).contains("| `" + path + "` |"));
    }

    @Test
    void serviceSchemas_differOnlyWhereTheServicesDo() throws IOException {
        // GIVEN the schemas without what only one service has: onboarding's ingress, the consumers' KEDA
        Map<String, Object> onboarding = withoutProperty(schema("onboarding-service"), "ingress");
        Map<String, Object> entitlement = withoutProperty(schema("entitlement-service"), "keda");
        Map<String, Object> metering = withoutProperty(schema("metering-service"), "keda");

        // THEN the shared part stays the same in the three charts
        assertThat(entitlement).isEqualTo(onboarding);
        assertThat(metering).isEqualTo(onboarding);
        assertThat(Maps.map(schema("metering-service").get("properties")).get("keda"))
                .isEqualTo(Maps.map(schema("entitlement-service").get("properties")).get("keda"));
    }

    /** The leaves of values.yaml: a map whose schema declares properties is walked into, anything else is a leaf. */
    static Map<String, Object> values(String chart) throws IOException {
        Map<String, Object> values = Maps.map(new Yaml(new SafeConstructor(new LoaderOptions()))
                .load(Files.readString(Repo.charts().resolve(chart).resolve("values.yaml"))));
        Map<String, Object> schema = schema(chart);
        Map<String, Object> leaves = new LinkedHashMap<>();
        flatten(schema, schema, values, "", leaves);
        return leaves;
    }

    private static void flatten(Map<String, Object> root, Map<String, Object> schema, Map<String, Object> values,
            String prefix, Map<String, Object> leaves) {
        values.forEach((key, value) -> {
            String path = prefix + key;
            Map<String, Object> child = schema == null ? null : property(root, schema, key);
            if (value instanceof Map<?, ?> m && !m.isEmpty() && child != null && child.containsKey("properties")) {
                flatten(root, child, Maps.map(value), path + ".", leaves);
            } else {
                leaves.put(path, value);
            }
        });
    }

    private static void collectSchemaPaths(Map<String, Object> root, Map<String, Object> schema, String prefix,
            java.util.Set<String> valuePaths, List<String> missing) {
        Map<String, Object> properties = Maps.map(resolve(root, schema).get("properties"));
        properties.forEach((key, definition) -> {
            String path = prefix + key;
            if (path.equals("mpsaas-lib")) {
                return;   // Helm's own entry for the library dependency
            }
            boolean leaf = valuePaths.contains(path);
            boolean parent = valuePaths.stream().anyMatch(p -> p.startsWith(path + "."));
            if (!leaf && !parent) {
                missing.add(path);
            } else if (parent) {
                collectSchemaPaths(root, Maps.map(definition), path + ".", valuePaths, missing);
            }
        });
    }

    private static Map<String, Object> at(Map<String, Object> root, Map<String, Object> schema, String path) {
        Map<String, Object> current = schema;
        for (String key : path.split("\\.(?![^\"]*\")")) {
            current = property(root, current, key);
            if (current == null) {
                return null;
            }
        }
        return current;
    }

    private static Map<String, Object> property(Map<String, Object> root, Map<String, Object> schema, String key) {
        Map<String, Object> resolved = resolve(root, schema);
        Object child = Maps.map(resolved.get("properties")).get(key);
        return child == null ? null : resolve(root, Maps.map(child));
    }

    private static Map<String, Object> resolve(Map<String, Object> root, Map<String, Object> schema) {
        Object ref = schema.get("$ref");
        if (ref == null) {
            return schema;
        }
        Object target = root;
        for (String part : ((String) ref).substring(2).split("/")) {
            target = Maps.map(target).get(part);
        }
        return resolve(root, Maps.map(target));
    }

    private static Map<String, Object> withoutProperty(Map<String, Object> schema, String property) {
        Map<String, Object> copy = new LinkedHashMap<>(schema);
        Map<String, Object> properties = new LinkedHashMap<>(Maps.map(schema.get("properties")));
        properties.remove(property);
        copy.put("properties", properties);
        copy.remove("title");
        return copy;
    }

    static Map<String, Object> schema(String chart) throws IOException {
        Path file = Repo.charts().resolve(chart).resolve("values.schema.json");
        return Maps.map(JSON.readValue(file.toFile(), Map.class));
    }
}
