package io.mpsaas.onboarding;

import static io.mpsaas.onboarding.Buyers.keyOf;
import static io.mpsaas.onboarding.Buyers.land;
import static io.mpsaas.onboarding.Buyers.validFields;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mpsaas.sandbox.Sandbox;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeRequest;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeResult;
import io.mpsaas.sandbox.testing.InjectSandbox;
import io.mpsaas.sandbox.testing.SandboxTestResource;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Production's log format and tracing, on the buyer journey: the JSON formatter (the one %prod writes to the console)
 * writes every line as a JSON object whose {@code mdc} carries the customer's ids and never a token or a contact
 * detail; and with tracing on, the registration's customer-registered event carries the trace of its HTTP request.
 */
@QuarkusTest
@TestProfile(JsonLogsAndTracingTest.JsonAndTracing.class)
@QuarkusTestResource(value = SandboxTestResource.class, restrictToAnnotatedClass = false)
class JsonLogsAndTracingTest {

    static final Path LOG = Path.of("target", "json-logs", "onboarding-service.log");

    /** JSON to a file (the console stays plain for the build log) and tracing on. */
    public static class JsonAndTracing implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.log.file.enabled", "true", "quarkus.log.file.path", LOG.toString(),
                    "quarkus.log.file.json.enabled", "true",
                    "quarkus.log.file.json.additional-field.service.value", "onboarding-service",
                    "quarkus.otel.sdk.disabled", "false", "quarkus.otel.bsp.schedule.delay", "50ms");
        }
    }

    @InjectSandbox
    Sandbox sandbox;

    @Inject
    DynamoDbClient dynamo;

    @Inject
    SqsClient sqs;

    @Inject
    ObjectMapper mapper;

    @Inject
    InMemorySpanExporter spans;

    @Test
    void jsonLines_carryTheCustomersIds_andNoTokenOrPersonalData() {
        // GIVEN a buyer of a legacy product and one of a Concurrent Agreements product
        Buyers buyers = new Buyers(sandbox, dynamo);
        SubscribeResult legacy = buyers.subscribe(SubscribeRequest.of(buyers.product(false)).withBuyer(Buyers.account()));
        SubscribeResult ca = buyers.subscribe();
        Map<String, String> fields = validFields("Discreet Holdings");
        fields.put("email", "json.private@example.org");
        fields.put("contactName", "Jason Private");

        // WHEN both land and register
        Buyers.Form.of(land(legacy.registrationToken())).submit(fields).then().statusCode(200);
        Buyers.Form.of(land(ca.registrationToken())).submit(fields).then().statusCode(200);

        // THEN every line is JSON; the landing and registration lines name each customer in their MDC
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            List<JsonNode> lines = lines();
            assertThat(mdcOf(lines, "Buyer landed", keyOf(legacy))).containsEntry("productCode", legacy.productCode())
                    .containsEntry("customerIdentifier", legacy.customerIdentifier());
            assertThat(mdcOf(lines, "Buyer landed", keyOf(ca))).containsEntry("productCode", ca.productCode())
                    .containsEntry("licenseArn", ca.licenseArn());
            assertThat(mdcOf(lines, "Registration CREATED", keyOf(ca))).containsEntry("licenseArn", ca.licenseArn());
            assertThat(mdcOf(lines, "Sent customer-registered event", keyOf(legacy)))
                    .containsKey("customerKey");
            assertThat(lines).allSatisfy(line -> assertThat(line.path("service").asText())
                    .isEqualTo("onboarding-service"));
        });
        // AND no line, message or field, holds a token or the buyer's details
        String all = read();
        for (String secret : List.of(legacy.registrationToken(), ca.registrationToken(), "json.private@example.org",
                "Jason Private", "Discreet", "7946 0000")) {
            assertThat(all).doesNotContain(secret);
        }
    }

    @Test
    void theCustomerRegisteredEvent_carriesTheTraceOfTheRegistrationRequest() {
        // GIVEN a landed buyer
        SubscribeResult sub = new Buyers(sandbox, dynamo).subscribe();
        Buyers.Form form = Buyers.Form.of(land(sub.registrationToken()));

        // WHEN the form is sent
        form.submit(validFields("Traced Inc")).then().statusCode(200);

        // THEN the event's traceparent names the trace of the POST /register server span
        List<CustomerEvents.Received> events = new CustomerEvents(sqs, mapper).forCustomer(keyOf(sub));
        assertThat(events).singleElement().satisfies(e -> assertThat(e.traceparent()).isNotNull());
        String traceId = events.get(0).traceparent().split("-")[1];
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(spans.getFinishedSpanItems())
                .anySatisfy(span -> {
                    assertThat(span.getTraceId()).isEqualTo(traceId);
                    assertThat(span.getKind()).isEqualTo(SpanKind.SERVER);
                    assertThat(span.getName()).contains("/register");
                }));
    }

    private static Map<String, String> mdcOf(List<JsonNode> lines, String message, String customerKey) {
        JsonNode line = lines.stream().filter(l -> l.path("message").asText().contains(message))
                .filter(l -> customerKey.equals(l.path("mdc").path("customerKey").asText())).findFirst()
                .orElseThrow(() -> new AssertionError("no JSON line '" + message + "' with mdc.customerKey "
                        + customerKey));
        Map<String, String> mdc = new java.util.TreeMap<>();
        line.path("mdc").fields().forEachRemaining(e -> mdc.put(e.getKey(), e.getValue().asText()));
        return mdc;
    }

    private List<JsonNode> lines() throws IOException {
        List<JsonNode> parsed = new ArrayList<>();
        for (String line : Files.readAllLines(LOG)) {
            if (!line.isBlank()) {
                parsed.add(mapper.readTree(line));
            }
        }
        return parsed;
    }

    private static String read() {
        try {
            return Files.readString(LOG);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
