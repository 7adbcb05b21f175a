package io.mpsaas.entitlement;

import static io.mpsaas.entitlement.TestSupport.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.mpsaas.common.customer.CustomerKeys;
import io.mpsaas.common.customer.SubscriptionState;
import io.mpsaas.common.messaging.SuiteQueues;
import io.mpsaas.common.messaging.TraceContextSqsInterceptor;
import io.mpsaas.sandbox.Sandbox;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeRequest;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeResult;
import io.mpsaas.sandbox.marketplace.catalog.Product;
import io.mpsaas.sandbox.marketplace.notify.Channel;
import io.mpsaas.sandbox.marketplace.notify.SentNotification;
import io.mpsaas.sandbox.testing.InjectSandbox;
import io.mpsaas.sandbox.testing.SandboxTestResource;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * With tracing on, a notification carrying a trace context is handled inside that trace, and the flush command and
 * lifecycle event it causes carry the same trace on to metering-service and the seller's app.
 */
@QuarkusTest
@TestProfile(TracingTest.TracingOn.class)
@QuarkusTestResource(value = SandboxTestResource.class, restrictToAnnotatedClass = false)
class TracingTest {

    /** The one setting that turns tracing on (spans go to the in-memory exporter in tests). */
    public static class TracingOn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.otel.sdk.disabled", "false", "quarkus.otel.bsp.schedule.delay", "50ms");
        }
    }

    @InjectSandbox
    Sandbox sandbox;

    @Inject
    InMemorySpanExporter spans;

    @Test
    void unsubscribePending_isHandledInItsTrace_andTheFlushCommandAndEventCarryIt() {
        // GIVEN an active customer, and its unsubscribe-pending held back
        Product product = TestSupport.legacySubscription(sandbox);
        sandbox.simulator().holdNotifications(product.code());
        SubscribeResult sub = sandbox.simulator().subscribe(SubscribeRequest.of(product.code()).activated());
        String key = CustomerKeys.forLegacy(product.code(), sub.customerIdentifier());
        TestSupport.sent(sandbox, product.code(), sub.subscriptionId(), Channel.SNS)
                .forEach(n -> TestSupport.deliverInOrder(sandbox, n));
        eventually().untilAsserted(() -> assertThat(TestSupport.customer(sandbox, key).orElseThrow()
                .subscriptionState()).isEqualTo(SubscriptionState.ACTIVE));
        sandbox.simulator().cancel(sub.subscriptionId());
        List<SentNotification> all = TestSupport.sent(sandbox, product.code(), sub.subscriptionId(), Channel.SNS);
        SentNotification pending = all.get(all.size() - 1);
        String traceId = UUID.randomUUID().toString().replace("-", "");
        String parentSpanId = "b7ad6b7169203331";

        // WHEN it arrives from a traced producer
        sandbox.aws().sqs().sendMessage(r -> r.queueUrl(sandbox.aws().queueUrl(SuiteQueues.NOTIFICATIONS))
                .messageBody(pending.body()).messageAttributes(Map.of(TraceContextSqsInterceptor.TRACEPARENT,
                        MessageAttributeValue.builder().dataType("String")
                                .stringValue("00-" + traceId + "-" + parentSpanId + "-01").build())));

        // THEN the consumer span continues that trace, and the flush command and the event carry the trace on
        eventually().untilAsserted(() -> {
            SpanData consumer = spans.getFinishedSpanItems().stream()
                    .filter(s -> s.getTraceId().equals(traceId) && s.getKind() == SpanKind.CONSUMER).findFirst()
                    .orElseThrow();
            assertThat(consumer.getName()).isEqualTo(SuiteQueues.NOTIFICATIONS + " process");
            assertThat(consumer.getParentSpanId()).isEqualTo(parentSpanId);
        });
        eventually().untilAsserted(() -> {
            assertThat(TestSupport.meteringCommands(sandbox).messagesFor(key)).singleElement()
                    .satisfies(m -> assertThat(traceIdOf(m)).isEqualTo(traceId));
            assertThat(TestSupport.customerEvents(sandbox).messagesFor(key))
                    .filteredOn(m -> m.body().contains("customer-unsubscribe-pending"))
                    .singleElement().satisfies(m -> assertThat(traceIdOf(m)).isEqualTo(traceId));
        });
    }

    /** The trace id of a message's {@code traceparent} ({@code 00-<trace id>-<span id>-<flags>}). */
    private static String traceIdOf(Message message) {
        MessageAttributeValue traceparent = message.messageAttributes().get(TraceContextSqsInterceptor.TRACEPARENT);
        assertThat(traceparent).as("traceparent of %s", message.body()).isNotNull();
        return traceparent.stringValue().split("-")[1];
    }
}
