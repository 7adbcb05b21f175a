package io.mpsaas.metering.marketplace;

import io.mpsaas.common.marketplace.MarketplaceCallListener;
import io.mpsaas.common.marketplace.MarketplaceError;
import io.mpsaas.common.marketplace.MarketplaceException;
import io.mpsaas.common.marketplace.Pacer;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Tells this replica's {@link Pacer} of every BatchMeterUsage attempt AWS throttled. The Marketplace client retries a
 * throttled call by itself, outside the pacer; at the quota's own rate that retry would meet a full second again, so
 * the pacer leaves a slot free for it (the shared pace: a slot of all replicas).
 */
@ApplicationScoped
public class ThrottleFeedback implements MarketplaceCallListener {

    private final Pacer pacer;

    public ThrottleFeedback(Pacer pacer) {
        this.pacer = pacer;
    }

    @Override
    public Call start(String operation) {
        if (!"BatchMeterUsage".equals(operation)) {
            return Call.NONE;
        }
        return new Call() {
            @Override
            public void attemptFailed(int attempt, MarketplaceException failure) {
                if (failure.error() == MarketplaceError.THROTTLING) {
                    pacer.throttled();
                }
            }

            @Override
            public void succeeded(int attempts) {
            }

            @Override
            public void failed(MarketplaceException failure) {
            }
        };
    }
}
