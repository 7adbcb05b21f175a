package io.mpsaas.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.mpsaas.common.dynamo.SuiteTables;
import io.mpsaas.common.messaging.SuiteQueues;
import io.mpsaas.deploy.support.CloudFormation;
import io.mpsaas.deploy.support.Manifests;
import io.mpsaas.deploy.support.Maps;
import io.mpsaas.deploy.support.Pods;
import io.mpsaas.deploy.support.Repo;
import io.mpsaas.deploy.support.ValueSet;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A default install lines up: the table and queue names the charts give the services are the stack's defaults and
 * common's SuiteTables / SuiteQueues; the service accounts the charts create are the ones the stack's roles trust,
 * in the namespace the stack expects.
 */
class NamesMatchAcrossDeployTest {

    private static final CloudFormation TEMPLATE = CloudFormation.load(Repo.cloudFormationTemplate());

    /** ConfigMap variable -> the stack parameter naming the same thing -> the services' default. */
    private static final Map<String, Map.Entry<String, String>> NAMES = Map.of(
            "SUITE_TABLES_CUSTOMERS", Map.entry("CustomersTableName", SuiteTables.CUSTOMERS),
            "SUITE_TABLES_INBOX", Map.entry("InboxTableName", SuiteTables.INBOX),
            "SUITE_TABLES_USAGE", Map.entry("UsageTableName", SuiteTables.USAGE),
            "SUITE_QUEUES_NOTIFICATIONS", Map.entry("NotificationsQueueName", SuiteQueues.NOTIFICATIONS),
            "SUITE_QUEUES_CUSTOMER_EVENTS", Map.entry("CustomerEventsQueueName", SuiteQueues.CUSTOMER_EVENTS),
            "SUITE_QUEUES_USAGE", Map.entry("UsageQueueName", SuiteQueues.USAGE),
            "SUITE_QUEUES_METERING_COMMANDS", Map.entry("MeteringCommandsQueueName", SuiteQueues.METERING_COMMANDS));

    private static final Map<String, String> SERVICE_ACCOUNT_PARAMETERS = Map.of(
            "onboarding-service", "OnboardingServiceAccount",
            "entitlement-service", "EntitlementServiceAccount",
            "metering-service", "MeteringServiceAccount");

    @Test
    void tableAndQueueNames_areTheSameInChartsStackAndServices() {
        // GIVEN the umbrella installed with its defaults
        Manifests manifests = ValueSet.defaults(Repo.UMBRELLA).render();

        for (String service : Repo.AWS_SERVICES) {
            Map<String, Object> config = ChartConfigKeysTest.configMap(manifests, service);
            NAMES.forEach((variable, name) -> {
                // THEN chart == stack default == SuiteTables / SuiteQueues
                assertThat(config.get(variable)).as("%s %s", service, variable).isEqualTo(name.getValue());
                assertThat(TEMPLATE.parameterDefault(name.getKey())).as("stack parameter %s", name.getKey())
                        .isEqualTo(name.getValue());
            });
        }
    }

    @Test
    void serviceAccounts_areTheOnesTheStacksRolesTrust() {
        // GIVEN
        Manifests manifests = ValueSet.defaults(Repo.UMBRELLA).render();

        // THEN
        assertThat(TEMPLATE.parameterDefault("KubernetesNamespace")).isEqualTo(ValueSet.NAMESPACE);
        SERVICE_ACCOUNT_PARAMETERS.forEach((service, parameter) -> {
            Manifests.Obj deployment = Pods.deploymentOf(manifests, service);
            String account = deployment.string("spec.template.spec.serviceAccountName");
            assertThat(manifests.find("ServiceAccount", account)).as(service).isPresent();
            assertThat(TEMPLATE.parameterDefault(parameter)).as("stack parameter %s", parameter).isEqualTo(account);
        });
    }

