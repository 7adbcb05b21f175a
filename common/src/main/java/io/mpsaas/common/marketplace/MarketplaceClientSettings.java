package io.mpsaas.common.marketplace;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * How to reach AWS Marketplace: region, optional endpoint overrides (the sandbox simulator), optional static
 * credentials (dev and tests only; production uses the default chain, IRSA on EKS), retry and timeouts.
 *
 * @param region             region of the Metering API (ResolveCustomer, BatchMeterUsage); us-east-1 unless AWS
 *                           enabled another for the product. GetEntitlements is always us-east-1.
 * @param meteringEndpoint   overrides {@code https://metering.marketplace.<region>.amazonaws.com}; null for AWS
 * @param entitlementEndpoint overrides {@code https://entitlement.marketplace.us-east-1.amazonaws.com}; null for AWS
 * @param agreementEndpoint  overrides {@code https://agreement-marketplace.us-east-1.amazonaws.com} (Agreement API);
 *                           null for AWS
 * @param catalogEndpoint    overrides {@code https://catalog.marketplace.us-east-1.amazonaws.com} (Catalog API:
 *                           DescribeEntity of an agreement's offer); null for AWS
 * @param accessKeyId        static credentials (with {@code secretAccessKey}); null for the default credentials chain
 * @param maxAttempts        attempts per call, first included, for throttling, 5xx and transport errors
 * @param retryBaseDelay     first backoff delay (exponential with jitter from there)
 * @param retryMaxBackoff    cap of one backoff delay
 */
public record MarketplaceClientSettings(String region, URI meteringEndpoint, URI entitlementEndpoint,
        URI agreementEndpoint, URI catalogEndpoint, String accessKeyId, String secretAccessKey, int maxAttempts, Duration retryBaseDelay,
        Duration retryMaxBackoff, Duration connectTimeout, Duration readTimeout) {

    /** Region of the only Entitlement Service endpoint. */
    public static final String ENTITLEMENT_REGION = "us-east-1";

    /** Region of the Agreement API: every AWS Marketplace catalog and agreement operation runs in us-east-1. */
    public static final String AGREEMENT_REGION = "us-east-1";

    /** Region of the Catalog API ({@code catalog.marketplace.us-east-1.amazonaws.com}). */
    public static final String CATALOG_REGION = "us-east-1";

    public MarketplaceClientSettings {
        Objects.requireNonNull(region, "region");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
        if ((accessKeyId == null) != (secretAccessKey == null)) {
            throw new IllegalArgumentException("static credentials need both access key id and secret access key");
        }
    }

    /** AWS endpoints, default credentials chain, 4 attempts. */
    public static MarketplaceClientSettings defaults() {
        return new MarketplaceClientSettings("us-east-1", null, null, null, null, null, null, 4, Duration.ofMillis(100),
                Duration.ofSeconds(20), Duration.ofSeconds(2), Duration.ofSeconds(10));
    }

    public URI meteringUri() {
        return meteringEndpoint != null ? meteringEndpoint
                : URI.create("https://metering.marketplace." + region + ".amazonaws.com");
    }

    public URI entitlementUri() {
        return entitlementEndpoint != null ? entitlementEndpoint
                : URI.create("https://entitlement.marketplace." + ENTITLEMENT_REGION + ".amazonaws.com");
    }

    public URI agreementUri() {
        return agreementEndpoint != null ? agreementEndpoint
                : URI.create("https://agreement-marketplace." + AGREEMENT_REGION + ".amazonaws.com");
    }

    public URI catalogUri() {
        return catalogEndpoint != null ? catalogEndpoint
                : URI.create("https://catalog.marketplace." + CATALOG_REGION + ".amazonaws.com");
    }

    @Override
    public String toString() {
        // never print the secret
        return "MarketplaceClientSettings[region=" + region + ", meteringEndpoint=" + meteringUri()
                + ", entitlementEndpoint=" + entitlementUri() + ", agreementEndpoint=" + agreementUri()
                + ", catalogEndpoint=" + catalogUri()
                + ", credentials="
                + (accessKeyId == null ? "default chain" : "static") + ", maxAttempts=" + maxAttempts + "]";
    }
}
