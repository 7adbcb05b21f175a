package io.mpsaas.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.mpsaas.deploy.support.HelmCli;
import io.mpsaas.deploy.support.Manifests;
import io.mpsaas.deploy.support.Maps;
import io.mpsaas.deploy.support.Pods;
import io.mpsaas.deploy.support.Repo;
import io.mpsaas.deploy.support.ValueSet;
import java.util.List;
import java.util.Properties;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the values do: values.schema.json refuses what no chart understands, config and the existing Secret become
 * the service's environment, the umbrella's global values reach the three services, KEDA takes over from the HPA.
 */
class ChartValuesTest {

    static Stream<String> services() {
        return Repo.SERVICES.stream();
    }

    @ParameterizedTest
    @MethodSource("services")
    void schema_refusesAnUnknownValue(String service) {
        // WHEN
        HelmCli.Result result = template(service, Map.of("replicas", "3"));

        // THEN
        assertThat(result.ok()).isFalse();
        assertThat(result.stderr()).contains("replicas");
    }

    @ParameterizedTest
    @MethodSource("services")
    void schema_refusesAValueOfTheWrongType(String service) {
        // WHEN replicaCount comes as a string
        HelmCli.Result result = template(service, Map.of("replicaCount", "two"));

        // THEN
        assertThat(result.ok()).isFalse();
        assertThat(result.stderr()).contains("replicaCount");
    }

    @Test
    void schema_refusesAConfigKeyOutsideSuiteAndQuarkus() {
        HelmCli.Result result = template("metering-service", Map.of("config.JAVA_HOME", "/opt"));

        assertThat(result.ok()).isFalse();
        assertThat(result.stderr()).contains("JAVA_HOME");
    }

    @ParameterizedTest
    @MethodSource("services")
    void ingress_isOfferedByOnboardingOnly(String service) {
        // WHEN
        HelmCli.Result result = HelmCli.get().run("template", "mpsaas", HelmCli.get().chart(service).toString(),
                "--set", "ingress.enabled=true");
        HelmCli.Result withHost = HelmCli.get().run("template", "mpsaas", HelmCli.get().chart(service).toString(),
                "--set", "ingress.enabled=true,ingress.hosts[0]=signup.example.com");

        // THEN the public service renders its Ingress; the others have no such value at all
        if (service.equals("onboarding-service")) {
            assertThat(withHost.ok()).as(withHost.output()).isTrue();
            assertThat(Manifests.parse(withHost.stdout()).ofKind("Ingress")).hasSize(1);
            assertThat(result.ok()).isFalse();
            assertThat(result.stderr()).as("an Ingress needs its host").contains("ingress.hosts");
        } else {
            assertThat(result.ok()).isFalse();
            // Helm 4: "additional properties 'ingress' not allowed"; Helm 3: "Additional property ingress is not allowed"
            assertThat(result.stderr().toLowerCase()).contains("additional propert").contains("ingress");
        }
    }

    @Test
    void albIngress_isAPublicHttpsAlbWithIpTargets_andTheRateLimitReadsTheBuyersAddress() {
        // GIVEN the umbrella as the README installs it: ingress.alb with the certificate and the WAF web ACL
        Manifests manifests = new ValueSet(Repo.UMBRELLA, "production", List.of("mpsaas-production.yaml")).render();

        // WHEN
        Manifests.Obj ingress = manifests.ofKind("Ingress").get(0);
        Map<String, Object> annotations = ingress.map("metadata.annotations");

        // THEN an internet-facing ALB sends HTTPS (HTTP redirected) straight to the pods, with the WAF in front
        assertThat(ingress.string("spec.ingressClassName")).isEqualTo("alb");
        assertThat(annotations)
                .containsEntry("alb.ingress.kubernetes.io/scheme", "internet-facing")
                .containsEntry("alb.ingress.kubernetes.io/target-type", "ip")
                .containsEntry("alb.ingress.kubernetes.io/listen-ports", "[{\"HTTP\": 80}, {\"HTTPS\": 443}]")
                .containsEntry("alb.ingress.kubernetes.io/ssl-redirect", "443")
                .containsEntry("alb.ingress.kubernetes.io/certificate-arn",
                        "arn:aws:acm:us-east-1:123456789012:certificate/0f0e0d0c-1111-2222-3333-444455556666")
                .containsEntry("alb.ingress.kubernetes.io/wafv2-acl-arn",
                        "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/mpsaas-fulfillment/abcd")
                .containsEntry("alb.ingress.kubernetes.io/healthcheck-path", "/assets/onboarding.css");
        assertThat(ingress.list("spec.rules")).extracting(r -> Maps.map(r).get("host")).containsExactly("signup.example.com");
        assertThat(Maps.list(Maps.at(ingress.list("spec.rules").get(0), "http.paths")))
                .extracting(p -> Maps.at(p, "path") + " " + Maps.at(p, "pathType"))
                .containsExactly("/ Exact", "/register Exact", "/assets Prefix");
        // every request comes from the ALB: its X-Forwarded-For is believed from the VPC's addresses only
        assertThat(ChartConfigKeysTest.configMap(manifests, "onboarding-service"))
                .containsEntry("SUITE_ONBOARDING_TRUSTED_PROXIES", "10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,100.64.0.0/10");
        assertThat(ChartConfigKeysTest.configMap(ValueSet.defaults("onboarding-service").render(), "onboarding-service"))
                .doesNotContainKey("SUITE_ONBOARDING_TRUSTED_PROXIES");
    }

