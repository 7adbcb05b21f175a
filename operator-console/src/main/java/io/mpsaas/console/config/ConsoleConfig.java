package io.mpsaas.console.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * {@code suite.console.*}: who may sign in to the console, and how it reaches the services' admin APIs. Every key, its
 * environment variable and its default are in the README ("Operator console").
 */
@ConfigMapping(prefix = "suite.console")
public interface ConsoleConfig {

    /** entitlement-service's base URL, inside the cluster (its admin API is under {@code /api/v1/admin}). */
    @WithDefault("http://entitlement-service:8081")
    String entitlementUrl();

    /** metering-service's base URL, inside the cluster (its admin API is under {@code /v1/admin/metering}). */
    @WithDefault("http://metering-service:8082")
    String meteringUrl();

    /** How long a page waits to connect to a service (milliseconds) before it says the service did not answer. */
    @WithDefault("2000")
    int connectTimeoutMs();

    /** How long a page waits for a service's answer (milliseconds) before it says the service did not answer. */
    @WithDefault("10000")
    int readTimeoutMs();

    /** A sign-in ends after this long without a page view; each view renews it. */
    @WithDefault("30m")
    Duration sessionTimeout();

    /** A sign-in with an operator key ends this long after it began, however active (1m..24h). */
    @WithDefault("8h")
    Duration sessionMaxAge();

    /** Sign-in with the company's identity provider (OpenID Connect, authorization code flow); off by default. */
    Oidc oidc();

    /** {@code suite.console.oidc.*}: the identity provider operators sign in with. */
    interface Oidc {

        /** Whether anonymous visitors are sent to the identity provider; the login page's operator keys stay. */
        @WithDefault("false")
        boolean enabled();

        /** The provider's issuer URL (its discovery document is under {@code /.well-known/openid-configuration}). */
        Optional<String> issuer();

        /** The console's client id at the provider. */
        @WithDefault("operator-console")
        String clientId();

        /** The console's client secret at the provider. */
        Optional<String> clientSecret();

        /** The group, in the ID token's groups claim, whose members are operators; anyone else gets "Not allowed". */
        @WithDefault("mpsaas-operators")
        String operatorGroup();

        /** The ID token claim that names the operator in the header and the log ({@code sub} by default). */
        @WithDefault("sub")
        String nameClaim();
    }

    /**
     * Keys operators sign in with (the console's form asks for a name and a key). Compared in constant time, never
     * logged: the log names an operator by the name entered and the key's id (the first 8 hex digits of its SHA-256).
     * Empty, nobody can sign in with a key (OIDC may still be configured).
     */
    Optional<List<String>> operatorKeys();

    /**
     * The admin key ({@code suite.api.admin-keys} of entitlement-service and metering-service) the console sends to
     * their admin APIs. Operators never see it.
     */
    Optional<String> adminKey();

    /**
     * Secret of at least 16 characters that encrypts the sign-in cookie and signs the forms' CSRF tokens
     * ({@code openssl rand -base64 32}). Required in production, the same on every replica; changing it ends every
     * session. {@code %dev} and {@code %test} use a fixed development secret.
     */
    Optional<String> sessionSecret();

    /** The throttle of failed sign-ins per client. */
    SignInThrottle signInThrottle();

    /**
     * {@code suite.console.sign-in-throttle.*}: a client (its address; IPv6 by /64) whose sign-in failed
     * {@code max-failures} times within {@code window} gets 429 with {@code Retry-After} on the sign-in form until the
     * window ends.
     */
    interface SignInThrottle {

        /** Failed sign-ins one client may make within the window. */
        @WithDefault("10")
        int maxFailures();

        /** The window, from the client's first failure in it; also how long the refusal lasts at most. */
        @WithDefault("5m")
        Duration window();

        /** Clients remembered at once; beyond, the idlest are forgotten (memory stays bounded). */
        @WithDefault("10000")
        int maxClients();
    }

    /** Customers' usage: most hourly aggregates shown on a customer's usage page, newest first (1..1000). */
    @WithDefault("200")
    int usageLimit();

    /** Most failed aggregates shown on the failures page and counted on the overview (1..1000). */
    @WithDefault("200")
    int failuresLimit();

    /** Most re-drive ids one form may name (1..1000). */
    @WithDefault("200")
    int maxRedriveIds();
}
