package io.mpsaas.common.config;

import io.mpsaas.common.marketplace.MarketplaceClientSettings;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * {@code suite.marketplace.*}: how every service reaches AWS Marketplace. Shared by the three services, so the keys
 * and environment variables ({@code SUITE_MARKETPLACE_REGION}, ...) are the same in all of them.
 */
@ConfigMapping(prefix = "suite.marketplace")
public interface MarketplaceConfig {

    /** Region of the Metering API. AWS enables us-east-1 for SaaS metering unless Seller Ops enabled another. */
    @WithDefault("us-east-1")
    String region();

    /** Endpoint override for ResolveCustomer and BatchMeterUsage (the sandbox simulator); unset for AWS. */
    Optional<URI> meteringEndpoint();

    /** Endpoint override for GetEntitlements (the sandbox simulator); unset for AWS (us-east-1 only). */
    Optional<URI> entitlementEndpoint();

    /**
     * Endpoint override for the Agreement API (DescribeAgreement, GetAgreementTerms, SearchAgreements,
     * GetAgreementEntitlements; the sandbox simulator); unset for AWS (us-east-1 only).
     */
    Optional<URI> agreementEndpoint();

    /**
     * Endpoint override for the Catalog API (DescribeEntity of an agreement's offer, to tell a public offer from a
     * private one; the sandbox simulator); unset for AWS (us-east-1 only).
     */
    Optional<URI> catalogEndpoint();

    /** Static access key id, for the sandbox only; unset in production (default chain: IRSA, env, profile). */
    Optional<String> accessKeyId();

    /** Static secret access key, for the sandbox only; unset in production. */
    Optional<String> secretAccessKey();

    /** Attempts per call, the first included, on throttling, AWS-side errors and network failures. */
    @WithDefault("4")
    int maxAttempts();

    /** First backoff delay; later ones grow exponentially with full jitter (throttling starts 5 times higher). */
    @WithDefault("100ms")
    Duration retryBaseDelay();

    /** Upper bound of one backoff delay. */
    @WithDefault("20s")
    Duration retryMaxBackoff();

    /** TCP connect timeout. */
    @WithDefault("2s")
    Duration connectTimeout();

    /** Time to wait for an answer. */
    @WithDefault("10s")
    Duration readTimeout();

    /** The adapter's settings from this configuration. */
    default MarketplaceClientSettings toSettings() {
        return new MarketplaceClientSettings(region(), meteringEndpoint().orElse(null),
                entitlementEndpoint().orElse(null), agreementEndpoint().orElse(null),
                catalogEndpoint().orElse(null), accessKeyId().orElse(null), secretAccessKey().orElse(null),
                maxAttempts(), retryBaseDelay(), retryMaxBackoff(), connectTimeout(), readTimeout());
    }
}