    @Test
    void albIngress_withoutACertificate_isRefused_sinceAwsRequiresHttps() {
        HelmCli.Result result = HelmCli.get().run("template", "o", HelmCli.get().chart("onboarding-service").toString(),
                "--set", "ingress.enabled=true,ingress.alb.enabled=true,ingress.hosts[0]=signup.example.com");

        assertThat(result.ok()).isFalse();
        assertThat(result.stderr()).contains("ingress.alb.certificateArn");
    }

    @Test
    void ingress_followsTheFulfillmentPath() {
        Manifests manifests = new ValueSet("onboarding-service", "all-options",
                List.of("onboarding-service-all-options.yaml")).render();

        assertThat(manifests.ofKind("Ingress").get(0).list("spec.rules")).allSatisfy(r -> assertThat(
                Maps.list(Maps.at(r, "http.paths"))).extracting(p -> Maps.at(p, "path"))
                .containsExactly("/aws/signup", "/register", "/assets"));
    }

    @Test
    void topologySpread_minDomainsWithoutDoNotSchedule_isRefused() {
        HelmCli.Result result = HelmCli.get().run("template", "m", HelmCli.get().chart("metering-service").toString(),
                "--set", "topologySpread.zone.whenUnsatisfiable=ScheduleAnyway");

        assertThat(result.ok()).isFalse();
        assertThat(result.stderr()).contains("minDomains needs whenUnsatisfiable DoNotSchedule");
    }

    @Test
    void config_cannotCarryASecretKey() {
        // WHEN an API key is put in plain config although the Secret provides it
        HelmCli.Result result = template("entitlement-service", Map.of("config.suite\\.api\\.keys", "k"));

        // THEN
        assertThat(result.ok()).isFalse();
        assertThat(result.stderr()).contains("config.suite.api.keys: it comes from the Secret");
    }

    @Test
    void config_cannotShadowTheSharedSettings() {
        // WHEN a table name comes through config instead of suite.tables
        HelmCli.Result result = template("entitlement-service", Map.of("config.suite\\.tables\\.customers", "x"));

        // THEN
        assertThat(result.ok()).isFalse();
        assertThat(result.stderr()).contains("config.suite.tables.customers: set it through suite.*");
    }

