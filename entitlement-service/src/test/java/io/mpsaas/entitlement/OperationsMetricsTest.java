package io.mpsaas.entitlement;

import static io.mpsaas.entitlement.TestSupport.eventually;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.mpsaas.common.customer.CustomerKeys;
import io.mpsaas.common.customer.SubscriptionState;
import io.mpsaas.common.messaging.SuiteQueues;
import io.mpsaas.common.messaging.TraceContextSqsInterceptor;
import io.mpsaas.common.ops.DeadLetterQueueGauges;
import io.mpsaas.entitlement.job.CustomerCountJob;
import io.mpsaas.entitlement.persistence.SubscriptionStore;
import io.mpsaas.sandbox.Sandbox;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeRequest;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeResult;
import io.mpsaas.sandbox.marketplace.catalog.Product;
import io.mpsaas.sandbox.marketplace.notify.Channel;
import io.mpsaas.sandbox.marketplace.notify.SentNotification;
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
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** entitlement-service's metrics on /q/metrics (the management port) move when notifications are processed, repeated or parked. */
@QuarkusTest
@QuarkusTestResource(value = SandboxTestResource.class, restrictToAnnotatedClass = false)
class OperationsMetricsTest {

    /** /q/metrics, on the management interface (its own port: quarkus.management.test-port=0; values are under /q). */
    @TestHTTPResource(value = "metrics", management = true)
    URL metrics;

    private static final String NOTIFICATIONS = "mpsaas_entitlement_notifications_total";

    @InjectSandbox
    Sandbox sandbox;

    @Inject
    CustomerCountJob customerCount;

    @Inject
    DeadLetterQueueGauges deadLetterQueues;

    private PrometheusText scrape() {
        return PrometheusText.parse(given().when().get(metrics).then().statusCode(200).extract().asString());
    }

    @Test
    void metricsAndHealth_areOnTheManagementPort_notOnTheApplicationPort() {
        // the application port is the one an ingress or the seller's app reaches: nothing of /q/health or /q/metrics
        assertThat(ManagementInterface.problems(metrics, RestAssured.port)).isEmpty();
    }

    @Test
    void aNotification_isCountedProcessed_thenDuplicate_andItsGetEntitlementsCall() {
        // GIVEN a subscribe-success held back from a buyer's subscription
        Product product = TestSupport.legacySubscription(sandbox);
        sandbox.simulator().holdNotifications(product.code());
        SubscribeResult sub = sandbox.simulator().subscribe(SubscribeRequest.of(product.code()).activated());
        SentNotification success = TestSupport.sent(sandbox, product.code(), sub.subscriptionId(), Channel.SNS)
                .get(0);
        PrometheusText before = scrape();

        // WHEN it is delivered
        TestSupport.deliverInOrder(sandbox, success);

        // THEN it is counted processed, after reading the entitlements once
        Map<String, String> kind = Map.of("kind", "subscribe-success");
        eventually().untilAsserted(() -> assertThat(scrape().sum(NOTIFICATIONS, with(kind, "outcome", "processed")))
                .isGreaterThanOrEqualTo(before.sum(NOTIFICATIONS, with(kind, "outcome", "processed")) + 1));
        assertThat(scrape().sum("mpsaas_marketplace_calls_total",
                Map.of("operation", "GetEntitlements", "outcome", "success")))
                .isGreaterThanOrEqualTo(before.sum("mpsaas_marketplace_calls_total",
                        Map.of("operation", "GetEntitlements", "outcome", "success")) + 1);

        // AND tracing being off by default, the event it caused carries no trace context
        String key = CustomerKeys.forLegacy(product.code(), sub.customerIdentifier());
        eventually().untilAsserted(() -> assertThat(TestSupport.customerEvents(sandbox).messagesFor(key))
                .singleElement().satisfies(m -> assertThat(m.messageAttributes())
                        .doesNotContainKey(TraceContextSqsInterceptor.TRACEPARENT)));

        // WHEN it is delivered again, THEN it is counted a duplicate
        TestSupport.deliver(sandbox, success.body());
        eventually().untilAsserted(() -> assertThat(scrape().sum(NOTIFICATIONS, with(kind, "outcome", "duplicate")))
                .isGreaterThanOrEqualTo(before.sum(NOTIFICATIONS, with(kind, "outcome", "duplicate")) + 1));
    }

    @Test
    void aMalformedMessage_isCountedParkedByReasonClass_andShowsInTheDeadLetterGauge() {
        // GIVEN counters as they are
        PrometheusText before = scrape();

        // WHEN a message that is not JSON arrives
        TestSupport.deliver(sandbox, "{\"Type\" : \"Notification\", " + UUID.randomUUID());

        // THEN it is parked as malformed, of unknown kind, and the dead-letter queue holds it
        eventually().untilAsserted(() -> {
            PrometheusText after = scrape();
            assertThat(after.sum("mpsaas_entitlement_notifications_parked_total", Map.of("reason", "malformed")))
                    .isGreaterThanOrEqualTo(before.sum("mpsaas_entitlement_notifications_parked_total",
                            Map.of("reason", "malformed")) + 1);
            assertThat(after.sum(NOTIFICATIONS, Map.of("kind", "unknown", "outcome", "parked")))
                    .isGreaterThanOrEqualTo(before.sum(NOTIFICATIONS, Map.of("kind", "unknown", "outcome", "parked"))
                            + 1);
        });
        deadLetterQueues.refresh();
        assertThat(scrape().sum("mpsaas_sqs_dlq_messages",
                Map.of("queue", SuiteQueues.deadLetterQueue(SuiteQueues.NOTIFICATIONS)))).isGreaterThanOrEqualTo(1);
    }

    @Test
    void customers_areCountedByState() {
        // GIVEN an active customer
        Product product = TestSupport.legacySubscription(sandbox);
        SubscribeResult sub = sandbox.simulator().subscribe(SubscribeRequest.of(product.code()).activated());
        String key = CustomerKeys.forLegacy(product.code(), sub.customerIdentifier());
        eventually().untilAsserted(() -> assertThat(TestSupport.customer(sandbox, key).orElseThrow()
                .subscriptionState()).isEqualTo(SubscriptionState.ACTIVE));

        // WHEN the customers are counted
        SubscriptionStore.StateCount count = customerCount.count();

        // THEN the gauges show the count, which includes this customer
        PrometheusText metrics = scrape();
        assertThat(count.complete()).isTrue();
        assertThat(count.byState().get(SubscriptionState.ACTIVE)).isGreaterThanOrEqualTo(1);
        for (SubscriptionState state : SubscriptionState.values()) {
            assertThat(metrics.sum("mpsaas_entitlement_customers", Map.of("state", state.name())))
                    .as(state.name()).isEqualTo(count.byState().get(state).doubleValue());
        }
    }

    private static Map<String, String> with(Map<String, String> labels, String key, String value) {
        Map<String, String> all = new HashMap<>(labels);
        all.put(key, value);
        return all;
    }
}
