package io.mpsaas.common.health;

import io.mpsaas.common.Causes;
import io.mpsaas.common.config.MarketplaceConfig;
import io.mpsaas.common.config.OpsConfig;
import io.mpsaas.common.config.TablesConfig;
import io.mpsaas.common.dynamo.SuiteTables;
import io.mpsaas.common.marketplace.MarketplaceClientSettings;
import io.mpsaas.common.messaging.SqsConsumer;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.jboss.logging.Logger;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Cheap reachability checks of the service's dependencies, each cached for {@code suite.ops.health.cache-for} so
 * probes cost one call per period, and bounded by {@code suite.ops.health.timeout}:
 * <ul>
 * <li>DynamoDB: a GetItem of a key that never exists ({@code pk = health#probe}) in the customers table, which every
 * service may read (half a read unit);</li>
 * <li>SQS: GetQueueUrl of {@code suite.ops.health.sqs-queue}, a queue the service uses;</li>
 * <li>AWS Marketplace (for {@link MarketplaceReachability}'s metric, never for readiness): an unsigned HTTP GET of an
 * endpoint the service calls. Any HTTP answer (AWS refuses it as unauthenticated) proves the endpoint reachable; it
 * bills nothing and changes nothing.</li>
 * </ul>
 * A check only says "reachable": an answer that refuses us (permissions) is an error of the call that needs it, not of
 * readiness. What a failed check tells (readiness answers are read by anyone who reaches the probe port) is a
 * {@link #reason short bounded reason}: the AWS error code or the kind of network failure, never the error's message,
 * which can name the account and the role; the message goes to the log.
 */
@Startup
@ApplicationScoped
public class DependencyChecks {

    private static final Logger LOG = Logger.getLogger(DependencyChecks.class);

    /** The names of {@code suite.ops.health.checks}. */
    public static final String DYNAMODB = "dynamodb";
    public static final String SQS = "sqs";
    /** The readiness checks there are: the local dependencies only. */
    public static final List<String> READINESS_CHECKS = List.of(DYNAMODB, SQS);
    /** The APIs of {@code suite.ops.health.marketplace-apis}. */
    public static final List<String> MARKETPLACE_APIS = List.of("metering", "entitlement");

    /** Longest reason a failed check reports. */
    static final int MAX_REASON = 80;

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
    private final CompletableFuture<Void> warmedUp = new CompletableFuture<>();
    /** For the AWS Marketplace checks only; made on first use (a JDK HttpClient loads the trust store when made). */
    private volatile HttpClient http;

    public DependencyChecks(DynamoDbClient dynamo, SqsClient sqs, TablesConfig tables, OpsConfig ops,
            MarketplaceConfig marketplace) {
        this.dynamo = dynamo;
        this.sqs = sqs;
        this.tables = tables;
        this.config = ops.health();
        this.marketplace = marketplace.toSettings();
        // a wrong name stops the start (this bean is created at start) rather than leave a check silently off
        for (String check : config.checks()) {
            if (!READINESS_CHECKS.contains(normalized(check))) {
                throw new IllegalArgumentException("suite.ops.health.checks: unknown readiness check '" + check
                        + "' (" + String.join(", ", READINESS_CHECKS) + "; AWS Marketplace is not a readiness check:"
                        + " its reachability is the metric mpsaas_marketplace_reachable)");
            }
        }
        marketplaceApis();
    }

    /**
     * Runs the readiness checks once in the background as the service starts, beside the rest of its start: the first
     * readiness probe finds their results (reused for {@code cache-for}) instead of making the first DynamoDB and SQS
     * calls of the process itself (connections, TLS, the SDK's first requests), and the service is ready that much
     * sooner.
     */
    @PostConstruct
    void warmUp() {
        Thread warmUp = new Thread(() -> {
            try {
                if (enabled(DYNAMODB)) {
                    dynamodb();
                }
                if (enabled(SQS)) {
                    sqs();
                }
            } finally {
                warmedUp.complete(null);
            }
        }, "mpsaas-readiness-warm-up");
        warmUp.setDaemon(true);
        warmUp.start();
    }

    /** Completes once the checks run as the service started have answered (up or down). */
    public CompletableFuture<Void> warmedUp() {
        return warmedUp;
    }

    /** The last result of a check, without running it; empty before its first run. */
    public Optional<Result> lastResult(String check) {
        return Optional.ofNullable(cache.get(check));
    }

    /** Whether {@code suite.ops.health.checks} names this dependency. */
    public boolean enabled(String dependency) {
        return config.checks().stream().map(DependencyChecks::normalized).anyMatch(dependency::equals);
    }

    public Result dynamodb() {
        return cached(DYNAMODB, () -> {
            dynamo.getItem(r -> r.tableName(tables.customers()).key(SuiteTables.key(PROBE_PK, PROBE_SK))
                    .overrideConfiguration(o -> o.apiCallTimeout(config.timeout())));
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

    /** Whether an AWS Marketplace API's endpoint answers ({@code metering} or {@code entitlement}). */
    public Result marketplace(String api) {
        URI endpoint = marketplaceEndpoint(api);
        return cached("marketplace-" + api, () -> {
            HttpRequest request = HttpRequest.newBuilder(endpoint).timeout(config.timeout()).GET().build();
            try {
                int status = http().send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                return "answered HTTP " + status;
            } catch (IOException e) {
                throw new UncheckedIOException(endpoint + " unreachable: " + e, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(endpoint + ": interrupted", e);
            }
        });
    }

    private HttpClient http() {
        HttpClient client = http;
        if (client == null) {
            synchronized (this) {
                if (http == null) {
                    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                            .connectTimeout(config.timeout()).followRedirects(HttpClient.Redirect.NEVER).build();
                }
                client = http;
            }
        }
        return client;
    }

    /** The APIs of {@code suite.ops.health.marketplace-apis}, checked. */
    public List<String> marketplaceApis() {
        List<String> apis = new ArrayList<>();
        for (String api : config.marketplaceApis()) {
            String name = normalized(api);
            if (!MARKETPLACE_APIS.contains(name)) {
                throw new IllegalArgumentException("suite.ops.health.marketplace-apis: unknown API " + api
                        + " (metering, entitlement)");
            }
            apis.add(name);
        }
        return apis;
    }

    /** The endpoint of an AWS Marketplace API. */
    URI marketplaceEndpoint(String api) {
        return switch (normalized(api)) {
            case "metering" -> marketplace.meteringUri();
            case "entitlement" -> marketplace.entitlementUri();
            default -> throw new IllegalArgumentException("unknown AWS Marketplace API " + api);
        };
    }

    private static String normalized(String name) {
        return name.strip().toLowerCase(Locale.ROOT);
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
                if (last != null && !last.up()) {
                    LOG.infof("Dependency check %s passes again", name);
                }
            } catch (RuntimeException e) {
                result = new Result(false, reason(e), clock.instant());
                // the whole message, for the operator, once per outage
                if (last == null || last.up()) {
                    LOG.warnf("Dependency check %s fails: %s", name, e.toString());
                }
            }
            cache.put(name, result);
            return result;
        }
    }

    /**
     * What a failed check may tell whoever reads the readiness answer: the AWS error code and HTTP status, or the kind
     * of network failure (its exception type), at most {@link #MAX_REASON} characters of letters, digits and a little
     * punctuation. Never the error's message: AWS's AccessDenied names the account and the role.
     */
    public static String reason(Throwable failure) {
        String reason;
        if (failure instanceof AwsServiceException aws) {
            String code = aws.awsErrorDetails() == null ? null : aws.awsErrorDetails().errorCode();
            reason = (code == null || code.isBlank() ? "AWS error" : code) + " (HTTP " + aws.statusCode() + ")";
        } else if (failure instanceof SdkServiceException service) {
            reason = "error answer (HTTP " + service.statusCode() + ")";
        } else {
            reason = "no answer (" + Causes.root(failure).getClass().getSimpleName() + ")";
        }
        reason = reason.replaceAll("[^A-Za-z0-9 ()._:-]", "");
        return reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) : reason;
    }
}
