package io.mpsaas.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.mpsaas.common.dynamo.SuiteTables;
import io.mpsaas.common.messaging.SuiteQueues;
import io.mpsaas.deploy.support.CloudFormation;
import io.mpsaas.deploy.support.Manifests;
import io.mpsaas.deploy.support.Pods;
import io.mpsaas.deploy.support.Repo;
import io.mpsaas.deploy.support.ValueSet;
import java.util.Map;
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

        for (String service : Repo.SERVICES) {
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
}
