package io.mpsaas.metering.marketplace;

import io.mpsaas.common.marketplace.MarketplaceCallListener;
import io.mpsaas.common.marketplace.MarketplaceError;
import io.mpsaas.common.marketplace.MarketplaceException;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Tells this replica's {@link RateLimiter} of every BatchMeterUsage attempt AWS throttled. The Marketplace client
 * retries a throttled call by itself, outside the limiter; at the quota's own rate that retry would meet a full second
 * again, so the limiter leaves a slot free for it.
 */
@ApplicationScoped
public class ThrottleFeedback implements MarketplaceCallListener {

    private final RateLimiter limiter;

    public ThrottleFeedback(RateLimiter limiter) {
        this.limiter = limiter;
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
                    limiter.throttled();
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
