package io.mpsaas.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.mpsaas.deploy.support.HelmCli;
import io.mpsaas.deploy.support.KubeModel;
import io.mpsaas.deploy.support.Manifests;
import io.mpsaas.deploy.support.Maps;
import io.mpsaas.deploy.support.MiniSchema;
import io.mpsaas.deploy.support.Pods;
import io.mpsaas.deploy.support.Repo;
import io.mpsaas.deploy.support.ValueSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every chart passes {@code helm lint --strict}, and every value set renders objects that the Kubernetes model
 * accepts with no unknown field, that are hardened, and whose references (selectors, ports, names) resolve.
 */
class HelmChartsTest {

    /** API versions the charts may use: stable, served by every supported Kubernetes (1.25 and later). */
    private static final Set<String> API_VERSIONS = Set.of("v1", "apps/v1", "autoscaling/v2", "policy/v1",
            "networking.k8s.io/v1", "keda.sh/v1alpha1", "monitoring.coreos.com/v1");

    /** Custom resources, validated against our own small schemas (src/test/resources/crd-schemas/). */
    private static final Map<String, String> CRD_SCHEMAS = Map.of(
            "keda.sh/v1alpha1/ScaledObject", "keda.sh_v1alpha1_ScaledObject.yaml",
            "keda.sh/v1alpha1/TriggerAuthentication", "keda.sh_v1alpha1_TriggerAuthentication.yaml",
            "monitoring.coreos.com/v1/ServiceMonitor", "monitoring.coreos.com_v1_ServiceMonitor.yaml",
            "monitoring.coreos.com/v1/PrometheusRule", "monitoring.coreos.com_v1_PrometheusRule.yaml");

    /** Metadata keys KEDA's aws-sqs-queue and cpu scalers read; anything else is a typo KEDA would ignore. */
    private static final Map<String, Set<String>> TRIGGER_METADATA = Map.of(
            "aws-sqs-queue", Set.of("queueURL", "queueURLFromEnv", "queueLength", "activationQueueLength",
                    "awsRegion", "awsEndpoint", "scaleOnInFlight", "scaleOnDelayed"),
            "cpu", Set.of("value", "containerName"));

    static Stream<String> charts() {
        return Repo.CHARTS.stream();
    }

    static Stream<ValueSet> valueSets() {
        return ValueSet.all().stream();
    }

    @ParameterizedTest
    @MethodSource("charts")
    void chart_passesStrictLint(String chart) {
        // WHEN
        HelmCli.Result lint = HelmCli.get().lint(chart, List.of());

        // THEN
        assertThat(lint.ok()).as("helm lint --strict %s:\n%s", chart, lint.output()).isTrue();
    }

    @ParameterizedTest
    @MethodSource("valueSets")
    void valueSet_passesStrictLint(ValueSet set) {
        // WHEN
        HelmCli.Result lint = HelmCli.get().lint(set.chart(), set.valueFiles());

        // THEN
        assertThat(lint.ok()).as("helm lint --strict %s:\n%s", set, lint.output()).isTrue();
    }

