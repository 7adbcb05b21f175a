package io.mpsaas.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mpsaas.deploy.support.HelmCli;
import io.mpsaas.deploy.support.Manifests;
import io.mpsaas.deploy.support.Maps;
import io.mpsaas.deploy.support.PromQl;
import io.mpsaas.deploy.support.Repo;
import io.mpsaas.sandbox.LocalSuite;
import io.mpsaas.sandbox.Sandbox;
import io.mpsaas.sandbox.testing.PrometheusText;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The Grafana dashboard (deploy/grafana/) and the alert rules (the umbrella chart's PrometheusRule and its rendering
 * deploy/prometheus/mpsaas-rules.yaml) parse, agree with each other, and name only metrics the services really expose:
 * the three services are started (LocalSuite, the built jars, against the sandbox) and their /q/metrics read, as a
 * freshly deployed suite shows them before any traffic.
 */
class OperationsTest {

    private static final Path DASHBOARD = Repo.deploy().resolve("grafana/mpsaas-dashboard.json");
    private static final Path RULES = Repo.deploy().resolve("prometheus/mpsaas-rules.yaml");

    private static LocalSuite suite;
    private static final Map<String, Set<String>> EXPOSED = new LinkedHashMap<>();

    @BeforeAll
    static void startTheServices() throws Exception {
        Path root = Repo.root();
        LocalSuite.Options options = new LocalSuite.Options(root, Sandbox.Ports.RANDOM, true,
                Repo.target().resolve("operations-test-logs"), Map.of(), Map.of());
        suite = LocalSuite.start(options);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        for (LocalSuite.Service service : LocalSuite.Service.values()) {
            HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(suite.managementUrl(service).resolve("/q/metrics"))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(metrics.statusCode()).as("%s /q/metrics", service.module()).isEqualTo(200);
            EXPOSED.put(service.module(), PrometheusText.parse(metrics.body()).names());
        }
    }

    @AfterAll
    static void stopTheServices() {
        if (suite != null) {
            suite.close();
        }
    }

    private static Set<String> exposedByAnyService() {
        Set<String> all = new TreeSet<>();
        EXPOSED.values().forEach(all::addAll);
        return all;
    }

    // ---------------------------------------------------------------- the dashboard

    static JsonNode dashboard() throws IOException {
        return new ObjectMapper().readTree(DASHBOARD.toFile());
    }

