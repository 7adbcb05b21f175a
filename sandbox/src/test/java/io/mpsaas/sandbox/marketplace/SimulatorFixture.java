package io.mpsaas.sandbox.marketplace;

import io.mpsaas.sandbox.marketplace.catalog.Product;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.marketplaceentitlement.MarketplaceEntitlementClient;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;

/** Shared test plumbing: real SDK clients pointed at a simulator, raw AWS JSON calls, unique product codes. */
final class SimulatorFixture {

    /** A syntactically complete SigV4 header with the right scope; the simulator does not check the HMAC. */
    static final String AUTH = "AWS4-HMAC-SHA256 Credential=AKIDSANDBOX/20261122/us-east-1/aws-marketplace/"
            + "aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=00000000";

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final StaticCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDSANDBOX", "sandbox-secret"));
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private SimulatorFixture() {
    }

    static MarketplaceSimulator startSimulator() {
        return MarketplaceSimulator.builder().build().start();
    }

    /** A metering client; without retries for error assertions, or with the SDK's default retry strategy. */
    static MarketplaceMeteringClient metering(MarketplaceSimulator sim, boolean retries) {
        return MarketplaceMeteringClient.builder()
                .endpointOverride(sim.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(CREDENTIALS)
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(o -> {
                    if (!retries) {
                        o.retryStrategy(AwsRetryStrategy.doNotRetry());
                    }
                })
                .build();
    }

    static MarketplaceEntitlementClient entitlement(MarketplaceSimulator sim, boolean retries) {
        return MarketplaceEntitlementClient.builder()
                .endpointOverride(sim.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(CREDENTIALS)
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(o -> {
                    if (!retries) {
                        o.retryStrategy(AwsRetryStrategy.doNotRetry());
                    }
                })
                .build();
    }

    /** A product code no other test uses. */
    static String uniqueCode(String prefix) {
        StringBuilder s = new StringBuilder(prefix).append('-');
        for (int i = 0; i < 10; i++) {
            s.append("abcdefghijklmnopqrstuvwxyz0123456789".charAt(RANDOM.nextInt(36)));
        }
        return s.toString();
    }

    /** A raw AWS JSON 1.1 call (for fields the pinned SDK clients predate, and for header checks). */
    static HttpResponse<String> rawAws(MarketplaceSimulator sim, String target, String json, String authorization)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(sim.endpoint().resolve("/"))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-amz-json-1.1")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (target != null) {
            b.header("X-Amz-Target", target);
        }
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> send(MarketplaceSimulator sim, String method, String path, String json)
            throws IOException, InterruptedException {
        HttpRequest.BodyPublisher body = json == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(json);
        return HTTP.send(HttpRequest.newBuilder(sim.endpoint().resolve(path))
                        .timeout(Duration.ofSeconds(10))
                        .header("Content-Type", "application/json")
                        .method(method, body).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The start of the simulator's current hour: a timestamp every window and start-hour rule accepts. */
    static Instant currentHour(MarketplaceSimulator sim) {
        return sim.clock().instant().truncatedTo(ChronoUnit.HOURS);
    }

    static Product addLegacySubscription(MarketplaceSimulator sim, String... metered) {
        return sim.addProduct(Product.builder(uniqueCode("legacy-sub"),
                io.mpsaas.sandbox.marketplace.catalog.PricingModel.SUBSCRIPTION)
                .metered(metered.length == 0 ? new String[] {"requests", "users"} : metered).build());
    }

    static Product addCaSubscription(MarketplaceSimulator sim) {
        return sim.addProduct(Product.builder(uniqueCode("ca-sub"),
                io.mpsaas.sandbox.marketplace.catalog.PricingModel.SUBSCRIPTION)
                .concurrentAgreements().metered("requests", "gb").build());
    }
}