    @Test
    void suiteValues_becomeEnvironmentVariables_configBecomesAPropertiesFileTheServiceReads() {
        // GIVEN every option of metering-service
        Manifests manifests = new ValueSet("metering-service", "all-options",
                List.of("metering-service-all-options.yaml")).render();
        Manifests.Obj deployment = Pods.deploymentOf(manifests, "metering-service");

        // WHEN
        Map<String, Object> env = ChartConfigKeysTest.configMap(manifests, "metering-service");
        Properties file = ChartConfigKeysTest.configFile(manifests, "metering-service");

        // THEN the shared settings are environment variables (SmallRye's names), the rest a file whose property
        // names keep their quotes and case, mounted read-only where QUARKUS_CONFIG_LOCATIONS points
        assertThat(env).containsEntry("SUITE_TABLES_CUSTOMERS", "prod-customers")
                .containsEntry("SUITE_AWS_REGION", "eu-west-1")
                .containsEntry("SUITE_QUEUES_NOTIFICATIONS",
                        "prod-notifications,https://sqs.eu-west-1.amazonaws.com/123456789012/prod-notifications-legacy");
        assertThat(file).containsEntry("suite.marketplace.max-attempts", "6")
                .containsEntry("suite.metering.products.\"prod-x\".dimensions", "requests,gb_stored")
                .containsEntry("quarkus.log.category.\"io.mpsaas\".level", "DEBUG");
        assertThat(Maps.list(Pods.container(deployment).get("env")))
                .contains(Map.of("name", "QUARKUS_CONFIG_LOCATIONS", "value", "/etc/mpsaas/config/application.properties"));
        assertThat(Maps.list(Pods.container(deployment).get("volumeMounts")))
                .contains(Map.of("name", "config", "mountPath", "/etc/mpsaas/config", "readOnly", true));
    }

    @Test
    void noConfig_noConfigFile() {
        Manifests manifests = ValueSet.defaults("metering-service").render();

        assertThat(manifests.ofKind("ConfigMap")).extracting(Manifests.Obj::name).containsExactly("metering-service");
        assertThat(Pods.container(Pods.deploymentOf(manifests, "metering-service"))).doesNotContainKey("env");
    }

    @Test
    void existingSecret_feedsTheSecretKeysAsEnvironmentVariables() {
        // GIVEN metering-service with its Secret, admin keys left out
        Manifests manifests = new ValueSet("metering-service", "all-options",
                List.of("metering-service-all-options.yaml")).render();

        // WHEN
        List<Object> env = Maps.list(Pods.container(Pods.deploymentOf(manifests, "metering-service")).get("env"));

        // THEN
        assertThat(env).contains(Map.of("name", "SUITE_API_KEYS",
                "valueFrom", Map.of("secretKeyRef", Map.of("name", "metering-secrets", "key", "api-keys"))));
        assertThat(env).noneMatch(e -> "SUITE_API_ADMIN_KEYS".equals(Maps.map(e).get("name")));
    }

    /** The Secret keys each service reads: its own, nothing of another's (the issue: onboarding mounted API keys). */
    static final Map<String, Map<String, String>> SECRET_KEYS = Map.of(
            "onboarding-service", Map.of("SUITE_ONBOARDING_SIGNING_SECRET", "signing-secret",
                    "SUITE_ONBOARDING_CSRF_SECRET", "csrf-secret", "SUITE_WEBHOOKS_ENDPOINTS_APP_SECRETS",
                    "webhook-secrets", "SUITE_API_ADMIN_KEYS", "admin-keys"),
            "entitlement-service", Map.of("SUITE_API_KEYS", "api-keys", "SUITE_API_ADMIN_KEYS", "admin-keys",
                    "SUITE_WEBHOOKS_ENDPOINTS_APP_SECRETS", "webhook-secrets"),
            "metering-service", Map.of("SUITE_API_KEYS", "api-keys", "SUITE_API_ADMIN_KEYS", "admin-keys"),
            "operator-console", Map.of("SUITE_CONSOLE_OPERATOR_KEYS", "operator-keys", "SUITE_CONSOLE_ADMIN_KEY",
                    "admin-key", "SUITE_CONSOLE_SESSION_SECRET", "session-secret"));

    @Test
    void eachService_readsItsOwnSecret_withOnlyItsKeys() {
        // GIVEN the umbrella with the defaults (the Secrets deploy/kubernetes/external-secrets.yaml makes)
        Manifests manifests = ValueSet.defaults(Repo.UMBRELLA).render();

        for (String service : Repo.SERVICES) {
            // WHEN the Secret-backed variables of the service's pod are read
            Map<String, String> keys = new java.util.TreeMap<>();
            java.util.Set<String> secrets = new java.util.TreeSet<>();
            for (Object e : Maps.list(Pods.container(Pods.deploymentOf(manifests, service)).get("env"))) {
                Object ref = Maps.at(e, "valueFrom.secretKeyRef");
                if (ref != null) {
                    keys.put((String) Maps.map(e).get("name"), (String) Maps.map(ref).get("key"));
                    secrets.add((String) Maps.map(ref).get("name"));
                }
            }

            // THEN one Secret of its own, holding exactly the keys the service reads
            assertThat(secrets).as(service).containsExactly(service + "-secrets");
            assertThat(keys).as(service).isEqualTo(SECRET_KEYS.get(service));
        }
    }

