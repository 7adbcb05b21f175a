package io.mpsaas.metering;

import static io.mpsaas.metering.MeteringFixtures.hoursAgo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mpsaas.common.customer.IdentityModel;
import io.mpsaas.common.messaging.CustomerIds;
import io.mpsaas.common.messaging.MeteringCommand;
import io.mpsaas.common.messaging.SuiteQueues;
import io.mpsaas.common.messaging.TraceContextSqsInterceptor;
import io.mpsaas.sandbox.testing.SandboxTestResource;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * With tracing on, a flush command carrying entitlement-service's trace context is handled inside that trace: the
 * consumer span is the remote parent's child, and the BatchMeterUsage call it makes is the consumer span's child.
 */
@QuarkusTest
@TestProfile(TracingTest.TracingOn.class)
@QuarkusTestResource(value = SandboxTestResource.class, restrictToAnnotatedClass = false)
class TracingTest extends MeteringTestSupport {

    /** The one setting that turns tracing on (spans go to the in-memory exporter in tests). */
    public static class TracingOn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.otel.sdk.disabled", "false", "quarkus.otel.bsp.schedule.delay", "50ms");
        }
    }

    @Inject
    InMemorySpanExporter spans;

    @Inject
    SqsClient sqs;

    @Inject
    ObjectMapper mapper;

    @Test
    void aFlushCommand_isHandledInTheTraceItCarries() throws Exception {
        // GIVEN a buyer with unsent usage, and a flush command sent from a trace upstream
        MeteringFixtures.Buyer buyer = fx.activeBuyer(fx.newProduct(true, "requests"), 3);
        ingest(buyer, "requests", 4, hoursAgo(1));
        String traceId = UUID.randomUUID().toString().replace("-", "");
        String parentSpanId = "00f067aa0ba902b7";
        MeteringCommand flush = new MeteringCommand(MeteringCommand.FLUSH, UUID.randomUUID().toString(),
                new CustomerIds(buyer.customerKey(), IdentityModel.CONCURRENT_AGREEMENTS, buyer.productCode(), null,
                        buyer.sub().customerAWSAccountId(), buyer.sub().licenseArn(), null),
                "unsubscribe-pending", Instant.now(), Instant.now().plus(Duration.ofHours(1)));

        // WHEN it arrives on the metering-commands queue
        String body = mapper.writeValueAsString(flush);
        sqs.sendMessage(r -> r.queueUrl(sandbox.aws().queueUrl(SuiteQueues.METERING_COMMANDS))
                .messageBody(body).messageAttributes(Map.of(TraceContextSqsInterceptor.TRACEPARENT,
                        MessageAttributeValue.builder().dataType("String")
                                .stringValue("00-" + traceId + "-" + parentSpanId + "-01").build())));

        // THEN the usage is billed inside that trace: consumer span under the sender's span, BatchMeterUsage under it
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(fx.billed(buyer, "requests"))
                .isEqualTo(4));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            List<SpanData> trace = spans.getFinishedSpanItems().stream()
                    .filter(s -> s.getTraceId().equals(traceId)).toList();
            // an AssertionError (not NoSuchElementException) so Awaitility keeps waiting for the span to finish
            SpanData consumer = trace.stream().filter(s -> s.getKind() == SpanKind.CONSUMER).findFirst()
                    .orElseThrow(() -> new AssertionError("no consumer span in the trace yet"));
            assertThat(consumer.getName()).isEqualTo("metering-commands process");
            assertThat(consumer.getParentSpanId()).isEqualTo(parentSpanId);
            assertThat(trace).anySatisfy(s -> {
                assertThat(s.getName()).isEqualTo("aws-marketplace BatchMeterUsage");
                assertThat(s.getKind()).isEqualTo(SpanKind.CLIENT);
                assertThat(s.getParentSpanId()).isEqualTo(consumer.getSpanId());
            });
        });
    }
}