    @ParameterizedTest
    @MethodSource("valueSets")
    void rendered_parsesIntoTheKubernetesModel_withNoUnknownField(ValueSet set) {
        // GIVEN
        Manifests manifests = set.render();
        List<String> problems = new ArrayList<>();

        // WHEN
        for (Manifests.Obj obj : manifests.all()) {
            if (!API_VERSIONS.contains(obj.apiVersion())) {
                problems.add(obj + ": apiVersion " + obj.apiVersion() + " is not one of " + API_VERSIONS);
            }
            String crd = CRD_SCHEMAS.get(obj.apiVersion() + "/" + obj.kind());
            if (crd != null) {
                MiniSchema.load(crd).validate(obj.body()).forEach(e -> problems.add(obj + " " + e));
                continue;
            }
            HasMetadata model = KubeModel.parse(obj);
            if (KubeModel.isGeneric(model)) {
                problems.add(obj + ": the Kubernetes model knows no " + obj.apiVersion() + " " + obj.kind());
            }
            KubeModel.unknownFields(model).forEach(f -> problems.add(obj + " unknown field " + f));
        }

        // THEN
        assertThat(manifests.all()).as("%s renders objects", set).isNotEmpty();
        assertThat(problems).as("%s", set).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("valueSets")
    void kedaTriggers_useOnlyKeysTheirScalerReads(ValueSet set) {
        List<String> problems = new ArrayList<>();
        for (Manifests.Obj scaled : set.render().ofKind("ScaledObject")) {
            for (Object t : scaled.list("spec.triggers")) {
                Map<String, Object> trigger = Maps.map(t);
                Set<String> known = TRIGGER_METADATA.get((String) trigger.get("type"));
                if (known == null) {
                    problems.add(scaled + ": trigger type " + trigger.get("type") + " is not one the charts use");
                    continue;
                }
                Maps.map(trigger.get("metadata")).keySet().stream().filter(k -> !known.contains(k))
                        .forEach(k -> problems.add(scaled + ": " + trigger.get("type") + " reads no " + k));
            }
        }
        for (Manifests.Obj auth : set.render().ofKind("TriggerAuthentication")) {
            Map<String, Object> identity = auth.map("spec.podIdentity");
            if (identity.containsKey("roleArn") && identity.containsKey("identityOwner")) {
                problems.add(auth + ": roleArn and identityOwner are mutually exclusive in KEDA");
            }
        }
        assertThat(problems).as("%s", set).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("valueSets")
    void pods_runNonRoot_readOnly_withoutCapabilities(ValueSet set) {
        for (String service : set.services()) {
            // GIVEN
            Manifests.Obj deployment = Pods.deploymentOf(set.render(), service);
            Map<String, Object> pod = deployment.map("spec.template.spec");
            Map<String, Object> container = Pods.container(deployment);
            Map<String, Object> security = Maps.map(container.get("securityContext"));

            // THEN
            assertThat(Maps.at(pod, "securityContext.runAsNonRoot")).as("%s pod runAsNonRoot", service).isEqualTo(true);
            assertThat(Maps.at(pod, "securityContext.seccompProfile.type")).isEqualTo("RuntimeDefault");
            assertThat(pod.get("automountServiceAccountToken")).as("%s: no Kubernetes API token", service)
                    .isEqualTo(false);
            assertThat(security).as("%s container securityContext", service)
                    .containsEntry("runAsNonRoot", true)
                    .containsEntry("readOnlyRootFilesystem", true)
                    .containsEntry("allowPrivilegeEscalation", false)
                    .containsEntry("privileged", false);
            assertThat(Maps.list(Maps.at(security, "capabilities.drop"))).containsExactly("ALL");
            assertThat(Maps.at(security, "seccompProfile.type")).isEqualTo("RuntimeDefault");
            // the read-only root filesystem leaves /tmp writable through an emptyDir
            String tmpVolume = Maps.list(container.get("volumeMounts")).stream().map(Maps::map)
                    .filter(m -> "/tmp".equals(m.get("mountPath"))).map(m -> (String) m.get("name"))
                    .findFirst().orElseThrow(() -> new AssertionError(service + ": nothing mounted on /tmp"));
            assertThat(Maps.list(pod.get("volumes")).stream().map(Maps::map)
                    .filter(v -> tmpVolume.equals(v.get("name"))).findFirst().orElseThrow())
                    .as("%s /tmp volume", service).containsKey("emptyDir");
            assertThat(Maps.at(container, "resources.requests.cpu")).as("%s cpu request", service).isNotNull();
            assertThat(Maps.at(container, "resources.requests.memory")).as("%s memory request", service).isNotNull();
            assertThat(Maps.at(container, "resources.limits.memory")).as("%s memory limit", service).isNotNull();
        }
    }

    @ParameterizedTest
    @MethodSource("valueSets")
    void replicas_areNeverPinnedToOne(ValueSet set) {
        Manifests manifests = set.render();
        for (String service : set.services()) {
            Manifests.Obj deployment = Pods.deploymentOf(manifests, service);
            List<Manifests.Obj> scalers = manifests.matching(o -> (o.kind().equals("HorizontalPodAutoscaler")
                    && deployment.name().equals(o.string("spec.scaleTargetRef.name")))
                    || (o.kind().equals("ScaledObject") && deployment.name().equals(o.string("spec.scaleTargetRef.name"))));
            Object replicas = deployment.at("spec.replicas").orElse(null);
            if (replicas == null) {
                // THEN an autoscaler owns the replica count, with at least two pods
                assertThat(scalers).as("%s %s: no replicas and no autoscaler", set, service).hasSize(1);
                Manifests.Obj scaler = scalers.get(0);
                Object min = scaler.at("spec.minReplicas").or(() -> scaler.at("spec.minReplicaCount")).orElseThrow();
                assertThat((Integer) min).as("%s %s minimum replicas", set, service).isGreaterThanOrEqualTo(2);
            } else {
                // THEN the Deployment's count holds, nothing fights over it
                assertThat((Integer) replicas).as("%s %s replicas", set, service).isGreaterThanOrEqualTo(2);
                assertThat(scalers).as("%s %s: replicas set and an autoscaler too", set, service).isEmpty();
            }
        }
    }

    @ParameterizedTest
    @MethodSource("valueSets")
    void references_resolveWithinTheRelease(ValueSet set) {
        Manifests m = set.render();
        List<String> problems = new ArrayList<>();
        List<Manifests.Obj> deployments = m.ofKind("Deployment");
        for (Manifests.Obj d : deployments) {
            Map<String, Object> labels = Pods.podLabels(d);
            if (!Pods.selects(d.map("spec.selector.matchLabels"), labels)) {
                problems.add(d + ": its selector does not match its own pods");
            }
            String account = d.string("spec.template.spec.serviceAccountName");
            if (m.find("ServiceAccount", account).isEmpty()) {
                problems.add(d + ": no ServiceAccount " + account);
            }
            for (Object from : Maps.list(Pods.container(d).get("envFrom"))) {
                Object configMap = Maps.at(from, "configMapRef.name");
                if (configMap != null && m.find("ConfigMap", (String) configMap).isEmpty()) {
                    problems.add(d + ": no ConfigMap " + configMap);
                }
            }
            for (Object volume : d.list("spec.template.spec.volumes")) {
                Object configMap = Maps.at(volume, "configMap.name");
                if (configMap != null && m.find("ConfigMap", (String) configMap).isEmpty()) {
                    problems.add(d + ": no ConfigMap " + configMap + " for a volume");
                }
            }
            for (Object spread : Maps.list(d.at("spec.template.spec.topologySpreadConstraints").orElse(null))) {
                if (!Pods.selects(Maps.map(Maps.at(spread, "labelSelector.matchLabels")), labels)) {
                    problems.add(d + ": a topology spread constraint does not select its pods");
                }
            }
        }
        for (Manifests.Obj s : m.ofKind("Service")) {
            List<Manifests.Obj> selected = deployments.stream()
                    .filter(d -> Pods.selects(s.map("spec.selector"), Pods.podLabels(d))).toList();
            if (selected.size() != 1) {
                problems.add(s + " selects " + selected);
                continue;
            }
            for (Object p : s.list("spec.ports")) {
                Object target = Maps.map(p).get("targetPort");
                if (target instanceof String name && Pods.containerPort(selected.get(0), name) == null) {
                    problems.add(s + ": targetPort " + name + " is no port of " + selected.get(0));
                }
            }
        }
        for (String kind : List.of("PodDisruptionBudget", "NetworkPolicy")) {
            for (Manifests.Obj o : m.ofKind(kind)) {
                String path = kind.equals("NetworkPolicy") ? "spec.podSelector.matchLabels" : "spec.selector.matchLabels";
                long selected = deployments.stream().filter(d -> Pods.selects(o.map(path), Pods.podLabels(d))).count();
                if (selected != 1) {
                    problems.add(o + " selects " + selected + " Deployments");
                }
            }
        }
        for (Manifests.Obj n : m.ofKind("NetworkPolicy")) {
            Manifests.Obj d = deployments.stream()
                    .filter(x -> Pods.selects(n.map("spec.podSelector.matchLabels"), Pods.podLabels(x))).findFirst()
                    .orElse(null);
            for (Object rule : n.list("spec.ingress")) {
                for (Object port : Maps.list(Maps.map(rule).get("ports"))) {
                    Object name = Maps.map(port).get("port");
                    if (d != null && name instanceof String s && Pods.containerPort(d, s) == null) {
                        problems.add(n + ": ingress port " + s + " is no port of " + d);
                    }
                }
            }
        }
        for (String kind : List.of("HorizontalPodAutoscaler", "ScaledObject")) {
            for (Manifests.Obj o : m.ofKind(kind)) {
                String target = o.string("spec.scaleTargetRef.name");
                if (m.find("Deployment", target).isEmpty()) {
                    problems.add(o + ": no Deployment " + target);
                }
            }
        }
        for (Manifests.Obj o : m.ofKind("ScaledObject")) {
            for (Object t : o.list("spec.triggers")) {
                Object auth = Maps.at(t, "authenticationRef.name");
                if (auth != null && m.find("TriggerAuthentication", (String) auth).isEmpty()) {
                    problems.add(o + ": no TriggerAuthentication " + auth);
                }
            }
        }
        for (Manifests.Obj monitor : m.ofKind("ServiceMonitor")) {
            List<Manifests.Obj> services = m.ofKind("Service").stream()
                    .filter(s -> Pods.selects(monitor.map("spec.selector.matchLabels"), s.map("metadata.labels"))).toList();
            if (services.size() != 1) {
                problems.add(monitor + " selects the Services " + services);
                continue;
            }
            for (Object endpoint : monitor.list("spec.endpoints")) {
                Object port = Maps.map(endpoint).get("port");
                boolean named = services.get(0).list("spec.ports").stream().anyMatch(p -> port.equals(Maps.map(p).get("name")));
                if (!named) {
                    problems.add(monitor + ": the Service has no port " + port);
                }
            }
        }
        for (Manifests.Obj ingress : m.ofKind("Ingress")) {
            for (Object rule : ingress.list("spec.rules")) {
                for (Object path : Maps.list(Maps.at(rule, "http.paths"))) {
                    String service = (String) Maps.at(path, "backend.service.name");
                    Object port = Maps.at(path, "backend.service.port.name");
                    boolean ok = m.find("Service", service).map(s -> s.list("spec.ports").stream()
                            .anyMatch(p -> port.equals(Maps.map(p).get("name")))).orElse(false);
                    if (!ok) {
                        problems.add(ingress + ": no Service " + service + " with port " + port);
                    }
                }
            }
        }
        assertThat(problems).as("%s", set).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("valueSets")
    void ingress_routesOnlyTheBuyersPaths_toTheHttpPort_neverQ(ValueSet set) {
        for (Manifests.Obj ingress : set.render().ofKind("Ingress")) {
            for (Object rule : ingress.list("spec.rules")) {
                assertThat((String) Maps.map(rule).get("host")).as("%s %s host", set, ingress).isNotBlank();
                List<Object> paths = Maps.list(Maps.at(rule, "http.paths"));
                // the fulfillment path (Exact), the registration submit (Exact) and the pages' assets
                assertThat(paths).as("%s %s", set, ingress).hasSize(3).allSatisfy(p -> {
                    String path = (String) Maps.at(p, "path");
                    assertThat(path).doesNotStartWith("/q");
                    assertThat(Maps.at(p, "backend.service.port.name")).isEqualTo("http");
                });
                assertThat(paths).extracting(p -> Maps.at(p, "path") + " " + Maps.at(p, "pathType"))
                        .contains("/register Exact", "/assets Prefix");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("valueSets")
    void zones_areARule_overAtLeastTwo_nodesAPreference(ValueSet set) {
        for (String service : set.services()) {
            Manifests.Obj deployment = Pods.deploymentOf(set.render(), service);
            Map<String, Map<String, Object>> byKey = new java.util.HashMap<>();
            deployment.list("spec.template.spec.topologySpreadConstraints")
                    .forEach(c -> byKey.put((String) Maps.map(c).get("topologyKey"), Maps.map(c)));

            Map<String, Object> zone = byKey.get("topology.kubernetes.io/zone");
            assertThat(zone).as("%s %s zone spread", set, service).isNotNull()
                    .containsEntry("whenUnsatisfiable", "DoNotSchedule");
            assertThat((Integer) zone.get("minDomains")).as("%s %s minDomains", set, service).isGreaterThanOrEqualTo(2);
            assertThat(Maps.list(zone.get("matchLabelKeys"))).containsExactly("pod-template-hash");
            assertThat(byKey).containsKey("kubernetes.io/hostname");
        }
    }

    @ParameterizedTest
    @MethodSource("valueSets")
    void networkPolicy_letsOnlyMonitoringReachTheManagementPort_andPodsReachThePodIdentityAgent(ValueSet set) {
        for (Manifests.Obj policy : set.render().ofKind("NetworkPolicy")) {
            List<Map<String, Object>> rules = policy.list("spec.ingress").stream().map(Maps::map).toList();
            // THEN the management port has its own rule, from named peers only (never "any source")
            List<Map<String, Object>> management = rules.stream().filter(r -> Maps.list(r.get("ports")).stream()
                    .anyMatch(p -> "management".equals(Maps.map(p).get("port")))).toList();
            assertThat(management).as("%s %s", set, policy).singleElement()
                    .satisfies(r -> assertThat(Maps.list(r.get("from"))).isNotEmpty());
            assertThat(rules).filteredOn(r -> !management.contains(r)).allSatisfy(r -> assertThat(Maps.list(r.get("ports")))
                    .extracting(p -> Maps.map(p).get("port")).containsExactly("http"));
            boolean podIdentity = policy.list("spec.egress").stream().anyMatch(r -> Maps.list(Maps.map(r).get("to"))
                    .stream().anyMatch(to -> "169.254.170.23/32".equals(Maps.at(to, "ipBlock.cidr"))));
            // (the console calls no AWS API: no route to the agent)
            assertThat(podIdentity).as("%s %s: egress to the EKS Pod Identity agent", set, policy)
                    .isEqualTo(!set.name().equals("all-options") && !Pods.service(policy).equals("operator-console"));
        }
    }

    @ParameterizedTest
    @MethodSource("valueSets")
    void onlyOnboarding_isExposedThroughAnIngress(ValueSet set) {
        for (Manifests.Obj ingress : set.render().ofKind("Ingress")) {
            assertThat(Pods.service(ingress)).as("%s %s", set, ingress).isEqualTo("onboarding-service");
        }
        for (Manifests.Obj service : set.render().ofKind("Service")) {
            assertThat(service.string("spec.type")).as("%s %s stays inside the cluster", set, service)
                    .isEqualTo("ClusterIP");
        }
    }
}