    @Test
    void onboarding_servesOnlyTheSellersAdminApi_soItsSecretHoldsAdminKeysOnly() throws Exception {
        // GIVEN every class of onboarding-service, as built
        java.nio.file.Path classes = Repo.root().resolve("onboarding-service/target/classes");
        assertThat(classes).isDirectory();
        org.jboss.jandex.Indexer indexer = new org.jboss.jandex.Indexer();
        try (java.util.stream.Stream<java.nio.file.Path> walk = java.nio.file.Files.walk(classes)) {
            for (java.nio.file.Path c : walk.filter(p -> p.toString().endsWith(".class")).toList()) {
                try (java.io.InputStream in = java.nio.file.Files.newInputStream(c)) {
                    indexer.index(in);
                }
            }
        }

        // THEN the one endpoint that asks for a key is the seller's registration-link API, which takes an admin key
        // (README, "Purchases made through the API"), and the chart maps the admin keys only, never the app keys
        assertThat(indexer.complete().getAnnotations(org.jboss.jandex.DotName.createSimple(
                io.mpsaas.common.security.SecuredApi.class.getName())))
                .singleElement().satisfies(secured -> {
                    assertThat(secured.target().asClass().name().toString())
                            .isEqualTo("io.mpsaas.onboarding.rest.RegistrationLinkResource");
                    assertThat(secured.value().asEnum()).isEqualTo(io.mpsaas.common.security.ApiRole.ADMIN.name());
                });
        Map<String, Object> values = Maps.map(new org.yaml.snakeyaml.Yaml().load(java.nio.file.Files.readString(
                Repo.charts().resolve("onboarding-service/values.yaml"))));
        assertThat(Maps.map(Maps.at(values, "existingSecret.keys")).keySet()).filteredOn(k -> k.startsWith("suite.api."))
                .containsExactly("suite.api.admin-keys");
    }

    @Test
    void umbrella_refusesTwoServicesReadingOneSecret() {
        HelmCli.Result result = HelmCli.get().run("template", "mpsaas", HelmCli.get().chart(Repo.UMBRELLA).toString(),
                "--set", "metering-service.existingSecret.name=entitlement-service-secrets");

        assertThat(result.ok()).isFalse();
        assertThat(result.stderr()).contains("metering-service.existingSecret.name: entitlement-service-secrets is"
                + " entitlement-service's Secret already");
    }

    @Test
    void umbrellaGlobals_reachEveryService() {
        // GIVEN the umbrella with shared names, images and Secret set once
        Manifests manifests = new ValueSet(Repo.UMBRELLA, "production", List.of("mpsaas-production.yaml")).render();

        for (String service : Repo.AWS_SERVICES) {
            // WHEN
            Map<String, Object> data = ChartConfigKeysTest.configMap(manifests, service);
            Map<String, Object> container = Pods.container(Pods.deploymentOf(manifests, service));

            // THEN global.suite wins over the chart's defaults, keys it leaves out keep them
            assertThat(data).as(service)
                    .containsEntry("SUITE_TABLES_CUSTOMERS", "prod-marketplace-customers")
                    .containsEntry("SUITE_TABLES_INBOX", "marketplace-inbox")
                    .containsEntry("SUITE_QUEUES_NOTIFICATIONS", "prod-marketplace-notifications")
                    .containsEntry("SUITE_QUEUES_USAGE", "prod-metering-usage");
            assertThat(container.get("image")).as(service)
                    .isEqualTo("123456789012.dkr.ecr.us-east-1.amazonaws.com/mpsaas/" + service + ":1.0.0");
            assertThat(Maps.list(container.get("env"))).as(service).filteredOn(e -> Maps.at(e, "valueFrom") != null)
                    .isNotEmpty().allSatisfy(e -> assertThat(Maps.at(e, "valueFrom.secretKeyRef.name"))
                            .isEqualTo("prod-" + service.replace("-service", "") + "-secrets"));
            assertThat(Maps.list(Maps.at(Pods.deploymentOf(manifests, service).body(), "spec.template.spec.imagePullSecrets")))
                    .as(service).containsExactly(Map.of("name", "registry"));
        }
    }

