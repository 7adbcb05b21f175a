package io.mpsaas.common.security;

import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Failed key attempts per client ({@link ClientAddress#key}): a client that failed {@code maxFailures} times within
 * {@code window} of its first failure is refused, whatever it presents, until that window ends. Memory stays bounded:
 * at most {@code maxClients} clients are remembered, the least recently seen forgotten first.
 */
public final class FailedAttempts {

    private final int maxFailures;
    private final long windowMillis;
    private final int maxClients;
    private final Clock clock;
    /** Per client: {first failure of the window (epoch ms), failures in it}. Access-ordered: idlest first. */
    private final Map<String, long[]> clients = new LinkedHashMap<>(16, 0.75f, true);

    public FailedAttempts(int maxFailures, Duration window, int maxClients, Clock clock) {
        if (maxFailures < 1 || window.isNegative() || window.isZero() || maxClients < 1) {
            throw new IllegalArgumentException("failed attempts: max-failures and max-clients must be at least 1, the"
                    + " window positive");
        }
        this.maxFailures = maxFailures;
        this.windowMillis = window.toMillis();
        this.maxClients = maxClients;
        this.clock = clock;
    }

    /** 0 when the client may try; else the seconds until it may (its window's end), at least 1. */
    public synchronized long retryAfterSeconds(String client) {
        long[] entry = clients.get(client);
        long now = clock.millis();
        if (entry == null || entry[1] < maxFailures || now - entry[0] >= windowMillis) {
            return 0;
        }
        return Math.max(1, (entry[0] + windowMillis - now + 999) / 1000);
    }

    /** Counts a failed attempt of the client. */
    public synchronized void failed(String client) {
        long now = clock.millis();
        long[] entry = clients.get(client);
        if (entry == null) {
            if (clients.size() >= maxClients) {
                Iterator<String> idlest = clients.keySet().iterator();
                idlest.next();
                idlest.remove();
            }
            entry = new long[] {now, 0};
            clients.put(client, entry);
        } else if (now - entry[0] >= windowMillis) {
            entry[0] = now;
            entry[1] = 0;
        }
        entry[1]++;
    }

    /** Clients remembered now (at most {@code maxClients}). */
    public synchronized int size() {
        return clients.size();
    }
}