    static List<String> dashboardExpressions() throws IOException {
        List<String> exprs = new ArrayList<>();
        for (JsonNode panel : dashboard().path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                exprs.add(target.path("expr").asText());
            }
        }
        return exprs;
    }

    @Test
    void dashboard_isGrafanaJson_everyPanelQueriesThePrometheusVariable() throws IOException {
        JsonNode dashboard = dashboard();

        assertThat(dashboard.path("uid").asText()).isEqualTo("mpsaas-overview");
        assertThat(dashboard.path("templating").path("list").findValuesAsText("name")).contains("datasource");
        List<JsonNode> panels = new ArrayList<>();
        dashboard.path("panels").forEach(panels::add);
        assertThat(panels).filteredOn(p -> !p.path("type").asText().equals("row")).hasSizeGreaterThan(15)
                .allSatisfy(p -> {
                    assertThat(p.path("title").asText()).isNotBlank();
                    assertThat(p.path("datasource").path("uid").asText()).isEqualTo("${datasource}");
                    assertThat(p.path("targets")).isNotEmpty()
                            .allSatisfy(t -> assertThat(t.path("expr").asText()).isNotBlank());
                });
    }

    @Test
    void dashboard_namesOnlyMetricsTheServicesExpose() throws IOException {
        Set<String> named = new TreeSet<>();
        dashboardExpressions().forEach(e -> named.addAll(PromQl.metricNames(e)));

        assertThat(named).as("metrics the dashboard shows").hasSizeGreaterThan(15);
        assertThat(named).as("metrics on no service's /q/metrics (exposed: %s)", EXPOSED)
                .isSubsetOf(exposedByAnyService());
    }

    // ---------------------------------------------------------------- the alerts

    static List<Map<String, Object>> rules(List<Object> groups) {
        List<Map<String, Object>> rules = new ArrayList<>();
        for (Object group : groups) {
            for (Object rule : (List<?>) Maps.map(group).get("rules")) {
                rules.add(Maps.map(rule));
            }
        }
        return rules;
    }

    static List<Object> plainRuleGroups() throws IOException {
        Map<String, Object> file = Maps.map(new Yaml(new SafeConstructor(new LoaderOptions()))
                .load(Files.readString(RULES)));
        return Maps.list(file.get("groups"));
    }

    static Stream<Map<String, Object>> alerts() throws IOException {
        return rules(plainRuleGroups()).stream();
    }

    @Test
    void rulesFile_isTheChartsPrometheusRule_renderedWithTheDefaults() throws IOException {
        // WHEN the umbrella renders its PrometheusRule with the default thresholds
        HelmCli.Result rendered = HelmCli.get().run("template", "mpsaas", HelmCli.get().chart(Repo.UMBRELLA).toString(),
                "--namespace", "mpsaas", "--set", "prometheusRule.enabled=true");
        assertThat(rendered.ok()).as(rendered.output()).isTrue();
        List<Manifests.Obj> rules = Manifests.parse(rendered.stdout()).ofKind("PrometheusRule");

        // THEN it is exactly the plain rules file
        assertThat(rules).hasSize(1);
        assertThat(rules.get(0).list("spec.groups")).isEqualTo(plainRuleGroups());
    }

    @Test
    void chartsPrometheusRule_isOffByDefault() {
        HelmCli.Result rendered = HelmCli.get().template(Repo.UMBRELLA, "mpsaas", "mpsaas", List.of(), Map.of());
        assertThat(Manifests.parse(rendered.stdout()).ofKind("PrometheusRule")).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("alerts")
    void everyAlert_hasASeverityASummaryAndAnAction_andNamesExposedMetrics(Map<String, Object> rule) {
        String alert = (String) rule.get("alert");
        Set<String> named = PromQl.metricNames((String) rule.get("expr"));

        assertThat(alert).startsWith("Mpsaas");
        assertThat(Maps.map(rule.get("labels")).get("severity")).as(alert).isIn("warning", "critical");
        Map<String, Object> annotations = Maps.map(rule.get("annotations"));
        assertThat((String) annotations.get("summary")).as(alert).isNotBlank();
        assertThat((String) annotations.get("description")).as(alert).isNotBlank();
        assertThat(named).as("%s names metrics", alert).isNotEmpty();
        assertThat(named).as("%s: metrics on no service's /q/metrics (exposed: %s)", alert, EXPOSED)
                .isSubsetOf(exposedByAnyService());
    }

    @Test
    void readme_explainsEveryAlert_andTheDeployReadmeShowsTheChartValue() throws IOException {
        String readme = Files.readString(Repo.root().resolve("README.md"));
        String operations = readme.substring(readme.indexOf("## Operations"));
        assertThat(alerts().map(r -> (String) r.get("alert"))).allSatisfy(alert ->
                assertThat(operations).as("README Operations explains %s", alert).contains("`" + alert + "`"));
    }

    // ---------------------------------------------------------------- the services' own configuration

    static Stream<String> services() {
        return Repo.SERVICES.stream();
    }

    @ParameterizedTest
    @MethodSource("services")
    void logsAreJsonInProduction_plainInDevAndTest_tracingOffUntilEnabled(String service) throws IOException {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(Repo.applicationProperties(service))) {
            properties.load(in);
        }

        // quarkus-logging-json writes JSON unless a profile turns it off
        assertThat(properties.getProperty("%prod.quarkus.log.console.json.enabled",
                properties.getProperty("quarkus.log.console.json.enabled", "true"))).as(service).isEqualTo("true");
        assertThat(properties.getProperty("%dev.quarkus.log.console.json.enabled")).as(service).isEqualTo("false");
        assertThat(properties.getProperty("%test.quarkus.log.console.json.enabled")).as(service).isEqualTo("false");
        assertThat(Files.readString(Repo.root().resolve(service).resolve("pom.xml")))
                .contains("<artifactId>quarkus-logging-json</artifactId>")
                .contains("<artifactId>quarkus-opentelemetry</artifactId>");
        // one setting turns tracing on; every send carries the context through SQS (the console sends none)
        assertThat(properties.getProperty("quarkus.otel.sdk.disabled")).as(service).isEqualTo("true");
        if (Repo.AWS_SERVICES.contains(service)) {
            assertThat(properties.getProperty("quarkus.sqs.interceptors")).as(service)
                    .isEqualTo("io.mpsaas.common.messaging.TraceContextSqsInterceptor");
        }
    }

    static Stream<String> awsServices() {
        return Repo.AWS_SERVICES.stream();
    }

    @ParameterizedTest
    @MethodSource("awsServices")
    void everyServiceExposesTheSharedMetrics(String service) {
        assertThat(EXPOSED.get(service)).as(service).contains("mpsaas_marketplace_calls_total",
                "mpsaas_marketplace_attempts_total", "mpsaas_marketplace_call_seconds_bucket",
                "mpsaas_sqs_dlq_messages");
    }
}
