package io.mpsaas.onboarding.service;

import io.mpsaas.onboarding.config.OnboardingConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Token buckets per client address for the fulfillment URL ({@code suite.onboarding.rate-limit.*}): each client may
 * make {@code burst} requests at once and {@code per-minute} a minute after that. One replica's view: behind several
 * replicas a client gets that limit per replica, which still stops a flood of ResolveCustomer calls.
 */
@ApplicationScoped
public class ClientRequestLimiter {

    /** The answer for one request: allowed, or refused with the seconds until a token is back. */
    public record Decision(boolean allowed, long retryAfterSeconds) {
    }

    private final boolean enabled;
    private final double burst;
    private final double perMilli;
    private final int maxClients;
    private final Clock clock;
    /** Access-ordered, so the least recently seen client is dropped first when full. */
    private final Map<String, double[]> buckets;

    @Inject
    public ClientRequestLimiter(OnboardingConfig config, Clock clock) {
        this(config.rateLimit().enabled(), config.rateLimit().burst(), config.rateLimit().perMinute(),
                config.rateLimit().maxClients(), clock);
    }

    ClientRequestLimiter(boolean enabled, int burst, int perMinute, int maxClients, Clock clock) {
        if (burst < 1 || perMinute < 1 || maxClients < 1) {
            throw new IllegalArgumentException("suite.onboarding.rate-limit.burst, per-minute and max-clients must be"
                    + " at least 1");
        }
        this.enabled = enabled;
        this.burst = burst;
        this.perMilli = perMinute / 60_000.0;
        this.maxClients = maxClients;
        this.clock = clock;
        this.buckets = new LinkedHashMap<>(16, 0.75f, true);
    }

    /** Takes a token from the client's bucket. */
    public synchronized Decision acquire(String client) {
        if (!enabled) {
            return new Decision(true, 0);
        }
        long now = clock.millis();
        double[] bucket = buckets.get(client);
        if (bucket == null) {
            if (buckets.size() >= maxClients) {
                Iterator<String> idlest = buckets.keySet().iterator();
                idlest.next();
                idlest.remove();
            }
            bucket = new double[] {burst, now};
            buckets.put(client, bucket);
        }
        bucket[0] = Math.min(burst, bucket[0] + (now - bucket[1]) * perMilli);
        bucket[1] = now;
        if (bucket[0] >= 1) {
            bucket[0] -= 1;
            return new Decision(true, 0);
        }
        long wait = (long) Math.ceil((1 - bucket[0]) / perMilli / 1000.0);
        return new Decision(false, Math.max(1, wait));
    }
}
