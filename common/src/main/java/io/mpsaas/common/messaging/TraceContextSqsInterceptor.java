package io.mpsaas.common.messaging;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.ConfigProvider;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * Puts the current W3C trace context into every message the service's SQS client sends ({@code traceparent} and
 * {@code tracestate} message attributes), so the consumer's span continues the producer's trace. Registered on the
 * Quarkus SQS client with {@code quarkus.sqs.interceptors}; it reads the current span statically, so it needs no CDI.
 * Nothing is added while tracing is off ({@code quarkus.otel.sdk.disabled=true}, the default: Quarkus still keeps span
 * ids then, which must not leak into messages), when there is no current span, or when the message already carries a
 * trace context (a replayed or re-parked message keeps its original trace). SQS allows 10 message attributes: the trace
 * context never pushes a message over that limit ({@code tracestate} goes first, then {@code traceparent}).
 */
public final class TraceContextSqsInterceptor implements ExecutionInterceptor {

    public static final String TRACEPARENT = "traceparent";
    public static final String TRACESTATE = "tracestate";

    /** The Quarkus key that turns tracing on and off at run time; the suite's services default it to true (off). */
    public static final String SDK_DISABLED = "quarkus.otel.sdk.disabled";

    /** SQS's maximum number of message attributes per message. */
    public static final int MAX_ATTRIBUTES = 10;

    private static final TextMapGetter<Map<String, MessageAttributeValue>> GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, MessageAttributeValue> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, MessageAttributeValue> carrier, String key) {
            MessageAttributeValue value = carrier == null ? null : carrier.get(key);
            return value == null ? null : value.stringValue();
        }
    };

    private final boolean enabled;

    /** Reads {@code quarkus.otel.sdk.disabled} once (the SQS client creates its interceptors at start). */
    public TraceContextSqsInterceptor() {
        this(!ConfigProvider.getConfig().getOptionalValue(SDK_DISABLED, Boolean.class).orElse(false));
    }

    TraceContextSqsInterceptor(boolean enabled) {
        this.enabled = enabled;
    }

    @Override
    public SdkRequest modifyRequest(software.amazon.awssdk.core.interceptor.Context.ModifyRequest context,
            ExecutionAttributes executionAttributes) {
        SdkRequest request = context.request();
        if (!enabled) {
            return request;
        }
        if (request instanceof SendMessageRequest send) {
            Map<String, MessageAttributeValue> attributes = withTraceContext(send.messageAttributes());
            return attributes == null ? send : send.toBuilder().messageAttributes(attributes).build();
        }
        if (request instanceof SendMessageBatchRequest batch) {
            boolean changed = false;
            List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
            for (SendMessageBatchRequestEntry entry : batch.entries()) {
                Map<String, MessageAttributeValue> attributes = withTraceContext(entry.messageAttributes());
                changed |= attributes != null;
                entries.add(attributes == null ? entry : entry.toBuilder().messageAttributes(attributes).build());
            }
            return changed ? batch.toBuilder().entries(entries).build() : batch;
        }
        return request;
    }

    /**
     * The attributes plus the current trace context, for a message built now and sent later, outside the span it
     * belongs to (a batch's messages sent together): the interceptor leaves a message that carries a trace context
     * alone. The attributes as they are while tracing is off or no span is current.
     */
    public Map<String, MessageAttributeValue> stamp(Map<String, MessageAttributeValue> attributes) {
        Map<String, MessageAttributeValue> stamped = enabled ? withTraceContext(attributes) : null;
        return stamped == null ? attributes : stamped;
    }

    /**
     * The attributes plus the current trace context, or null when nothing is to be added (no recording span, a trace
     * context already there, no room left).
     */
    static Map<String, MessageAttributeValue> withTraceContext(Map<String, MessageAttributeValue> attributes) {
        if (!Span.current().getSpanContext().isValid() || attributes.containsKey(TRACEPARENT)) {
            return null;
        }
        Map<String, String> context = new HashMap<>();
        W3CTraceContextPropagator.getInstance().inject(Context.current(), context, Map::put);
        if (!context.containsKey(TRACEPARENT)) {
            return null;
        }
        Map<String, MessageAttributeValue> result = new HashMap<>(attributes);
        for (String key : List.of(TRACEPARENT, TRACESTATE)) {
            String value = context.get(key);
            if (value != null && !value.isEmpty() && result.size() < MAX_ATTRIBUTES) {
                result.put(key, MessageAttributeValue.builder().dataType("String").stringValue(value).build());
            }
        }
        return result.size() == attributes.size() ? null : result;
    }

    /** The trace context a received message carries (an invalid one when it carries none). */
    public static Context extract(Message message) {
        return W3CTraceContextPropagator.getInstance().extract(Context.root(), message.messageAttributes(), GETTER);
    }
}
