package io.mpsaas.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.abort;

import io.mpsaas.deploy.support.Manifests;
import io.mpsaas.deploy.support.Maps;
import io.mpsaas.deploy.support.Pods;
import io.mpsaas.deploy.support.Repo;
import io.mpsaas.deploy.support.ServiceConfig;
import io.mpsaas.deploy.support.ValueSet;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every configuration key the charts set (the ConfigMap's environment variables, the Secret-backed ones, extra
 * env) is a key the service really declares: its {@code @ConfigMapping}s and common's, found on the classpath at
 * test time, or its application.properties. A typo in a chart, or a key a service renamed, fails here with the
 * variable, where it is set, and the keys the service does declare under the same prefix.
 */
class ChartConfigKeysTest {

    /**
     * Quarkus keys the charts (or the documented examples) may set, in property form ({@code *}: a map key). Every
     * other QUARKUS_* variable must be a key of the service's application.properties.
     */
    static final List<String> QUARKUS_ALLOWED = List.of(
            "quarkus.config.locations",          // set by the charts: where config.* is mounted
            "quarkus.log.level",
            "quarkus.log.category.*.level",
            "quarkus.shutdown.timeout",
            "quarkus.dynamodb.endpoint-override",
            "quarkus.sqs.endpoint-override");

    /** Variables that are configuration keys (the rest, JAVA_OPTS_APPEND and the like, are the image's business). */
    private static final List<String> CONFIG_PREFIXES = List.of("SUITE_", "QUARKUS_");

    static Stream<ValueSet> valueSets() {
        return ValueSet.all().stream();
    }

