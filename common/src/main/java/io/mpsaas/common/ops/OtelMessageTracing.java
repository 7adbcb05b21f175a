package io.mpsaas.common.ops;

import io.mpsaas.common.messaging.MessageTracing;
import io.mpsaas.common.messaging.SqsConsumer;
import io.mpsaas.common.messaging.TraceContextSqsInterceptor;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.concurrent.Callable;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * {@link MessageTracing} with OpenTelemetry: a {@code <queue> process} consumer span per message, child of the trace
 * context the message's attributes carry, current while the handler runs (so what the handler sends carries the same
 * trace on). Off ({@code quarkus.otel.sdk.disabled=true}), the message is handled without any span. A parked message ends its span with an error status, a retried one with the retry as an event.
 * Several messages handled together get one span: child of the first one's trace context, linked to the others'.
 */
@ApplicationScoped
public class OtelMessageTracing implements MessageTracing {

    private final Tracer tracer;
    private final boolean enabled;

    public OtelMessageTracing(Tracer tracer,
            @ConfigProperty(name = TraceContextSqsInterceptor.SDK_DISABLED, defaultValue = "false") boolean disabled) {
        this.tracer = tracer;
        this.enabled = !disabled;
    }

    @Override
    public SqsConsumer.Outcome consume(String queue, Message message, SqsConsumer.Handler handler) throws Exception {
        if (!enabled) {
            return handler.handle(message);
        }
        Context parent = TraceContextSqsInterceptor.extract(message);
        Span span = tracer.spanBuilder(queue + " process").setParent(parent).setSpanKind(SpanKind.CONSUMER)
                .setAttribute("messaging.system", "aws_sqs")
                .setAttribute("messaging.operation", "process")
                .setAttribute("messaging.destination.name", queue)
                .setAttribute("messaging.message.id", message.messageId())
                .startSpan();
        try (Scope ignored = span.makeCurrent()) {
            SqsConsumer.Outcome outcome = handler.handle(message);
            if (outcome instanceof SqsConsumer.Outcome.Park park) {
                span.setStatus(StatusCode.ERROR, "parked: " + park.reason());
            } else if (outcome instanceof SqsConsumer.Outcome.Retry retry) {
                span.addEvent("retry in " + retry.delay().toSeconds() + " s");
            }
            return outcome;
        } catch (Exception | Error e) {
            span.recordException(e);
            span.setStatus(StatusCode.ERROR, e.getClass().getSimpleName());
            throw e;
        } finally {
            span.end();
        }
    }

    @Override
    public <T> T consumeTogether(String queue, List<Message> messages, Callable<T> work) throws Exception {
        if (!enabled || messages.isEmpty()) {
            return work.call();
        }
        SpanBuilder builder = tracer.spanBuilder(queue + " process")
                .setParent(TraceContextSqsInterceptor.extract(messages.get(0))).setSpanKind(SpanKind.CONSUMER)
                .setAttribute("messaging.system", "aws_sqs")
                .setAttribute("messaging.operation", "process")
                .setAttribute("messaging.destination.name", queue)
                .setAttribute("messaging.batch.message_count", messages.size());
        if (messages.size() == 1) {
            builder.setAttribute("messaging.message.id", messages.get(0).messageId());
        }
        for (Message other : messages.subList(1, messages.size())) {
            SpanContext context = Span.fromContext(TraceContextSqsInterceptor.extract(other)).getSpanContext();
            if (context.isValid()) {
                builder.addLink(context);
            }
        }
        Span span = builder.startSpan();
        try (Scope ignored = span.makeCurrent()) {
            return work.call();
        } catch (Exception | Error e) {
            span.recordException(e);
            span.setStatus(StatusCode.ERROR, e.getClass().getSimpleName());
            throw e;
        } finally {
            span.end();
        }
    }
}
