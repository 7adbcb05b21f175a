package io.mpsaas.common.security;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * {@code suite.api.*}: the keys that open the suite's JSON APIs. Sent as {@code Authorization: Bearer <key>} or
 * {@code X-Api-Key: <key>}. With no key configured every protected call is refused: nothing anonymous can read
 * customers or create a bill. In production ({@code prod} profile) a key shorter than {@value ApiKeys#MIN_LENGTH}
 * characters or starting with {@value ApiKeys#DEV_PREFIX} stops the start ({@link ApiKeysStartupCheck}).
 */
@ConfigMapping(prefix = "suite.api")
public interface ApiKeysConfig {

    /** Keys of the seller's application (role APP); from a Kubernetes Secret in production. */
    Optional<List<String>> keys();

    /** Keys of operators (role ADMIN, which includes APP). */
    Optional<List<String>> adminKeys();

    /** The throttle of failed key attempts per client. */
    Throttle failedAttempts();

    /**
     * {@code suite.api.failed-attempts.*}: a client (its address; IPv6 by /64) that presented a wrong key
     * {@code max-failures} times within {@code window} gets 429 with {@code Retry-After} until the window ends.
     */
    interface Throttle {

        /** Wrong keys one client may present within the window. */
        @WithDefault("10")
        int maxFailures();

        /** The window, from the client's first failure in it; also how long the refusal lasts at most. */
        @WithDefault("5m")
        Duration window();

        /** Clients remembered at once; beyond, the idlest are forgotten (memory stays bounded). */
        @WithDefault("10000")
        int maxClients();
    }
}
