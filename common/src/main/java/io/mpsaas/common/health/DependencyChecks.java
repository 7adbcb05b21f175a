package io.mpsaas.common.health;

import io.mpsaas.common.config.MarketplaceConfig;
import io.mpsaas.common.config.OpsConfig;
import io.mpsaas.common.config.TablesConfig;
import io.mpsaas.common.dynamo.Attr;
import io.mpsaas.common.dynamo.SuiteTables;
import io.mpsaas.common.marketplace.MarketplaceClientSettings;
import io.mpsaas.common.messaging.SqsConsumer;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Cheap reachability checks of the service's dependencies, each cached for {@code suite.ops.health.cache-for} so
 * probes cost one call per period, and bounded by {@code suite.ops.health.timeout}:
 * <ul>
 * <li>DynamoDB: a GetItem of a key that never exists ({@code pk = health#probe}) in the customers table, which every
 * service may read (half a read unit);</li>
 * <li>SQS: GetQueueUrl of {@code suite.ops.health.sqs-queue}, a queue the service uses;</li>
 * <li>AWS Marketplace: an unsigned HTTP GET of each endpoint the service calls. Any HTTP answer (AWS refuses it as
 * unauthenticated) proves the endpoint reachable; it bills nothing and changes nothing.</li>
 * </ul>
 * A check only says "reachable": an answer that refuses us (permissions) is an error of the call that needs it, not of
 * readiness.
 */
@ApplicationScoped
public class DependencyChecks {

    /** The names of {@code suite.ops.health.checks}. */
    public static final String DYNAMODB = "dynamodb";
    public static final String SQS = "sqs";
    public static final String MARKETPLACE = "marketplace";

    /** The item the DynamoDB check reads: never written by anyone. */
    static final String PROBE_PK = "health#probe";
    static final String PROBE_SK = "PROBE";

    /** What a check found, and when. */
    public record Result(boolean up, String detail, Instant checkedAt) {
    }

    private final DynamoDbClient dynamo;
    private final SqsClient sqs;
    private final TablesConfig tables;
    private final OpsConfig.Health config;
    private final MarketplaceClientSettings marketplace;
    private final Clock clock = Clock.systemUTC();
    private final Map<String, Result> cache = new ConcurrentHashMap<>();
    private final HttpClient http;

    public DependencyChecks(DynamoDbClient dynamo, SqsClient sqs, TablesConfig tables, OpsConfig ops,
            MarketplaceConfig marketplace) {
        this.dynamo = dynamo;
        this.sqs = sqs;
        this.tables = tables;
        this.config = ops.health();
        this.marketplace = marketplace.toSettings();
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(config.timeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** Whether {@code suite.ops.health.checks} names this dependency. */
    public boolean enabled(String dependency) {
        return config.checks().stream().map(s -> s.strip().toLowerCase(Locale.ROOT)).anyMatch(dependency::equals);
    }

    public Result dynamodb() {
        return cached(DYNAMODB, () -> {
            dynamo.getItem(r -> r.tableName(tables.customers()).key(Map.of(SuiteTables.PK, Attr.s(PROBE_PK),
                    SuiteTables.SK, Attr.s(PROBE_SK))).overrideConfiguration(o -> o.apiCallTimeout(config.timeout())));
            return "table " + tables.customers() + " answered";
        });
    }

    public Result sqs() {
        String queue = SqsConsumer.queueName(config.sqsQueue());
        return cached(SQS, () -> {
            sqs.getQueueUrl(r -> r.queueName(queue).overrideConfiguration(o -> o.apiCallTimeout(config.timeout())));
            return "queue " + queue + " found";
        });
    }

    public Result marketplace() {
        return cached(MARKETPLACE, () -> {
            List<String> answered = new ArrayList<>();
            for (URI endpoint : marketplaceEndpoints()) {
                HttpRequest request = HttpRequest.newBuilder(endpoint).timeout(config.timeout()).GET().build();
                try {
                    int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                    answered.add(endpoint + " answered HTTP " + status);
                } catch (IOException e) {
                    throw new IllegalStateException(endpoint + " unreachable: " + e, e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(endpoint + ": interrupted", e);
                }
            }
            return String.join("; ", answered);
        });
    }

    /** The Marketplace endpoints of {@code suite.ops.health.marketplace-apis}. */
    List<URI> marketplaceEndpoints() {
        List<URI> endpoints = new ArrayList<>();
        for (String api : config.marketplaceApis()) {
            switch (api.strip().toLowerCase(Locale.ROOT)) {
                case "metering" -> endpoints.add(marketplace.meteringUri());
                case "entitlement" -> endpoints.add(marketplace.entitlementUri());
                default -> throw new IllegalArgumentException("suite.ops.health.marketplace-apis: unknown API " + api
                        + " (metering, entitlement)");
            }
        }
        return endpoints;
    }

    private Result cached(String name, Supplier<String> check) {
        Instant now = clock.instant();
        Result last = cache.get(name);
        if (last != null && last.checkedAt().plus(config.cacheFor()).isAfter(now)) {
            return last;
        }
        synchronized (cache) {
            last = cache.get(name);
            if (last != null && last.checkedAt().plus(config.cacheFor()).isAfter(clock.instant())) {
                return last;
            }
            Result result;
            try {
                result = new Result(true, check.get(), clock.instant());
            } catch (RuntimeException e) {
                result = new Result(false, summary(e), clock.instant());
            }
            cache.put(name, result);
            return result;
        }
    }

    /** The failure in one line: its type and message, never a stack. */
    private static String summary(RuntimeException e) {
        String message = e.getMessage();
        if (message != null && message.length() > 300) {
            message = message.substring(0, 300) + "...";
        }
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
