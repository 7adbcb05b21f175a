package io.mpsaas.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.mpsaas.deploy.support.AppEndpoints;
import io.mpsaas.deploy.support.Manifests;
import io.mpsaas.deploy.support.Maps;
import io.mpsaas.deploy.support.Pods;
import io.mpsaas.deploy.support.Repo;
import io.mpsaas.deploy.support.ValueSet;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The charts talk to the services where the services listen: the ports of each service's application.properties (the
 * application's, and the management interface's, where Quarkus's health endpoints and metrics path are).
 */
class ChartsMatchAppsTest {

    static Stream<ValueSet> valueSets() {
        return ValueSet.all().stream();
    }

    static Stream<String> services() {
        return Repo.SERVICES.stream();
    }

    @ParameterizedTest
    @MethodSource("services")
    void chartPorts_areTheServicesQuarkusHttpAndManagementPorts(String service) throws IOException {
        // GIVEN
        AppEndpoints app = AppEndpoints.of(service);
        Map<String, Object> chart = Maps.map(new Yaml(new SafeConstructor(new LoaderOptions()))
                .load(Files.readString(Repo.charts().resolve(service).resolve("Chart.yaml"))));
        Map<String, Object> values = Maps.map(new Yaml(new SafeConstructor(new LoaderOptions()))
                .load(Files.readString(Repo.charts().resolve(service).resolve("values.yaml"))));

        // THEN
        assertThat(app.management()).as("%s: quarkus.management.enabled (health and metrics off the public port)",
                service).isTrue();
        assertThat(app.managementPort()).as("%s management port", service).isNotEqualTo(app.port());
        assertThat(Maps.at(chart, "annotations")).as("%s Chart.yaml annotations", service)
                .isEqualTo(Map.of("mpsaas.io/http-port", String.valueOf(app.port()),
                        "mpsaas.io/management-port", String.valueOf(app.managementPort())));
        assertThat(Maps.at(values, "service.port")).as("%s: the Service answers on the app's port", service)
                .isEqualTo(app.port());
    }

    @ParameterizedTest
    @MethodSource("valueSets")
    void probes_callTheQuarkusHealthEndpoints_onTheManagementPort(ValueSet set) {
        for (String service : set.services()) {
            // GIVEN
            AppEndpoints app = AppEndpoints.of(service);
            Manifests.Obj deployment = Pods.deploymentOf(set.render(), service);
            Map<String, Object> container = Pods.container(deployment);

            // THEN
            assertThat(app.hasHealthExtension()).as("%s/pom.xml has quarkus-smallrye-health", service).isTrue();
            assertThat(Pods.containerPort(deployment, "http")).as("%s container port", service).isEqualTo(app.port());
            assertThat(Pods.containerPort(deployment, "management")).as("%s management port", service)
                    .isEqualTo(app.managementPort());
            assertProbe(service, container, "startupProbe", app.startedPath(), deployment, app.managementPort());
            assertProbe(service, container, "livenessProbe", app.livePath(), deployment, app.managementPort());
            assertProbe(service, container, "readinessProbe", app.readyPath(), deployment, app.managementPort());
        }
    }

    @ParameterizedTest
    @MethodSource("valueSets")
    void serviceMonitor_scrapesTheQuarkusMetricsPath_onTheManagementPort_ofAServiceThatServesIt(ValueSet set) {
        Manifests manifests = set.render();
        for (Manifests.Obj monitor : manifests.ofKind("ServiceMonitor")) {
            // GIVEN
            AppEndpoints app = AppEndpoints.of(Pods.service(monitor));
            Manifests.Obj deployment = Pods.deploymentOf(manifests, Pods.service(monitor));
            Manifests.Obj service = manifests.matching(o -> o.kind().equals("Service")
                    && Pods.service(o).equals(Pods.service(monitor))).get(0);

            // THEN its Service port leads to the container's management port
            assertThat(monitor.list("spec.endpoints")).as("%s %s", set, monitor).allSatisfy(e -> {
                assertThat(Maps.map(e).get("path")).isEqualTo(app.metricsPath());
                Map<String, Object> port = service.list("spec.ports").stream().map(Maps::map)
                        .filter(p -> p.get("name").equals(Maps.map(e).get("port"))).findFirst().orElseThrow();
                assertThat(Pods.containerPort(deployment, (String) port.get("targetPort")))
                        .isEqualTo(app.managementPort());
            });
            assertThat(app.hasPrometheusExtension()).as("%s: %s serves %s (quarkus-micrometer-registry-prometheus in"
                    + " its pom.xml)", set, app.service(), app.metricsPath()).isTrue();
        }
    }

    private static void assertProbe(String service, Map<String, Object> container, String probe, String path,
            Manifests.Obj deployment, int port) {
        assertThat(Maps.at(container, probe + ".httpGet.path")).as("%s %s path", service, probe).isEqualTo(path);
        Object probePort = Maps.at(container, probe + ".httpGet.port");
        Integer resolved = probePort instanceof String name ? Pods.containerPort(deployment, name) : (Integer) probePort;
        assertThat(resolved).as("%s %s port %s", service, probe, probePort).isEqualTo(port);
    }
}
