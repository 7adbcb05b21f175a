package io.mpsaas.onboarding;

import static io.mpsaas.onboarding.Buyers.keyOf;
import static io.mpsaas.onboarding.Buyers.land;
import static io.mpsaas.onboarding.Buyers.validFields;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mpsaas.common.messaging.SuiteQueues;
import io.mpsaas.common.ops.DeadLetterQueueGauges;
import io.mpsaas.sandbox.Sandbox;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeResult;
import io.mpsaas.sandbox.testing.InjectSandbox;
import io.mpsaas.sandbox.testing.ManagementInterface;
import io.mpsaas.sandbox.testing.PrometheusText;
import io.mpsaas.sandbox.testing.SandboxTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.net.URL;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/** onboarding-service's metrics on /q/metrics (the management port) move when buyers land and register, or fail to. */
@QuarkusTest
@QuarkusTestResource(value = SandboxTestResource.class, restrictToAnnotatedClass = false)
class OperationsMetricsTest {

    /** /q/metrics, on the management interface (its own port: quarkus.management.test-port=0; values are under /q). */
    @TestHTTPResource(value = "metrics", management = true)
    URL metrics;

    private static final String LANDINGS = "mpsaas_onboarding_landings_total";
    private static final String REGISTRATIONS = "mpsaas_onboarding_registrations_total";
    private static final String CALLS = "mpsaas_marketplace_calls_total";

    @InjectSandbox
    Sandbox sandbox;

    @Inject
    DynamoDbClient dynamo;

    @Inject
    SqsClient sqs;

    @Inject
    ObjectMapper mapper;

    @Inject
    DeadLetterQueueGauges deadLetterQueues;

    private PrometheusText scrape() {
        return PrometheusText.parse(given().when().get(metrics).then().statusCode(200).extract().asString());
    }

    private static double delta(PrometheusText before, PrometheusText after, String name, Map<String, String> labels) {
        return after.sum(name, labels) - before.sum(name, labels);
    }

    @Test
    void metricsAndHealth_areOnTheManagementPort_notOnTheApplicationPort() {
        // the application port is the one an ingress or the seller's app reaches: nothing of /q/health or /q/metrics
        assertThat(ManagementInterface.problems(metrics, RestAssured.port)).isEmpty();
    }

    @Test
    void landings_areCountedByOutcome_andResolveCustomerErrorsByType() {
        // GIVEN a buyer with a valid token, and a token AWS does not know
        SubscribeResult sub = new Buyers(sandbox, dynamo).subscribe();
        PrometheusText before = scrape();

        // WHEN both land
        land(sub.registrationToken()).then().statusCode(200);
        land(sub.registrationToken() + "tampered");

        // THEN one landed, one refused as an invalid token, and ResolveCustomer counted both ways
        PrometheusText after = scrape();
        assertThat(delta(before, after, LANDINGS, Map.of("outcome", "landed"))).isEqualTo(1);
        assertThat(delta(before, after, LANDINGS, Map.of("outcome", "invalid_token"))).isEqualTo(1);
        assertThat(delta(before, after, CALLS, Map.of("operation", "ResolveCustomer", "outcome", "success")))
                .isEqualTo(1);
        assertThat(delta(before, after, CALLS, Map.of("operation", "ResolveCustomer", "outcome", "error",
                "error", "INVALID_TOKEN"))).isEqualTo(1);
    }

    @Test
    void registrations_areCountedByOutcome_andTheirEventsSent() {
        // GIVEN a landed buyer
        SubscribeResult sub = new Buyers(sandbox, dynamo).subscribe();
        Buyers.Form form = Buyers.Form.of(land(sub.registrationToken()));
        PrometheusText before = scrape();

        // WHEN the form is sent with a field error, then complete
        form.submit(Map.of("company", "Acme", "email", "not-an-email")).then().statusCode(422);
        form.submit(validFields("Acme")).then().statusCode(200);

        // THEN one invalid, one created, and its customer-registered event went out
        PrometheusText after = scrape();
        assertThat(delta(before, after, REGISTRATIONS, Map.of("outcome", "invalid"))).isEqualTo(1);
        assertThat(delta(before, after, REGISTRATIONS, Map.of("outcome", "created"))).isEqualTo(1);
        assertThat(delta(before, after, "mpsaas_onboarding_events_total", Map.of("outcome", "sent")))
                .isGreaterThanOrEqualTo(1);
        assertThat(new CustomerEvents(sqs, mapper).forCustomer(keyOf(sub))).hasSize(1);
    }

    @Test
    void theCustomerEventsDeadLetterQueue_isWatched() {
        // WHEN the gauges are refreshed
        deadLetterQueues.refresh();

        // THEN the customer-events queue's dead-letter queue has a depth (the sandbox's is empty)
        assertThat(scrape().select("mpsaas_sqs_dlq_messages",
                Map.of("queue", SuiteQueues.deadLetterQueue(SuiteQueues.CUSTOMER_EVENTS))))
                .singleElement().satisfies(s -> assertThat(s.value()).isNotNaN().isGreaterThanOrEqualTo(0));
    }
}
