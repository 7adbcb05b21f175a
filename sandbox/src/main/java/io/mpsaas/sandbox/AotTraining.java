package io.mpsaas.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mpsaas.common.customer.CustomerKeys;
import io.mpsaas.sandbox.LocalSuite.Service;
import io.mpsaas.sandbox.marketplace.MarketplaceSimulator;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeRequest;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeResult;
import io.mpsaas.sandbox.marketplace.buyer.SubscriptionView;
import io.mpsaas.sandbox.marketplace.catalog.IdentityModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * Trains each service's ahead-of-time cache (JDK 25+) on a realistic run of the suite: the sandbox and the three
 * packaged services started as {@link LocalSuite} starts them, but recording ({@code -XX:AOTCacheOutput}); buyers of
 * every identity model and pricing model landing, registering, being activated, upgraded and cancelled; usage sent over
 * HTTP and SQS and metered; the access, customer and operator APIs, health and metrics read. When the services stop,
 * each JVM writes {@code <module>/target/quarkus-app/app.aot} for exactly its JDK, classpath and options
 * ({@link ServiceJvm}), which {@code run-local.sh}, the tests and the benchmarks then use.
 *
 * <p>{@code java -cp sandbox/target/marketplace-sandbox.jar io.mpsaas.sandbox.AotTraining [--if-stale]}: see
 * {@code USAGE}. deploy/docker/Dockerfile.jvm runs it with {@code --service} and {@code --app} to train the image's
 * service at its final path.
 */
public final class AotTraining {

    static {
        System.setProperty("java.util.logging.manager", "org.jboss.logmanager.LogManager");
    }

    private static final Logger LOG = Logger.getLogger(AotTraining.class);

    private static final String USAGE = """
            Usage: java -cp sandbox/target/marketplace-sandbox.jar io.mpsaas.sandbox.AotTraining [options]
              --project-dir <dir>   repository root with the built services and sandbox (default: the current directory)
              --if-stale            train only when some service has no cache fit for this JVM
              --service <module> --app <dir>
                                    train only that service, packaged in <dir> (the image build: /deployments)
              --log-dir <dir>       where the services log (default <project-dir>/target/aot-training)""";

    /** Rounds of the journey: enough for the JIT profiles of the hot paths (JEP 515) to settle. */
    static final int ROUNDS = 3;

    private static final List<String> PRODUCTS = List.of("sbx-legacy-subscription", "sbx-ca-subscription",
            "sbx-legacy-contract", "sbx-ca-contract", "sbx-contract-consumption");
    private static final Pattern HIDDEN = Pattern.compile("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\"");

    private final LocalSuite suite;
    private final MarketplaceSimulator sim;
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .cookieHandler(new CookieManager(null, CookiePolicy.ACCEPT_ALL))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private int requests;

    private AotTraining(LocalSuite suite) {
        this.suite = suite;
        this.sim = suite.sandbox().simulator();
    }

    /**
     * Trains the caches of every service of {@code projectDir} for {@code jvm}; answers the cache files. Any existing
     * cache is removed first, so a failed run never leaves a stale one behind.
     */
    public static List<Path> train(Path projectDir, ServiceJvm jvm, Path logDir) {
        return train(options(projectDir, jvm.withAot(ServiceJvm.Aot.TRAIN), logDir), EnumSet.allOf(Service.class));
    }

    /**
     * Trains the cache of one service whose packaged application is in {@code app} (the image build: the service at
     * its final path, the other two from the build context, without caches); answers the cache file.
     */
    public static Path trainOne(Path projectDir, ServiceJvm jvm, Path logDir, Service service, Path app) {
        LocalSuite.Options options = options(projectDir, jvm.withAot(ServiceJvm.Aot.OFF), logDir)
                .withApp(service, app, ServiceJvm.Aot.TRAIN);
        return train(options, EnumSet.of(service)).get(0);
    }

    private static LocalSuite.Options options(Path projectDir, ServiceJvm jvm, Path logDir) {
        return new LocalSuite.Options(projectDir, Sandbox.Ports.RANDOM, true, logDir, Map.of(),
                Map.of(Service.ONBOARDING, Map.of("suite.onboarding.rate-limit.enabled", "false")))
                .withJvm(jvm, Duration.ofMinutes(3));
    }

