package io.mpsaas.common.marketplace;

import java.util.List;
import org.jboss.logging.Logger;

/**
 * Observes the calls {@link AwsJsonMarketplaceClient} makes, so metrics and traces of AWS Marketplace are the same in
 * every service. A call is one {@link Marketplace} method invocation, its retries included; an attempt is one HTTP
 * request. Listeners must be quick and must not throw (a throwing listener is logged and ignored, never failing the
 * call).
 */
@FunctionalInterface
public interface MarketplaceCallListener {

    /** Observes nothing. */
    MarketplaceCallListener NONE = operation -> Call.NONE;

    /**
     * A call begins.
     *
     * @param operation the AWS operation: {@code ResolveCustomer}, {@code BatchMeterUsage}, {@code GetEntitlements}
     *        or an Agreement API operation ({@code DescribeAgreement}, ...)
     * @return what observes this call until it ends
     */
    Call start(String operation);

    /** One call, from its start to its end. */
    interface Call {

        Call NONE = new Call() {
            @Override
            public void succeeded(int attempts) {
            }

            @Override
            public void failed(MarketplaceException failure) {
            }
        };

        /** An attempt failed (it may be retried); {@code failure.error()} says how, THROTTLING included. */
        default void attemptFailed(int attempt, MarketplaceException failure) {
        }

        /** The call answered, after {@code attempts} attempts. */
        void succeeded(int attempts);

        /** The call gave up ({@code failure.attempts()} attempts) or was never retryable. */
        void failed(MarketplaceException failure);
    }

    /** All of them, in order; each guarded so one failing listener neither stops the others nor the call. */
    static MarketplaceCallListener of(List<MarketplaceCallListener> listeners) {
        List<MarketplaceCallListener> all = List.copyOf(listeners);
        if (all.isEmpty()) {
            return NONE;
        }
        return operation -> {
            List<Call> calls = all.stream().map(l -> Guarded.start(l, operation)).toList();
            return new Call() {
                @Override
                public void attemptFailed(int attempt, MarketplaceException failure) {
                    calls.forEach(c -> Guarded.run(() -> c.attemptFailed(attempt, failure)));
                }

                @Override
                public void succeeded(int attempts) {
                    calls.forEach(c -> Guarded.run(() -> c.succeeded(attempts)));
                }

                @Override
                public void failed(MarketplaceException failure) {
                    calls.forEach(c -> Guarded.run(() -> c.failed(failure)));
                }
            };
        };
    }

    /** Runs listener code so that it can never fail a call. */
    final class Guarded {
        private static final Logger LOG = Logger.getLogger(MarketplaceCallListener.class);

        private Guarded() {
        }

        static Call start(MarketplaceCallListener listener, String operation) {
            try {
                Call call = listener.start(operation);
                return call == null ? Call.NONE : call;
            } catch (RuntimeException e) {
                LOG.debugf(e, "Marketplace call listener %s failed", listener);
                return Call.NONE;
            }
        }

        static void run(Runnable action) {
            try {
                action.run();
            } catch (RuntimeException e) {
                LOG.debugf(e, "Marketplace call listener failed");
            }
        }
    }
}
