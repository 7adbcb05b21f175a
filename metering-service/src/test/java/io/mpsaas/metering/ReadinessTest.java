package io.mpsaas.metering;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;

import io.mpsaas.common.health.DependencyChecks;
import io.mpsaas.sandbox.testing.PrometheusText;
import io.mpsaas.sandbox.testing.ProxiedSandboxTestResource;
import io.mpsaas.sandbox.testing.TcpProxy;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Readiness follows the local dependencies, DynamoDB and SQS: each taken away (its TCP path cut) makes
 * {@code /q/health/ready} DOWN naming it, with a short reason only, and ready again once it is back; liveness stays UP
 * throughout, since restarting the pod would not bring a dependency back. AWS Marketplace taken away leaves the service
 * ready (the usage API needs only DynamoDB) and sets {@code mpsaas_marketplace_reachable} to 0 instead. The same checks
 * run in every service (common's {@code io.mpsaas.common.health}).
 */
@QuarkusTest
@TestProfile(ReadinessTest.Cuttable.class)
class ReadinessTest {

    /** The service reaches the sandbox through cuttable proxies; checks are cached briefly so the test is quick. */
    public static class Cuttable implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("suite.ops.health.cache-for", "200ms", "suite.ops.health.timeout", "500ms",
                    "suite.ops.gauges.refresh-every", "1s", "suite.ops.gauges.first-refresh-after", "1s");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(ProxiedSandboxTestResource.class));
        }

        @Override
        public boolean disableGlobalTestResources() {
            return true;
        }
    }

    /** Health is on the management interface (its own port: quarkus.management.test-port=0). */
    @TestHTTPResource(value = "health/ready", management = true)
    URL ready;

    @TestHTTPResource(value = "health/live", management = true)
    URL live;

    @TestHTTPResource(value = "metrics", management = true)
    URL metrics;

    private final ProxiedSandboxTestResource.Proxies proxies = ProxiedSandboxTestResource.proxies();

    @AfterEach
    void restore() {
        proxies.restoreAll();
    }

    @Inject
    DependencyChecks checks;

    @Test
    void theReadinessChecks_runAsTheServiceStarts_soTheFirstProbeFindsTheirAnswers() {
        // WHEN the service has started, THEN its DynamoDB and SQS checks ran beside the start, and both passed
        assertThat(checks.warmedUp()).succeedsWithin(Duration.ofSeconds(10));
        assertThat(checks.lastResult(DependencyChecks.DYNAMODB)).hasValueSatisfying(r -> assertThat(r.up()).isTrue());
        assertThat(checks.lastResult(DependencyChecks.SQS)).hasValueSatisfying(r -> assertThat(r.up()).isTrue());
    }

    @Test
    void ready_whileEveryDependencyAnswers_andLiveWithoutCallingAny() {
        awaitReady();
        given().when().get(ready).then().body("checks.name",
                hasItems("dynamodb", "sqs", "sqs-consumers")).body("checks.name", not(hasItem("aws-marketplace")));
        given().when().get(live).then().statusCode(200).body("checks", empty());
    }

    @Test
    void dynamoDbDown_makesTheServiceUnready_untilItIsBack() {
        cutAndRestore(proxies.dynamo(), "dynamodb");
    }

    @Test
    void sqsDown_makesTheServiceUnready_untilItIsBack() {
        cutAndRestore(proxies.sqs(), "sqs");
    }

    @Test
    void marketplaceDown_leavesTheServiceReady_andTheReachabilityMetricAtZero_untilItIsBack() {
        // GIVEN a ready service that reaches AWS Marketplace
        awaitReady();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(reachable()).isEqualTo(1.0));

        // WHEN AWS Marketplace goes away
        proxies.marketplace().cut();

        // THEN the metric says so, and the service stays ready all along (its usage API needs only DynamoDB)
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            ready().statusCode(200);
            assertThat(reachable()).isEqualTo(0.0);
        });
        ready().statusCode(200).body("checks.status", not(hasItem("DOWN")));

        // WHEN it comes back, THEN the metric follows
        proxies.marketplace().restore();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(reachable()).isEqualTo(1.0));
    }

    private double reachable() {
        return PrometheusText.parse(given().when().get(metrics).then().statusCode(200).extract().asString())
                .sum("mpsaas_marketplace_reachable", Map.of("api", "metering"));
    }

    private void cutAndRestore(TcpProxy dependency, String check) {
        // GIVEN a ready service
        awaitReady();

        // WHEN the dependency goes away
        dependency.cut();

        // THEN readiness goes DOWN naming it, with a short reason and nothing of the error's message; liveness stays UP
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> ready().statusCode(503)
                .body("checks.find { it.name == '" + check + "' }.status", equalTo("DOWN"))
                .body("checks.find { it.name == '" + check + "' }.data.detail", matchesPattern("[A-Za-z0-9 ()._:-]{1,80}")));
        given().when().get(live).then().statusCode(200).body("status", equalTo("UP"));

        // WHEN it comes back, THEN the service is ready again
        dependency.restore();
        awaitReady();
    }

    private void awaitReady() {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> ready().statusCode(200)
                .body("status", equalTo("UP")).body("checks.status", not(hasItem("DOWN"))));
    }

    private ValidatableResponse ready() {
        return given().when().get(ready).then();
    }
}
