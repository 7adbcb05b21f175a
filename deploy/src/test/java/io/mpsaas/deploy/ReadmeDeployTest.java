package io.mpsaas.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.mpsaas.deploy.support.CloudFormation;
import io.mpsaas.deploy.support.HelmCli;
import io.mpsaas.deploy.support.Manifests;
import io.mpsaas.deploy.support.Maps;
import io.mpsaas.deploy.support.Pods;
import io.mpsaas.deploy.support.Repo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The README's "Deploy on Kubernetes (EKS)" works as written: its helm install command, with the shell variables of
 * its step 0 and the stack outputs it reads ({@code $(stack_output ...)}, evaluated from the template), renders the
 * suite the section describes: an internet-facing HTTPS ALB with IP targets, the WAF and the buyer's address for the
 * rate limit, each service with its role and its own Secret. And no step types a secret into a shell.
 */
class ReadmeDeployTest {

    private static final String ACCOUNT = "123456789012";
    private static String section;

    @BeforeAll
    static void readTheSection() throws IOException {
        String readme = Files.readString(Repo.root().resolve("README.md"));
        int start = readme.indexOf("## Deploy on Kubernetes (EKS)");
        section = readme.substring(start, readme.indexOf("\n## ", start + 1));
    }

    /** The shell variables step 0 sets ({@code NAME=value} lines). */
    private static Map<String, String> variables() {
        Map<String, String> variables = new HashMap<>();
        Matcher m = Pattern.compile("(?m)^([A-Z_]+)=(\\S+)").matcher(section);
        while (m.find()) {
            variables.put(m.group(1), m.group(2));
        }
        return variables;
    }

    /** The stack's outputs as the README reads them, with resource tokens as the ARNs AWS would give. */
    private static String stackOutput(CloudFormation.Stack stack, String name) {
        Object value = stack.output(name);
        assertThat(value).as("stack output %s", name).isNotNull();
        return value.toString().replaceAll("\\{(\\w+Role)\\.Arn}", "arn:aws:iam::" + ACCOUNT + ":role/mpsaas-$1-X1")
                .replace("{FulfillmentWebAcl.Arn}", "arn:aws:wafv2:us-east-1:" + ACCOUNT
                        + ":regional/webacl/mpsaas-fulfillment/0123");
    }

    /** The README's helm install command, as helm template arguments. */
    private static List<String> helmInstall(CloudFormation.Stack stack) {
        Matcher m = Pattern.compile("(?ms)^helm install mpsaas (.*?)(?<!\\\\)\\n").matcher(section);
        assertThat(m.find()).as("a helm install of the umbrella in the README").isTrue();
        String command = m.group(1).replace("\\\n", " ");
        Matcher outputs = Pattern.compile("\\$\\(stack_output (\\w+)\\)").matcher(command);
        StringBuilder resolved = new StringBuilder();
        while (outputs.find()) {
            outputs.appendReplacement(resolved, Matcher.quoteReplacement(stackOutput(stack, outputs.group(1))));
        }
        outputs.appendTail(resolved);
        String text = resolved.toString();
        for (Map.Entry<String, String> v : variables().entrySet()) {
            text = text.replace("$" + v.getKey(), v.getValue());
        }
        assertThat(text).as("every variable is set in step 0").doesNotContain("$");
        List<String> args = new ArrayList<>();
        Matcher token = Pattern.compile("\"([^\"]*)\"|(\\S+)").matcher(text);
        while (token.find()) {
            args.add(token.group(1) != null ? token.group(1) : token.group(2));
        }
        return args;
    }

    @Test
    void helmInstallAsWritten_rendersAPublicHttpsAlb_andEachServiceWithItsRoleAndOwnSecret() {
        // GIVEN the stack as step 2 deploys it
        CloudFormation.Stack stack = CloudFormation.load(Repo.cloudFormationTemplate()).deploy(Map.of(
                "EksOidcProvider", "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE", "SubscriptionTopicProductCodes",
                "prod-abc,prod-def", "EntitlementTopicProductCodes", "prod-def", "FulfillmentRateLimit", "300"),
                "us-east-1", ACCOUNT);
        List<String> args = helmInstall(stack);
        assertThat(args.get(0)).isEqualTo("deploy/helm/mpsaas");

        // WHEN helm renders it (template instead of install, the checkout's chart)
        List<String> command = new ArrayList<>(List.of("template", "mpsaas", HelmCli.get().chart(Repo.UMBRELLA)
                .toString()));
        command.addAll(args.subList(1, args.size()));
        HelmCli.Result rendered = HelmCli.get().run(command.toArray(String[]::new));
        assertThat(rendered.ok()).as("helm %s%n%s", command, rendered.output()).isTrue();
        Manifests manifests = Manifests.parse(rendered.stdout());

        // THEN the fulfillment URL is an internet-facing HTTPS ALB with IP targets, its certificate and the WAF
        Map<String, String> v = variables();
        Manifests.Obj ingress = manifests.ofKind("Ingress").get(0);
        assertThat(ingress.string("spec.ingressClassName")).isEqualTo("alb");
        assertThat(ingress.map("metadata.annotations"))
                .containsEntry("alb.ingress.kubernetes.io/scheme", "internet-facing")
                .containsEntry("alb.ingress.kubernetes.io/target-type", "ip")
                .containsEntry("alb.ingress.kubernetes.io/certificate-arn", v.get("CERTIFICATE_ARN"))
                .containsEntry("alb.ingress.kubernetes.io/wafv2-acl-arn", stackOutput(stack, "FulfillmentWebAclArn"));
        assertThat(Maps.at(ingress.list("spec.rules").get(0), "host")).isEqualTo(v.get("HOST"));
        assertThat(ChartConfigKeysTest.configMap(manifests, "onboarding-service"))
                .containsKey("SUITE_ONBOARDING_TRUSTED_PROXIES");
        // AND each service runs with its stack role (the console with none: it calls no AWS API), its own Secret, the
        // images of the registry
        for (String service : Repo.SERVICES) {
            Manifests.Obj deployment = Pods.deploymentOf(manifests, service);
            String account = deployment.string("spec.template.spec.serviceAccountName");
            if (Repo.AWS_SERVICES.contains(service)) {
                assertThat(manifests.get("ServiceAccount", account).map("metadata.annotations"))
                        .containsKey("eks.amazonaws.com/role-arn");
            } else {
                assertThat(manifests.get("ServiceAccount", account).map("metadata.annotations"))
                        .doesNotContainKey("eks.amazonaws.com/role-arn");
            }
            assertThat((String) Pods.container(deployment).get("image")).startsWith(v.get("REGISTRY") + "/");
            assertThat(Maps.list(Pods.container(deployment).get("env"))).filteredOn(e -> Maps.at(e, "valueFrom") != null)
                    .isNotEmpty().allSatisfy(e -> assertThat(Maps.at(e, "valueFrom.secretKeyRef.name"))
                            .isEqualTo(service + "-secrets"));
        }
    }

    @Test
    void noStep_typesASecretIntoAShell() throws IOException {
        List<Path> docs = new ArrayList<>(List.of(Repo.root().resolve("README.md")));
        try (Stream<Path> charts = Files.walk(Repo.charts())) {
            charts.filter(p -> p.getFileName().toString().equals("README.md")).forEach(docs::add);
        }
        for (Path doc : docs) {
            assertThat(Files.readString(doc)).as("%s", doc).doesNotContain("--from-literal")
                    .doesNotContain("create secret generic");
        }
        assertThat(section).contains("deploy/kubernetes/external-secrets.yaml");
    }
}
