package io.mpsaas.common.ops;

import io.mpsaas.common.marketplace.MarketplaceCallListener;
import io.mpsaas.common.marketplace.MarketplaceException;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.mpsaas.common.messaging.TraceContextSqsInterceptor;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * One client span per AWS Marketplace call ({@code aws-marketplace <operation>}), child of the current span, so a
 * landing's ResolveCustomer or a flush's BatchMeterUsage shows in the customer's trace. Only the operation, attempts and
 * AWS's error type are recorded: never a request body (registration tokens, customer ids stay out). Nothing while
 * tracing is off ({@code quarkus.otel.sdk.disabled=true}, the default).
 */
@ApplicationScoped
public class MarketplaceTracing implements MarketplaceCallListener {

    private final Tracer tracer;
    private final boolean enabled;

    public MarketplaceTracing(Tracer tracer,
            @ConfigProperty(name = TraceContextSqsInterceptor.SDK_DISABLED, defaultValue = "false") boolean disabled) {
        this.tracer = tracer;
        this.enabled = !disabled;
    }

    @Override
    public Call start(String operation) {
        if (!enabled) {
            return Call.NONE;
        }
        Span span = tracer.spanBuilder("aws-marketplace " + operation).setSpanKind(SpanKind.CLIENT)
                .setAttribute("rpc.system", "aws-api")
                .setAttribute("rpc.service", "AWSMarketplace")
                .setAttribute("rpc.method", operation)
                .startSpan();
        return new Call() {
            @Override
            public void attemptFailed(int attempt, MarketplaceException failure) {
                span.addEvent("attempt " + attempt + " failed: " + failure.errorType());
            }

            @Override
            public void succeeded(int attempts) {
                span.setAttribute("aws.marketplace.attempts", attempts);
                span.end();
            }

            @Override
            public void failed(MarketplaceException failure) {
                span.setAttribute("aws.marketplace.attempts", failure.attempts());
                span.setAttribute("aws.marketplace.error", failure.error().name());
                span.setStatus(StatusCode.ERROR, failure.errorType());
                span.end();
            }
        };
    }
}