    @Test
    void externalSecretsExample_makesEachServicesOwnSecret_fromTheStacksSecrets() throws IOException {
        // GIVEN the example, the umbrella's defaults and the stack
        List<Manifests.Obj> example = Manifests.parse(Files.readString(Repo.deploy()
                .resolve("kubernetes/external-secrets.yaml"))).all();
        Manifests umbrella = ValueSet.defaults(Repo.UMBRELLA).render();
        CloudFormation.Stack stack = TEMPLATE.deploy(Map.of("EksOidcProvider", "oidc.example/id/X"), "us-east-1",
                "123456789012");
        Set<String> stackSecrets = new TreeSet<>();
        stack.ofType("AWS::SecretsManager::Secret").forEach(s -> stackSecrets.add((String) s.properties().get("Name")));
        // the keys of the APIs and the console, the signing secrets of onboarding's reference and console sessions, and
        // onboarding's CSRF cookie secret
        assertThat(stackSecrets).containsExactly("mpsaas/admin-keys", "mpsaas/api-keys", "mpsaas/console-session-secret",
                "mpsaas/onboarding-csrf-secret", "mpsaas/onboarding-signing-secret", "mpsaas/operator-keys",
                "mpsaas/webhook-secrets");

        // THEN the store reads with the service account the stack's reader role trusts
        Manifests.Obj store = example.stream().filter(o -> o.kind().equals("SecretStore")).findFirst().orElseThrow();
        String account = store.string("spec.provider.aws.auth.jwt.serviceAccountRef.name");
        assertThat(account).isEqualTo(TEMPLATE.parameterDefault("SecretsReaderServiceAccount"));
        assertThat(example).anyMatch(o -> o.kind().equals("ServiceAccount") && o.name().equals(account));
        assertThat(store.string("spec.provider.aws.service")).isEqualTo("SecretsManager");

        // AND each service's Secret is the one its chart reads, with exactly the keys it maps, from the stack's secrets
        for (String service : Repo.SERVICES) {
            Manifests.Obj deployment = Pods.deploymentOf(umbrella, service);
            Map<String, Set<String>> read = new java.util.HashMap<>();
            for (Object e : Maps.list(Pods.container(deployment).get("env"))) {
                Object ref = Maps.at(e, "valueFrom.secretKeyRef");
                if (ref != null) {
                    read.computeIfAbsent((String) Maps.map(ref).get("name"), k -> new TreeSet<>())
                            .add((String) Maps.map(ref).get("key"));
                }
            }
            assertThat(read).as(service).hasSize(1);
            String secret = read.keySet().iterator().next();
            List<Manifests.Obj> external = example.stream().filter(o -> o.kind().equals("ExternalSecret")
                    && secret.equals(o.string("spec.target.name"))).toList();
            assertThat(external).as("an ExternalSecret makes %s", secret).hasSize(1);
            Manifests.Obj es = external.get(0);
            assertThat(es.string("spec.secretStoreRef.name")).isEqualTo(store.name());
            Set<String> keys = new TreeSet<>();
            for (Object d : es.list("spec.data")) {
                keys.add((String) Maps.map(d).get("secretKey"));
                assertThat(stackSecrets).as("%s: a secret of the stack", d).contains((String) Maps.at(d, "remoteRef.key"));
            }
            assertThat(keys).as(service).isEqualTo(read.get(secret));
        }
    }

    @Test
    void readmeInstallSteps_nameWhatExists() throws IOException {
        // GIVEN the README's section on EKS
        String readme = Files.readString(Repo.root().resolve("README.md"));
        int start = readme.indexOf("## Deploy on Kubernetes (EKS)");
        assertThat(start).isNotNegative();
        String section = readme.substring(start, readme.indexOf("\n## ", start + 1));

        // THEN the stack outputs, stack parameters and files it names exist
        Matcher outputs = Pattern.compile("OutputKey=='(\\w+)'").matcher(section);
        while (outputs.find()) {
            assertThat(Maps.map(TEMPLATE.raw().get("Outputs"))).containsKey(outputs.group(1));
        }
        Matcher parameters = Pattern.compile("(?m)^\\s+((?:[A-Z][A-Za-z]+=\\S+\\s*)+)$").matcher(section);
        int found = 0;
        while (parameters.find()) {
            for (String assignment : parameters.group(1).trim().split("\\s+")) {
                assertThat(TEMPLATE.parameters()).containsKey(assignment.substring(0, assignment.indexOf('=')));
                found++;
            }
        }
        assertThat(found).as("parameter overrides in the README").isGreaterThanOrEqualTo(3);
        Matcher files = Pattern.compile("deploy/[A-Za-z0-9_./-]+[A-Za-z0-9]").matcher(section);
        while (files.find()) {
            assertThat(Repo.root().resolve(files.group())).as(files.group()).exists();
        }
    }
}
