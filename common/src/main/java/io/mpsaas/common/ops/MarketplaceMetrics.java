package io.mpsaas.common.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.mpsaas.common.marketplace.MarketplaceCallListener;
import io.mpsaas.common.marketplace.MarketplaceError;
import io.mpsaas.common.marketplace.MarketplaceException;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;

/**
 * AWS Marketplace calls as Prometheus metrics, the same in every service (the adapter reports through
 * {@link MarketplaceCallListener}):
 * <ul>
 * <li>{@code mpsaas_marketplace_calls_total{operation, outcome, error}}: calls, retries included, by final outcome
 * ({@code success} / {@code error}) and {@link MarketplaceError} ({@code none} on success);</li>
 * <li>{@code mpsaas_marketplace_attempts_total{operation, error}}: every HTTP attempt; {@code error="THROTTLING"}
 * counts throttles;</li>
 * <li>{@code mpsaas_marketplace_call_seconds{operation, outcome}}: call latency, backoff included (histogram).</li>
 * </ul>
 * Tags are bounded: seven operations (three Metering/Entitlement, four Agreement API), the {@link MarketplaceError} values. Created at start so that every series
 * exists from the first scrape.
 */
@Startup
@ApplicationScoped
public class MarketplaceMetrics implements MarketplaceCallListener {

    /** The operations of the adapter, pre-registered so dashboards and alerts find them from the first scrape. */
    public static final List<String> OPERATIONS = List.of("ResolveCustomer", "BatchMeterUsage", "GetEntitlements",
            "DescribeAgreement", "GetAgreementTerms", "SearchAgreements", "GetAgreementEntitlements");

    static final String CALLS = "mpsaas.marketplace.calls";
    static final String ATTEMPTS = "mpsaas.marketplace.attempts";
    static final String LATENCY = "mpsaas.marketplace.call";

    private final MeterRegistry registry;

    public MarketplaceMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (String operation : OPERATIONS) {
            calls(operation, null);
            attempts(operation, null);
            attempts(operation, MarketplaceError.THROTTLING);
            latency(operation, "success");
        }
    }

    @Override
    public Call start(String operation) {
        long started = System.nanoTime();
        return new Call() {
            @Override
            public void attemptFailed(int attempt, MarketplaceException failure) {
                attempts(operation, failure.error()).increment();
            }

            @Override
            public void succeeded(int attempts) {
                attempts(operation, null).increment();
                calls(operation, null).increment();
                latency(operation, "success").record(Duration.ofNanos(System.nanoTime() - started));
            }

            @Override
            public void failed(MarketplaceException failure) {
                calls(operation, failure.error()).increment();
                latency(operation, "error").record(Duration.ofNanos(System.nanoTime() - started));
            }
        };
    }

    private Counter calls(String operation, MarketplaceError error) {
        return Counter.builder(CALLS)
                .description("AWS Marketplace calls (retries included) by outcome and error")
                .tag("operation", operation)
                .tag("outcome", error == null ? "success" : "error")
                .tag("error", error == null ? "none" : error.name())
                .register(registry);
    }

    private Counter attempts(String operation, MarketplaceError error) {
        return Counter.builder(ATTEMPTS)
                .description("AWS Marketplace HTTP attempts by error (THROTTLING: throttled)")
                .tag("operation", operation)
                .tag("error", error == null ? "none" : error.name())
                .register(registry);
    }

    private Timer latency(String operation, String outcome) {
        return Timer.builder(LATENCY)
                .description("AWS Marketplace call latency, retries and backoff included")
                .tag("operation", operation)
                .tag("outcome", outcome)
                .serviceLevelObjectives(Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
                        Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
                        Duration.ofSeconds(10), Duration.ofSeconds(30))
                .register(registry);
    }
}
