package io.mpsaas.common.marketplace;

import java.util.Objects;

/**
 * Tells a {@link Pacer} of every attempt of one AWS operation that AWS throttled. The Marketplace client retries a
 * throttled call by itself, outside the pacer; at the quota's own rate that retry would meet a full second again, so
 * the pacer leaves a slot free for it (the shared pace: a slot of all replicas). Only the paced operation's throttles
 * count: the client also carries other operations, whose quotas are not this pacer's.
 *
 * <p>Not a bean of common: each service makes its own for the operation it paces (metering's BatchMeterUsage,
 * entitlement's GetEntitlements), and {@link MarketplaceProducer} hands the client every listener bean.
 */
public final class ThrottleFeedback implements MarketplaceCallListener {

    private final String operation;
    private final Call call;

    /** Feedback of {@code operation}'s throttled attempts ({@code BatchMeterUsage}, ...) to {@code pacer}. */
    public ThrottleFeedback(String operation, Pacer pacer) {
        this.operation = Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(pacer, "pacer");
        this.call = new Call() {
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

    @Override
    public Call start(String operation) {
        return this.operation.equals(operation) ? call : Call.NONE;
    }

    @Override
    public String toString() {
        return "ThrottleFeedback[" + operation + "]";
    }
}