    @Test
    void umbrella_canLeaveAServiceOut() {
        // WHEN
        HelmCli.Result result = HelmCli.get().template(Repo.UMBRELLA, "mpsaas", ValueSet.NAMESPACE, List.of(),
                Map.of());
        HelmCli.Result without = HelmCli.get().run("template", "mpsaas", HelmCli.get().chart(Repo.UMBRELLA).toString(),
                "--set", "metering-service.enabled=false");

        // THEN
        assertThat(Manifests.parse(result.stdout()).ofKind("Deployment")).hasSize(Repo.SERVICES.size());
        assertThat(without.ok()).as(without.output()).isTrue();
        assertThat(Manifests.parse(without.stdout()).ofKind("Deployment")).extracting(Pods::service)
                .containsExactlyInAnyOrder("onboarding-service", "entitlement-service", "operator-console");
    }

    @Test
    void serviceAccount_carriesTheIrsaRole() {
        Manifests manifests = new ValueSet(Repo.UMBRELLA, "production", List.of("mpsaas-production.yaml")).render();

        assertThat(manifests.get("ServiceAccount", "metering-service").map("metadata.annotations"))
                .containsEntry("eks.amazonaws.com/role-arn", "arn:aws:iam::123456789012:role/mpsaas-MeteringRole-GHI");
    }

    @ParameterizedTest
    @MethodSource("kedaServices")
    void keda_replacesTheHpa_andWatchesTheServicesQueue(String service, String queueVariable) {
        // GIVEN
        Manifests manifests = new ValueSet(Repo.UMBRELLA, "production", List.of("mpsaas-production.yaml")).render();
        Map<String, Object> data = ChartConfigKeysTest.configMap(manifests, service);

        // WHEN
        List<Manifests.Obj> scaled = manifests.matching(o -> o.kind().equals("ScaledObject") && service.equals(Pods.service(o)));

        // THEN KEDA scales on the queue the service consumes, in the stack's region and account
        assertThat(scaled).hasSize(1);
        assertThat(manifests.matching(o -> o.kind().equals("HorizontalPodAutoscaler") && service.equals(Pods.service(o))))
                .isEmpty();
        List<String> queueUrls = scaled.get(0).list("spec.triggers").stream()
                .filter(t -> "aws-sqs-queue".equals(Maps.map(t).get("type")))
                .map(t -> (String) Maps.at(t, "metadata.queueURL")).toList();
        List<String> expected = Stream.of(((String) data.get(queueVariable)).split(","))
                .map(q -> "https://sqs." + data.get("SUITE_AWS_REGION") + ".amazonaws.com/123456789012/" + q).toList();
        assertThat(queueUrls).isEqualTo(expected);
    }

    static Stream<Arguments> kedaServices() {
        return Stream.of(Arguments.of("entitlement-service", "SUITE_QUEUES_NOTIFICATIONS"),
                Arguments.of("metering-service", "SUITE_QUEUES_USAGE"));
    }

    @Test
    void keda_withoutTheQueuesAccount_saysWhatIsMissing() {
        HelmCli.Result result = HelmCli.get().run("template", "m", HelmCli.get().chart("metering-service").toString(),
                "--set", "keda.enabled=true");

        assertThat(result.ok()).isFalse();
        assertThat(result.stderr()).contains("set keda.awsAccountId, or give the queue \"metering-usage\" as a full URL");
    }

    @Test
    void keda_withoutAutoscaling_isRefused() {
        HelmCli.Result result = HelmCli.get().run("template", "m", HelmCli.get().chart("metering-service").toString(),
                "--set", "keda.enabled=true,autoscaling.enabled=false", "--set-string", "keda.awsAccountId=123456789012");

        assertThat(result.ok()).isFalse();
        assertThat(result.stderr()).contains("keda.enabled needs autoscaling.enabled");
    }

    private static HelmCli.Result template(String chart, Map<String, String> setStrings) {
        return HelmCli.get().template(chart, "mpsaas", ValueSet.NAMESPACE, List.of(), setStrings);
    }
}
