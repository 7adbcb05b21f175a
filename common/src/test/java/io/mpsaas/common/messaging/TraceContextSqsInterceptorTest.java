package io.mpsaas.common.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.InterceptorContext;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

class TraceContextSqsInterceptorTest {

    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String SPAN_ID = "00f067aa0ba902b7";

    private static Scope inSpan() {
        SpanContext context = SpanContext.create(TRACE_ID, SPAN_ID, TraceFlags.getSampled(),
                TraceState.builder().put("vendor", "x").build());
        return Context.root().with(Span.wrap(context)).makeCurrent();
    }

    private static Object send(TraceContextSqsInterceptor interceptor, Object request) {
        return interceptor.modifyRequest(InterceptorContext.builder()
                .request((software.amazon.awssdk.core.SdkRequest) request).build(), new ExecutionAttributes());
    }

    private static MessageAttributeValue text(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }

    @Test
    void aSend_insideASpan_carriesTraceparentAndTracestate() {
        SendMessageRequest request = SendMessageRequest.builder().queueUrl("q").messageBody("{}")
                .messageAttributes(Map.of("eventType", text("customer-registered"))).build();

        SendMessageRequest sent;
        try (Scope ignored = inSpan()) {
            sent = (SendMessageRequest) send(new TraceContextSqsInterceptor(true), request);
        }

        assertThat(sent.messageAttributes().get("traceparent").stringValue())
                .isEqualTo("00-" + TRACE_ID + "-" + SPAN_ID + "-01");
        assertThat(sent.messageAttributes().get("tracestate").stringValue()).isEqualTo("vendor=x");
        assertThat(sent.messageAttributes()).containsKey("eventType");
    }

    @Test
    void aMessageStampedInsideASpan_keepsThatTrace_whenSentLaterOutsideIt() {
        // GIVEN a message's attributes stamped while its work's span is current
        Map<String, MessageAttributeValue> stamped;
        try (Scope ignored = inSpan()) {
            stamped = new TraceContextSqsInterceptor(true).stamp(Map.of("eventType", text("customer-activated")));
        }

        // WHEN it is sent in a batch after the span has ended
        SendMessageBatchRequest batch = SendMessageBatchRequest.builder().queueUrl("q").entries(
                SendMessageBatchRequestEntry.builder().id("0").messageBody("{}").messageAttributes(stamped).build())
                .build();
        SendMessageBatchRequest sent = (SendMessageBatchRequest) send(new TraceContextSqsInterceptor(true), batch);

        // THEN it carries the trace it was stamped with; nothing is stamped while tracing is off or outside a span
        assertThat(sent.entries().get(0).messageAttributes().get("traceparent").stringValue())
                .isEqualTo("00-" + TRACE_ID + "-" + SPAN_ID + "-01");
        assertThat(sent.entries().get(0).messageAttributes()).containsKey("eventType");
        Map<String, MessageAttributeValue> plain = Map.of("eventType", text("customer-activated"));
        assertThat(new TraceContextSqsInterceptor(true).stamp(plain)).isSameAs(plain);
        try (Scope ignored = inSpan()) {
            assertThat(new TraceContextSqsInterceptor(false).stamp(plain)).isSameAs(plain);
        }
    }

    @Test
    void nothingIsAdded_whenTracingIsOff_orOutsideASpan_orWhenTheMessageHasATraceAlready() {
        SendMessageRequest plain = SendMessageRequest.builder().queueUrl("q").messageBody("{}").build();
        SendMessageRequest traced = plain.toBuilder()
                .messageAttributes(Map.of("traceparent", text("00-" + "1".repeat(32) + "-" + "2".repeat(16) + "-01")))
                .build();

        assertThat(send(new TraceContextSqsInterceptor(true), plain)).isSameAs(plain);
        try (Scope ignored = inSpan()) {
            assertThat(send(new TraceContextSqsInterceptor(false), plain)).isSameAs(plain);
            assertThat(send(new TraceContextSqsInterceptor(true), traced)).isSameAs(traced);
        }
    }

    @Test
    void theTraceContext_neverTakesAMessagePastTenAttributes() {
        Map<String, MessageAttributeValue> nine = new HashMap<>();
        for (int i = 0; i < 9; i++) {
            nine.put("a" + i, text("v"));
        }
        SendMessageBatchRequest batch = SendMessageBatchRequest.builder().queueUrl("q").entries(
                SendMessageBatchRequestEntry.builder().id("1").messageBody("{}").messageAttributes(nine).build())
                .build();

        SendMessageBatchRequest sent;
        try (Scope ignored = inSpan()) {
            sent = (SendMessageBatchRequest) send(new TraceContextSqsInterceptor(true), batch);
        }

        assertThat(sent.entries().get(0).messageAttributes()).hasSize(10).containsKey("traceparent")
                .doesNotContainKey("tracestate");
    }

    @Test
    void extract_readsTheContextAMessageCarries() {
        Message message = Message.builder().messageAttributes(Map.of("traceparent",
                text("00-" + TRACE_ID + "-" + SPAN_ID + "-01"))).build();

        SpanContext parent = Span.fromContext(TraceContextSqsInterceptor.extract(message)).getSpanContext();

        assertThat(parent.getTraceId()).isEqualTo(TRACE_ID);
        assertThat(parent.getSpanId()).isEqualTo(SPAN_ID);
        assertThat(parent.isRemote()).isTrue();
        assertThat(Span.fromContext(TraceContextSqsInterceptor.extract(Message.builder().build())).getSpanContext()
                .isValid()).isFalse();
    }
}