    private static List<Path> train(LocalSuite.Options options, Set<Service> trained) {
        ServiceJvm jvm = options.jvm();
        if (!jvm.aotCapable()) {
            throw new IllegalStateException("ahead-of-time caches need JDK " + ServiceJvm.AOT_MIN_FEATURE
                    + " or later; " + jvm.javaHome() + " is " + jvm.version());
        }
        List<Path> caches = new ArrayList<>();
        for (Service service : trained) {
            Path app = options.app(service);
            caches.add(app.resolve(ServiceJvm.CACHE_FILE));
            try {
                Files.deleteIfExists(app.resolve(ServiceJvm.CACHE_FILE));
                Files.deleteIfExists(app.resolve(ServiceJvm.CACHE_INFO_FILE));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        long started = System.nanoTime();
        try (LocalSuite suite = LocalSuite.start(options)) {
            AotTraining training = new AotTraining(suite);
            for (int round = 1; round <= ROUNDS; round++) {
                training.round(round);
            }
            LOG.infof("Training workload done: %d requests in %d s; stopping the services (each JVM writes its cache)",
                    training.requests, (System.nanoTime() - started) / 1_000_000_000);
        }
        for (Service service : trained) {
            Path app = options.app(service);
            Path cache = app.resolve(ServiceJvm.CACHE_FILE);
            if (!Files.isRegularFile(cache)) {
                throw new IllegalStateException(service.module() + " wrote no cache; see "
                        + options.logDir().resolve(service.module() + ".log"));
            }
            try (Writer out = Files.newBufferedWriter(app.resolve(ServiceJvm.CACHE_INFO_FILE))) {
                jvm.trainedFor().store(out, "the JVM " + ServiceJvm.CACHE_FILE + " was trained for (AotTraining)");
                LOG.infof("%s: %s (%d MB)", service.module(), cache, Files.size(cache) / (1024 * 1024));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        LOG.infof("Ahead-of-time caches trained in %d s", (System.nanoTime() - started) / 1_000_000_000);
        return caches;
    }

    /** One pass of every journey the suite serves. */
    private void round(int round) {
        LOG.infof("Training round %d of %d", round, ROUNDS);
        List<SubscriptionView> buyers = new ArrayList<>();
        for (String product : PRODUCTS) {
            buyers.add(buyerJourney(product));
        }
        // a subscription the buyer never lands for, and one whose payment fails
        sim.subscribe(SubscribeRequest.of("sbx-ca-subscription").activated());
        sim.failPayment(sim.subscribe(SubscribeRequest.of("sbx-legacy-subscription")).subscriptionId());
        for (SubscriptionView buyer : buyers) {
            if (buyer.pricingModel().isMetered()) {
                usage(buyer);
            }
        }
        post(Service.METERING, "/v1/admin/metering/runs", LocalSuite.ADMIN_API_KEY, "{}");
        adminReads();
        consoleJourney(buyers);
        for (SubscriptionView buyer : buyers) {
            if (buyer.productCode().contains("contract")) {
                sim.upgrade(buyer.subscriptionId(), Map.of("seats", 5 + round));
            }
            sim.cancel(buyer.subscriptionId());
        }
        for (SubscriptionView buyer : buyers) {
            awaitState(buyer, "UNSUBSCRIBE_PENDING");
            sim.completeCancellation(buyer.subscriptionId());
        }
        for (SubscriptionView buyer : buyers) {
            awaitState(buyer, buyer.identityModel() == IdentityModel.CONCURRENT_AGREEMENTS ? "DEPROVISIONED"
                    : "UNSUBSCRIBED");
            // an ended customer's usage is refused, and an old token lands on the "ended" page
            usageRecord(buyer, "late-" + UUID.randomUUID());
            land(sim.issueToken(buyer.subscriptionId()));
        }
        for (Service service : Service.values()) {
            // the management port's endpoints, as the pods' probes and Prometheus call them
            send(HttpRequest.newBuilder(suite.managementUrl(service).resolve("/q/health/ready")).GET());
            send(HttpRequest.newBuilder(suite.managementUrl(service).resolve("/q/metrics")).GET());
        }
    }

    /** Subscribe, land on the fulfillment URL, register, be activated; the access API then allows it. */
    private SubscriptionView buyerJourney(String product) {
        SubscribeResult result = sim.subscribe(SubscribeRequest.of(product));
        String page = land(result.registrationToken());
        Map<String, String> form = hiddenFields(page);
        String unique = UUID.randomUUID().toString().substring(0, 8);
        form.put("company", "Training Co " + unique);
        form.put("contactName", "Trainer " + unique);
        form.put("email", "trainer." + unique + "@example.com");
        form.put("phone", "+1 555 0100");
        postForm(Service.ONBOARDING, "/register", form);
        get(Service.ONBOARDING, "/register", null);
        sim.activate(result.subscriptionId());
        SubscriptionView buyer = sim.subscription(result.subscriptionId());
        awaitState(buyer, "ACTIVE");
        String key = customerKey(buyer);
        get(Service.ENTITLEMENT, "/api/v1/customers/" + encode(key), LocalSuite.APP_API_KEY);
        get(Service.ENTITLEMENT, "/api/v1/customers/" + encode(key) + "/access?dimension=requests",
                LocalSuite.APP_API_KEY);
        get(Service.ENTITLEMENT, "/api/v1/customers?productCode=" + product, LocalSuite.ADMIN_API_KEY);
        return buyer;
    }

    /** Usage of the current hour: a batch over HTTP, a record twice (a duplicate), a batch over SQS. */
    private void usage(SubscriptionView buyer) {
        for (int i = 0; i < 3; i++) {
            usageRecord(buyer, "train-" + UUID.randomUUID());
        }
        String again = "train-dup-" + UUID.randomUUID();
        usageRecord(buyer, again);
        usageRecord(buyer, again);
        Map<String, Object> record = record(buyer, "train-sqs-" + UUID.randomUUID());
        try {
            LocalAws aws = suite.sandbox().aws();
            aws.sqs().sendMessage(r -> r.queueUrl(aws.queueUrl("metering-usage"))
                    .messageBody(write(Map.of("records", List.of(record)))));
        } catch (RuntimeException e) {
            LOG.warnf("training: usage message not sent: %s", e.getMessage());
        }
    }

    private void usageRecord(SubscriptionView buyer, String idempotencyKey) {
        post(Service.METERING, "/v1/usage", LocalSuite.APP_API_KEY,
                write(Map.of("records", List.of(record(buyer, idempotencyKey)))));
    }

    private Map<String, Object> record(SubscriptionView buyer, String idempotencyKey) {
        Map<String, Object> record = new LinkedHashMap<>();
        if (buyer.identityModel() == IdentityModel.CONCURRENT_AGREEMENTS) {
            record.put("licenseArn", buyer.licenseArn());
        } else {
            record.put("customerIdentifier", buyer.customerIdentifier());
            record.put("productCode", buyer.productCode());
        }
        record.put("dimension", buyer.productCode().equals("sbx-contract-consumption") ? "overage_requests"
                : "requests");
        record.put("quantity", 1 + Math.abs(idempotencyKey.hashCode() % 7));
        record.put("timestamp", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        record.put("idempotencyKey", idempotencyKey);
        return record;
    }

    private void adminReads() {
        String admin = LocalSuite.ADMIN_API_KEY;
        get(Service.METERING, "/v1/admin/metering/usage?hours=2", admin);
        get(Service.METERING, "/v1/admin/metering/failures", admin);
        get(Service.ENTITLEMENT, "/api/v1/admin/parked-messages", admin);
        get(Service.ENTITLEMENT, "/api/v1/admin/consumers", admin);
        // a rejected key and a malformed body: the error paths are part of the run
        post(Service.METERING, "/v1/usage", "not-a-key", "{}");
        post(Service.METERING, "/v1/usage", LocalSuite.APP_API_KEY, "{\"records\": 7}");
    }

    /**
     * An operator's round of the console: a refused and an accepted sign-in, the overview, the customer list, a search,
     * each buyer's page and usage, the failures, the parked messages, a re-drive (metering-service refuses an id it
     * does not know), sign-out.
     */
    private void consoleJourney(List<SubscriptionView> buyers) {
        get(Service.CONSOLE, "/console", null);
        get(Service.CONSOLE, "/console/login", null);
        postForm(Service.CONSOLE, "/console/j_security_check", Map.of("operator", "trainer", "key", "not-a-key"));
        postForm(Service.CONSOLE, "/console/j_security_check", Map.of("operator", "trainer", "key",
                LocalSuite.OPERATOR_KEY));
        get(Service.CONSOLE, "/console", null);
        Map<String, String> form = hiddenFields(get(Service.CONSOLE, "/console/customers", null).body());
        for (SubscriptionView buyer : buyers) {
            String key = customerKey(buyer);
            get(Service.CONSOLE, "/console/customer?key=" + encode(key), null);
            get(Service.CONSOLE, "/console/usage?key=" + encode(key), null);
            Map<String, String> search = new LinkedHashMap<>(form);
            search.put("q", buyer.productCode());
            search.put("by", "product-code");
            postForm(Service.CONSOLE, "/console/search", search);
        }
        get(Service.CONSOLE, "/console/customers?state=ACTIVE", null);
        get(Service.CONSOLE, "/console/failures", null);
        get(Service.CONSOLE, "/console/parked", null);
        Map<String, String> redrive = new LinkedHashMap<>(form);
        redrive.put("id", "agg#training-no-such-aggregate");
        postForm(Service.CONSOLE, "/console/metering/redrive", redrive);
        get(Service.CONSOLE, "/console/no-such-page", null);
        postForm(Service.CONSOLE, "/console/logout", form);
    }

    private void awaitState(SubscriptionView buyer, String state) {
        String path = "/api/v1/customers/" + encode(customerKey(buyer));
        Instant giveUp = Instant.now().plusSeconds(30);
        while (Instant.now().isBefore(giveUp)) {
            HttpResponse<String> answer = get(Service.ENTITLEMENT, path, LocalSuite.APP_API_KEY);
            if (answer.statusCode() == 200 && state.equals(read(answer.body()).path("state").asText())) {
                return;
            }
            pause();
        }
        LOG.warnf("training: %s did not reach %s in 30 s (the run goes on)", customerKey(buyer), state);
    }

    private static String customerKey(SubscriptionView buyer) {
        return buyer.identityModel() == IdentityModel.CONCURRENT_AGREEMENTS ? CustomerKeys.forLicense(
                buyer.licenseArn()) : CustomerKeys.forLegacy(buyer.productCode(), buyer.customerIdentifier());
    }

    /** AWS's cross-site form POST of the registration token; answers the page. */
    private String land(String token) {
        return postForm(Service.ONBOARDING, "/", Map.of("x-amzn-marketplace-token", token)).body();
    }

    private HttpResponse<String> get(Service service, String path, String key) {
        HttpRequest.Builder request = HttpRequest.newBuilder(url(service, path)).GET();
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return send(request);
    }

    private HttpResponse<String> post(Service service, String path, String key, String body) {
        return send(HttpRequest.newBuilder(url(service, path)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + key).POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private HttpResponse<String> postForm(Service service, String path, Map<String, String> form) {
        StringJoiner body = new StringJoiner("&");
        form.forEach((k, v) -> body.add(encode(k) + "=" + encode(v)));
        return send(HttpRequest.newBuilder(url(service, path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        requests++;
        try {
            return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException("training request failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private URI url(Service service, String path) {
        return URI.create(suite.url(service) + path);
    }

    private static Map<String, String> hiddenFields(String html) {
        Map<String, String> fields = new LinkedHashMap<>();
        Matcher m = HIDDEN.matcher(html);
        while (m.find()) {
            fields.put(m.group(1), m.group(2).replace("&amp;", "&").replace("&quot;", "\"").replace("&#39;", "'"));
        }
        return fields;
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private JsonNode read(String body) {
        try {
            return json.readTree(body);
        } catch (IOException e) {
            return json.createObjectNode();
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static void pause() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@code run-local.sh}'s training step, and the image build's; see the class comment. */
    public static void main(String[] args) {
        Path projectDir = Path.of("").toAbsolutePath();
        Path logDir = null;
        Path app = null;
        Service only = null;
        boolean ifStale = false;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--project-dir" -> projectDir = Path.of(args[++i]).toAbsolutePath();
                    case "--log-dir" -> logDir = Path.of(args[++i]).toAbsolutePath();
                    case "--if-stale" -> ifStale = true;
                    case "--service" -> {
                        String module = args[++i];
                        only = java.util.Arrays.stream(Service.values()).filter(s -> s.module().equals(module))
                                .findFirst().orElseThrow(() -> new IllegalArgumentException("no service " + module));
                    }
                    case "--app" -> app = Path.of(args[++i]).toAbsolutePath();
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            if ((only == null) != (app == null)) {
                throw new IllegalArgumentException("--service and --app go together");
            }
        } catch (RuntimeException e) {
            LOG.errorf("%s%n%s", e.getMessage(), USAGE);
            System.exit(2);
            return;
        }
        logDir = logDir != null ? logDir : projectDir.resolve("target/aot-training");
        ServiceJvm jvm = ServiceJvm.current();
        if (!jvm.aotCapable()) {
            LOG.infof("JDK %s: no ahead-of-time cache to train (JDK %d or later has them)", jvm.version(),
                    ServiceJvm.AOT_MIN_FEATURE);
            return;
        }
        if (ifStale && only == null) {
            List<String> stale = new ArrayList<>();
            for (Service service : Service.values()) {
                jvm.cacheUsable(LocalSuite.quarkusApp(projectDir, service))
                        .ifPresent(why -> stale.add(service.module() + ": " + why));
            }
            if (stale.isEmpty()) {
                LOG.infof("The services' ahead-of-time caches fit JDK %s", jvm.version());
                return;
            }
            LOG.infof("Training the ahead-of-time caches for JDK %s (about two minutes, once per build; logs in %s): %s",
                    jvm.version(), logDir, String.join("; ", stale));
        }
        try {
            if (only != null) {
                trainOne(projectDir, jvm, logDir, only, app);
            } else {
                train(projectDir, jvm, logDir);
            }
        } catch (RuntimeException e) {
            LOG.errorf("Training failed: %s (the services still run, without caches)", e.getMessage());
            System.exit(1);
        }
    }
}
