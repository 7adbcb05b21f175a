package io.mpsaas.common.health;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code mpsaas_marketplace_reachable{api}}: 1 while the AWS Marketplace API's endpoint answers (any HTTP answer: see
 * {@link DependencyChecks#marketplace}), 0 while it does not, NaN before the first check. One gauge per API of
 * {@code suite.ops.health.marketplace-apis}, refreshed every {@code suite.ops.gauges.refresh-every}.
 *
 * <p>A metric and the alert {@code MpsaasMarketplaceUnreachable}, not a readiness check: during an AWS Marketplace
 * outage the pods stay in their Services, so the access API and usage intake (which need only DynamoDB) keep
 * answering, the fulfillment URL shows buyers its retry page, and metering waits (nothing is lost).
 */
@Startup
@ApplicationScoped
public class MarketplaceReachability {

    static final String GAUGE = "mpsaas.marketplace.reachable";

    private final DependencyChecks checks;
    private final Map<String, double[]> reachable = new LinkedHashMap<>();

    public MarketplaceReachability(DependencyChecks checks, MeterRegistry registry) {
        this.checks = checks;
        for (String api : checks.marketplaceApis()) {
            double[] value = {Double.NaN};
            reachable.put(api, value);
            Gauge.builder(GAUGE, value, v -> v[0])
                    .description("1 while the AWS Marketplace API's endpoint answers, 0 while it does not")
                    .tag("api", api).register(registry);
        }
    }

    @Scheduled(identity = "mpsaas-marketplace-reachability", every = "{suite.ops.gauges.refresh-every}",
            delayed = "{suite.ops.gauges.first-refresh-after}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduledRefresh() {
        refresh();
    }

    /** Checks every watched API now (the check itself logs a change of state). */
    public void refresh() {
        reachable.forEach((api, value) -> value[0] = checks.marketplace(api).up() ? 1 : 0);
    }

    /** The last value of each API's gauge (NaN before the first check). */
    public Map<String, Double> values() {
        Map<String, Double> values = new LinkedHashMap<>();
        reachable.forEach((api, value) -> values.put(api, value[0]));
        return values;
    }
}
