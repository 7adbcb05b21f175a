package io.mpsaas.common.messaging;

import java.util.List;
import java.util.concurrent.Callable;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * How {@link SqsConsumer} continues the trace a message carries: the W3C trace context in its {@code traceparent} /
 * {@code tracestate} message attributes (set on every send by {@link TraceContextSqsInterceptor}) becomes the parent
 * of the span the message is handled in. Kept free of OpenTelemetry types so {@code SqsConsumer} runs without it
 * (the sandbox); common's {@code io.mpsaas.common.ops.OtelMessageTracing} is the implementation services get.
 */
@FunctionalInterface
public interface MessageTracing {

    /** Handles the message without any trace. */
    MessageTracing NONE = (queue, message, handler) -> handler.handle(message);

    /**
     * Runs {@code handler} on {@code message} inside a consumer span of {@code queue} whose parent is the message's
     * trace context, and answers the handler's outcome (its exception passes through).
     */
    SqsConsumer.Outcome consume(String queue, Message message, SqsConsumer.Handler handler) throws Exception;

    /**
     * Runs {@code work}, done for several messages at once (a batch handler coalescing one customer's notifications),
     * inside one consumer span of {@code queue} whose parent is the first message's trace context and which links the
     * others' (its exception passes through). Without tracing it just runs {@code work}.
     */
    default <T> T consumeTogether(String queue, List<Message> messages, Callable<T> work) throws Exception {
        return work.call();
    }
}