    @Test
    void classpathScan_findsTheSharedMappingsOfCommon() {
        // WHEN
        ServiceConfig config = ServiceConfig.get();

        // THEN the scan sees common's mappings, so an empty result below means something
        assertThat(config.mappingPrefixes().get("common")).as("scanned: %s", config.scannedEntries())
                .contains("suite.marketplace", "suite.tables", "suite.queues", "suite.api");
        // the console's own mapping is scanned too
        assertThat(config.matchEnv("operator-console", "SUITE_CONSOLE_ADMIN_KEY", List.of())).isPresent();
        for (String service : Repo.AWS_SERVICES) {
            assertThat(config.matchEnv(service, "SUITE_QUEUES_CUSTOMER_EVENTS", List.of()))
                    .as("%s resolves SUITE_QUEUES_CUSTOMER_EVENTS", service).isPresent();
            assertThat(config.matchEnv(service, "SUITE_AWS_REGION", List.of()))
                    .as("%s resolves SUITE_AWS_REGION (application.properties)", service).isPresent();
            assertThat(config.matchEnv(service, "SUITE_TABLES_CUSTOMER", List.of()))
                    .as("%s: a misspelt key is unknown", service).isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("valueSets")
    void everyConfigKeyTheChartsSet_isDeclaredByTheService(ValueSet set) {
        ServiceConfig config = ServiceConfig.get();
        List<String> unknown = new ArrayList<>();
        List<String> pending = new ArrayList<>();
        for (String service : set.services()) {
            // GIVEN what the chart sets for the service: environment variables and config.* properties
            Map<String, String> variables = configVariables(set.render(), service);
            Map<String, String> properties = configProperties(set.render(), service);
            Map<String, String> all = new LinkedHashMap<>(variables);
            all.putAll(properties);

            for (Map.Entry<String, String> variable : all.entrySet()) {
                String name = variable.getKey();
                boolean property = properties.containsKey(name);
                // WHEN the service's declared keys are matched against it
                Optional<ServiceConfig.Key> key = property ? config.matchProperty(service, name, QUARKUS_ALLOWED)
                        : config.matchEnv(service, name, QUARKUS_ALLOWED);
                if (key.isPresent()) {
                    continue;
                }
                String ownPrefix = Repo.servicePrefix(service);
                String own = property ? ownPrefix + "." : ownPrefix.toUpperCase().replace('.', '_') + "_";
                String message = String.format("%s: %s (set by %s) is not a config key of %s; keys it declares "
                        + "near it: %s", set, name, variable.getValue(), service, config.neighbours(service, name));
                if (name.startsWith(own) && !config.hasMapping(service, ownPrefix)) {
                    pending.add(message + " [" + service + " has no @ConfigMapping(prefix = \"" + ownPrefix
                            + "\") yet]");
                } else {
                    unknown.add(message);
                }
            }
        }
        // THEN
        assertThat(unknown).as("config keys the services do not declare").isEmpty();
        if (!pending.isEmpty()) {
            // a service not built yet: its own keys cannot be checked until its mapping exists
            abort(String.join("\n", pending));
        }
    }

    @Test
    void chartDefaults_areTheServicesOwnDefaults() {
        ServiceConfig config = ServiceConfig.get();
        for (String service : Repo.SERVICES) {
            // GIVEN the ConfigMap a default install gives the service
            Map<String, Object> data = configMap(ValueSet.defaults(service).render(), service);
            assertThat(data).as("%s ConfigMap", service).isNotEmpty();

            for (Map.Entry<String, Object> entry : data.entrySet()) {
                // WHEN the key's default in the service is looked up
                ServiceConfig.Key key = config.matchEnv(service, entry.getKey(), List.of())
                        .orElseThrow(() -> new AssertionError(service + ": " + entry.getKey() + " is unknown"));
                String serviceDefault = config.defaultOf(service, key.name())
                        .orElseThrow(() -> new AssertionError(service + ": " + key + " has no default"));

                // THEN a default install behaves like the service's own defaults
                assertThat(entry.getValue()).as("%s: %s (%s)", service, entry.getKey(), key).isEqualTo(serviceDefault);
            }
        }
    }

    /** Every SUITE_* and QUARKUS_* variable the pod gets, with where it comes from. */
    static Map<String, String> configVariables(Manifests manifests, String service) {
        Map<String, String> variables = new LinkedHashMap<>();
        configMap(manifests, service).keySet().forEach(k -> variables.put(k, "ConfigMap"));
        Manifests.Obj deployment = Pods.deploymentOf(manifests, service);
        for (Object e : Maps.list(Pods.container(deployment).get("env"))) {
            Map<String, Object> env = Maps.map(e);
            String source = Maps.at(env, "valueFrom.secretKeyRef") != null
                    ? "Secret " + Maps.at(env, "valueFrom.secretKeyRef.name") : "env of " + deployment;
            variables.put((String) env.get("name"), source);
        }
        variables.keySet().removeIf(k -> CONFIG_PREFIXES.stream().noneMatch(k::startsWith));
        return variables;
    }

    /** The config.* properties the pod reads from its mounted application.properties, with where they come from. */
    static Map<String, String> configProperties(Manifests manifests, String service) {
        Map<String, String> properties = new LinkedHashMap<>();
        configFile(manifests, service).stringPropertyNames().stream().sorted()
                .forEach(k -> properties.put(k, "config.* (application.properties)"));
        return properties;
    }

    /** The config.* file mounted in the pod (ConfigMap <name>-config), parsed; empty when there is none. */
    static Properties configFile(Manifests manifests, String service) {
        Properties p = new Properties();
        Manifests.Obj deployment = Pods.deploymentOf(manifests, service);
        for (Object v : deployment.list("spec.template.spec.volumes")) {
            Object name = Maps.at(v, "configMap.name");
            if (name != null) {
                try {
                    p.load(new StringReader((String) manifests.get("ConfigMap", (String) name).map("data")
                            .get("application.properties")));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return p;
    }

    static Map<String, Object> configMap(Manifests manifests, String service) {
        Manifests.Obj deployment = Pods.deploymentOf(manifests, service);
        Map<String, Object> data = new LinkedHashMap<>();
        for (Object from : Maps.list(Pods.container(deployment).get("envFrom"))) {
            Object name = Maps.at(from, "configMapRef.name");
            if (name != null) {
                data.putAll(manifests.get("ConfigMap", (String) name).map("data"));
            }
        }
        return data;
    }
}
