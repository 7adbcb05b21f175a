package io.mpsaas.bench;

import static io.mpsaas.bench.Bench.f;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mpsaas.common.customer.CustomerAttributes;
import io.mpsaas.common.customer.CustomerKeys;
import io.mpsaas.common.dynamo.Paging;
import io.mpsaas.common.dynamo.SuiteTables;
import io.mpsaas.common.messaging.SuiteQueues;
import io.mpsaas.sandbox.AotTraining;
import io.mpsaas.sandbox.LocalSuite;
import io.mpsaas.sandbox.LocalSuite.Service;
import io.mpsaas.sandbox.Sandbox;
import io.mpsaas.sandbox.ServiceJvm;
import io.mpsaas.sandbox.marketplace.MarketplaceSimulator;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeRequest;
import io.mpsaas.sandbox.marketplace.buyer.SubscribeResult;
import io.mpsaas.sandbox.marketplace.catalog.NotificationFormat;
import io.mpsaas.sandbox.marketplace.catalog.PricingModel;
import io.mpsaas.sandbox.marketplace.catalog.Product;
import io.mpsaas.sandbox.marketplace.catalog.ValueType;
import io.mpsaas.sandbox.marketplace.fault.QuotaSettings;
import io.mpsaas.sandbox.marketplace.notify.SentNotification;
import io.mpsaas.sandbox.marketplace.webhook.WebhookReceiver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import jdk.jfr.Recording;
import org.HdrHistogram.Histogram;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * The five benchmarks of BENCHMARKS.md in one run: the sandbox in this JVM, the services as child processes (as
 * {@code run-local.sh} runs them), everything on the same cores. Runs only with {@code -Pbenchmarks}; prints the
 * result table as Markdown and writes it to {@code benchmarks/target/benchmarks.md}. Nothing here asserts a timing.
 *
 * <p>System properties: {@code bench.scale} ({@code full} or {@code small}, for debugging the harness), {@code
 * bench.only} (comma-separated phases: footprint, fulfillment, ingestion, notifications, webhooks, metering), {@code
 * bench.baseline} (another checkout with its metering-service packaged: ingestion and metering measure it too, side
 * by side with this one), {@code bench.replicas} (comma-separated replica counts of the metering phase; default 1,2,3).
 */
class SuiteBenchmark {

    private static final Logger LOG = Logger.getLogger(SuiteBenchmark.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CORES = "2 cores shared by load generator, sandbox and services";

    /** The sizes of one run. */
    record Scale(int[] rates, Duration runFor, int fulfillmentTokens,
            int usageCustomers, int restRecords, int sqsRecords, int rawWrites, int meterCustomers, int meterDimensions,
            int meterHours, int[] replicas, int notifyCustomers) {

        static Scale of(String name) {
            if ("small".equals(name)) {
                return new Scale(new int[] {50, 200}, Duration.ofSeconds(5), 300, 50,
                        2000, 2000, 2000, 25, 4, 5, new int[] {1, 2}, 100);
            }
            return new Scale(new int[] {50, 100, 200, 300}, Duration.ofSeconds(15),
                    3000, 200, 10000, 10000, 10000, 500, 4, 10, new int[] {1, 2, 3}, 1000);
        }

        int meterAggregates() {
            return meterCustomers * meterDimensions * meterHours;
        }
    }

    private final Path root = Path.of(System.getProperty("mpsaas.root", "..")).toAbsolutePath().normalize();
    private final Path logDir = root.resolve("benchmarks/target/bench-logs");
    private final Scale scale = Scale.of(System.getProperty("bench.scale", "full"));
    private final Set<String> only = Arrays.stream(System.getProperty("bench.only", "").split(","))
            .map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toSet());
    private final String run = Long.toString(System.currentTimeMillis() % 1_000_000, 36);
    private final Report report = new Report();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, Double> startSeconds = new LinkedHashMap<>();
    private final Map<String, Double> idleRss = new LinkedHashMap<>();
    private Proc rss;
    private LocalSuite suite;
    private MarketplaceSimulator sim;
    private DynamoDbClient dynamo;
    private SqsClient sqs;

    @Test
    void runAll() throws Exception {
        String loadBefore = Bench.loadAverage();
        Instant started = Instant.now();
        Map<Service, Map<String, String>> perService = Map.of(
                Service.METERING, Map.of("suite.metering.job.cron", "off", "suite.metering.job.retry-every", "off"),
                Service.ENTITLEMENT, Map.of("suite.entitlement.reconciliation.enabled", "false"));
        LocalSuite.Options options = new LocalSuite.Options(root, Sandbox.Ports.RANDOM, true, logDir, Map.of(),
                perService);
        ServiceJvm jdk = ServiceJvm.current();
        if (jdk.aotCapable()) {
            trainStaleCaches(jdk);
        }
        String caches = cachesInUse(jdk);
        rss = Proc.sampler();
        suite = startSuite(options);
        quietHarnessLogs();
        try {
            sim = suite.sandbox().simulator();
            dynamo = suite.sandbox().aws().dynamo();
            sqs = suite.sandbox().aws().sqs();
            phase("footprint", this::footprint);
            for (Service service : Service.values()) {
                suite.process(service).ifPresent(p -> rss.watch(service.module(), p.pid()));
            }
            phase("fulfillment", this::fulfillment);
            phase("ingestion", this::ingestion);
            phase("notifications", this::notifications);
            phase("webhooks", this::webhooks);
            footprintUnderLoad();
            phase("metering", this::metering);
        } finally {
            suite.close();
            rss.stop();
        }
        // the sandbox JVM's collector and heap (benchmarks/pom.xml): its pauses reach every call to the sandbox
        String sandboxJvm = ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(o -> o.startsWith("-X") && !o.startsWith("-Xlog")).collect(Collectors.joining(" "));
        String header = String.format(Locale.ROOT, "Run of %s, %d min; %s; services: %s %s, ahead-of-time caches %s;"
                + " sandbox and load generator JVM: %s; 1-min load average %s before, %s after; scale %s. Every"
                + " figure: %s.", started.truncatedTo(ChronoUnit.SECONDS),
                Duration.between(started, Instant.now()).toMinutes(), Bench.machine(),
                String.join(" ", ServiceJvm.FIXED_OPTIONS), String.join(" ", ServiceJvm.LOCAL_OPTIONS), caches,
                sandboxJvm.isEmpty() ? "the JDK's defaults" : sandboxJvm, loadBefore, Bench.loadAverage(),
                System.getProperty("bench.scale", "full"), CORES);
        String table = report.markdown(header);
        Files.createDirectories(root.resolve("benchmarks/target"));
        Files.writeString(root.resolve("benchmarks/target/benchmarks.md"), table);
        LOG.info("\n\n" + table);
    }

    /** Random ports can be taken by another process between choosing and binding them: try again. */
    private static LocalSuite startSuite(LocalSuite.Options options) {
        for (int attempt = 1; ; attempt++) {
            try {
                return LocalSuite.start(options);
            } catch (IllegalStateException e) {
                if (attempt == 3) {
                    throw e;
                }
                LOG.warnf("The suite did not start (%s); again", e.getMessage());
            }
        }
    }

    /**
     * DynamoDB Local logs every failed condition (claims lost to another replica) with a stack trace, and the simulator
     * logs every subscription: in this JVM that is CPU taken from the services under test.
     */
    private static void quietHarnessLogs() {
        // after the sandbox started: it sets its own (WARNING) level on DynamoDB Local's logger
        java.util.logging.Logger.getLogger("software.amazon.dynamodb").setLevel(java.util.logging.Level.SEVERE);
        java.util.logging.Logger.getLogger("io.mpsaas.sandbox.marketplace").setLevel(java.util.logging.Level.WARNING);
    }

    interface Phase {
        void run() throws Exception;
    }

    private void phase(String name, Phase phase) {
        if (!only.isEmpty() && !only.contains(name)) {
            return;
        }
        LOG.infof("=== %s (load average %s)", name, Bench.loadAverage());
        long t0 = System.nanoTime();
        try {
            phase.run();
        } catch (Exception | AssertionError e) {
            LOG.errorf(e, "Benchmark %s failed", name);
            report.add(name, "FAILED", e.toString().replace('|', '/'), "", false, "see the log");
        }
        LOG.infof("=== %s done in %d s (load average %s)", name, (System.nanoTime() - t0) / 1_000_000_000L,
                Bench.loadAverage());
    }

    // ------------------------------------------------------------------------------------------------ 5. footprint

    /** The JDK 17 the footprint is compared with ({@code -Dbench.jdk17=<java home>}; skipped when absent). */
    private final Path jdk17 = Path.of(System.getProperty("bench.jdk17", "/usr/lib/jvm/java-17-openjdk-amd64"));

    /** One way of starting a service for the footprint comparison. */
    record JvmVariant(String name, ServiceJvm jvm, Path app) {
    }

    /**
     * The ways compared, per service, in one run: JDK 25 with the service's ahead-of-time cache (what run-local.sh,
     * the other benchmarks and the images run), the same with compact object headers (JEP 519; a cache trained with
     * them, in a copy of the service), JDK 25 without a cache, and JDK 17. All with the pod's JVM options
     * ({@link ServiceJvm#FIXED_OPTIONS}, {@link ServiceJvm#LOCAL_OPTIONS}).
     */
    private List<JvmVariant> jvmVariants(Service service) {
        ServiceJvm jdk = ServiceJvm.current();
        Path app = LocalSuite.quarkusApp(root, service);
        List<JvmVariant> variants = new ArrayList<>();
        if (jdk.aotCapable()) {
            variants.add(new JvmVariant("JDK " + jdk.version() + " + AOT cache", jdk, app));
            if (footprintVariant("coh")) {
                Path coh = root.resolve("benchmarks/target/coh").resolve(service.module());
                variants.add(new JvmVariant("JDK " + jdk.version() + " + AOT cache + compact headers",
                        jdk.withOptions(concat(ServiceJvm.LOCAL_OPTIONS, List.of("-XX:+UseCompactObjectHeaders"))),
                        coh));
            }
            if (footprintVariant("nocache")) {
                variants.add(new JvmVariant("JDK " + jdk.version() + ", no cache", jdk.withAot(ServiceJvm.Aot.OFF),
                        app));
            }
        } else {
            variants.add(new JvmVariant("JDK " + jdk.version(), jdk, app));
        }
        if (footprintVariant("jdk17") && Files.isRegularFile(jdk17.resolve("bin/java"))
                && ServiceJvm.feature(jdk17) != jdk.feature()) {
            ServiceJvm old = jdk.withJavaHome(jdk17).withAot(ServiceJvm.Aot.OFF);
            variants.add(new JvmVariant("JDK " + old.version(), old, app));
        }
        return variants;
    }

    /**
     * Whether the footprint compares this way of starting ({@code -Dbench.footprint.variants=coh,nocache,jdk17}, all
     * by default; the services' own way, with their cache, always).
     */
    private static boolean footprintVariant(String name) {
        String chosen = System.getProperty("bench.footprint.variants", "coh,nocache,jdk17");
        return List.of(chosen.split(",")).contains(name);
    }

    /**
     * Each service alone (the others idle), each way of starting it in turn, twice (the better of two starts: the
     * first start of a JVM after another pays for the page cache): spawn to ready, Quarkus's own start time, RSS 5 s
     * after ready. The services' own caches were trained before the suite started ({@link #runAll}).
     */
    private void footprint() throws IOException {
        ServiceJvm jdk = ServiceJvm.current();
        if (jdk.aotCapable()) {
            trainCompactHeaderCaches(jdk);
        }
        for (Service service : Service.values()) {
            suite.stop(service, Duration.ofSeconds(15));
            for (JvmVariant variant : jvmVariants(service)) {
                double ready = Double.MAX_VALUE;
                double idle = Double.MAX_VALUE;
                double cpu = Double.MAX_VALUE;
                String quarkus = "n/a";
                for (int attempt = 0; attempt < 2; attempt++) {
                    String name = service.module() + "-startup";
                    try (ServiceProcess p = ServiceProcess.start(suite, root, service, name, Bench.freePort(), Map.of(),
                            variant.jvm(), variant.app(), logDir)) {
                        double r = p.awaitReady(Duration.ofSeconds(90));
                        cpu = Math.min(cpu, Proc.cpuSeconds(p.pid()));
                        Bench.pause(Duration.ofSeconds(5));
                        double rss = Proc.rssMb(p.pid());
                        if (r < ready) {
                            ready = r;
                            quarkus = p.quarkusStartedSeconds().map(x -> f(x, 2) + " s").orElse("n/a");
                        }
                        idle = Math.min(idle, rss);
                    }
                }
                if (variant.jvm().aot() == ServiceJvm.Aot.USE && jdk.aotCapable()
                        && variant.app().equals(LocalSuite.quarkusApp(root, service))) {
                    startSeconds.put(service.module(), ready);
                    idleRss.put(service.module(), idle);
                }
                report.add("5 footprint", service.module() + " start to ready (" + variant.name() + ")",
                        f(ready, 2) + " s (Quarkus: " + quarkus + "; CPU " + f(cpu, 2) + " s)", "< 0.5 s",
                        ready < 0.5,
                        "JVM start + class loading + Quarkus boot + first DynamoDB/SQS checks; " + CORES);
                report.add("5 footprint", service.module() + " RSS idle (" + variant.name() + ")",
                        f(idle, 0) + " MB", "< 128 MB", idle < 128,
                        "serial GC, memory options of a 768 MiB pod; a cache's pages are mapped and count in RSS");
            }
            try {
                suite.startService(service);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            suite.awaitReady(service, Duration.ofSeconds(90));
        }
        report.note("Native mode cannot be measured here: no GraalVM/Mandrel on this machine (the `native` profile"
                + " only checks the native build steps).");
    }

    /**
     * The services' caches as run-local.sh has them, trained when missing or stale before the suite starts, so every
     * phase measures the services as they run (a run of some phases too, from a clone packaged without them).
     */
    private void trainStaleCaches(ServiceJvm jdk) throws IOException {
        boolean stale = false;
        for (Service service : Service.values()) {
            stale |= jdk.cacheUsable(LocalSuite.quarkusApp(root, service)).isPresent();
        }
        if (stale) {
            LOG.info("Training the services' ahead-of-time caches (as run-local.sh does)");
            AotTraining.train(root, jdk, logDir.resolve("aot-training"));
        }
    }

    /** Whether the suite's services start with their caches: "on", or why not (the header of the result table). */
    private String cachesInUse(ServiceJvm jdk) {
        if (!jdk.aotCapable()) {
            return "off (JDK < 25)";
        }
        List<String> without = new ArrayList<>();
        for (Service service : Service.values()) {
            jdk.cacheUsable(LocalSuite.quarkusApp(root, service)).ifPresent(why -> without.add(service.module()
                    + ": " + why));
        }
        return without.isEmpty() ? "on" : "off for " + String.join(", ", without);
    }

    /** A second cache per service, with compact object headers, in a copy of it under benchmarks/target/coh. */
    private void trainCompactHeaderCaches(ServiceJvm jdk) throws IOException {
        for (Service service : footprintVariant("coh") ? Service.values() : new Service[0]) {
            Path copy = root.resolve("benchmarks/target/coh").resolve(service.module());
            copyApp(LocalSuite.quarkusApp(root, service), copy);
            LOG.infof("Training %s's cache with compact object headers", service.module());
            AotTraining.trainOne(root, jdk.withOptions(concat(ServiceJvm.LOCAL_OPTIONS,
                    List.of("-XX:+UseCompactObjectHeaders"))), logDir.resolve("aot-training-coh"), service, copy);
        }
    }

    /** A copy of a packaged service without its cache: the four layers of the image. */
    private static void copyApp(Path app, Path copy) throws IOException {
        if (Files.isDirectory(copy)) {
            try (Stream<Path> old = Files.walk(copy)) {
                for (Path p : old.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        for (String layer : List.of("lib", "app", "quarkus", "quarkus-run.jar")) {
            Path from = app.resolve(layer);
            try (Stream<Path> walk = Files.walk(from)) {
                for (Path p : walk.toList()) {
                    Path to = copy.resolve(layer).resolve(from.relativize(p).toString());
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(to);
                    } else {
                        Files.createDirectories(to.getParent());
                        Files.copy(p, to, StandardCopyOption.COPY_ATTRIBUTES);
                    }
                }
            }
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private void footprintUnderLoad() {
        for (Service service : Service.values()) {
            double peak = rss.peakMb(service.module());
            if (peak > 0) {
                report.add("5 footprint", service.module() + " RSS peak under load (the pod's JVM options)", f(peak, 0)
                        + " MB", "(no target)", null, "heap growth under load; sampled every 200 ms during "
                        + (service == Service.ONBOARDING ? "fulfillment" : service == Service.METERING
                                ? "ingestion" : "notifications"));
            }
        }
    }

    // ---------------------------------------------------------------------------------------------- 1. fulfillment

    private void fulfillment() throws Exception {
        String product = "bench-fulfil-" + run;
        sim.addProduct(Product.builder(product, PricingModel.SUBSCRIPTION).metered("requests")
                .notificationFormat(NotificationFormat.SNS).build());
        sim.holdNotifications(product);
        List<String> tokens = parallel(scale.fulfillmentTokens(),
                i -> sim.subscribe(SubscribeRequest.of(product)).registrationToken());
        URI fulfillmentUrl = suite.url(Service.ONBOARDING).resolve("/");
        AtomicInteger next = new AtomicInteger();
        AtomicLong bad = new AtomicLong();
        Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
        java.util.function.Supplier<CompletableFuture<Boolean>> landing = () -> {
            String token = tokens.get(Math.floorMod(next.getAndIncrement(), tokens.size()));
            HttpRequest request = HttpRequest.newBuilder(fulfillmentUrl).timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("x-amzn-marketplace-token="
                            + URLEncoder.encode(token, StandardCharsets.UTF_8)))
                    .build();
            return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).thenApply(r -> {
                statuses.computeIfAbsent(r.statusCode(), s -> new AtomicLong()).incrementAndGet();
                if (r.statusCode() != 200) {
                    bad.incrementAndGet();
                }
                return r.statusCode() == 200;
            });
        };
        // the two calls the handler cannot avoid, issued directly from here at the same rates
        ExecutorService pool = Executors.newFixedThreadPool(32);
        HttpClient simClient = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        URI simulator = sim.endpoint();
        java.util.function.Supplier<CompletableFuture<Boolean>> direct = () -> {
            int i = next.getAndIncrement();
            String token = tokens.get(Math.floorMod(i, tokens.size()));
            return CompletableFuture.supplyAsync(() -> resolveAndWrite(simClient, simulator, token, i), pool);
        };
        long onboardingPid = suite.process(Service.ONBOARDING).map(ProcessHandle::pid).orElse(-1L);
        int warmupLandings = fulfillmentWarmup();
        Duration warmup = Duration.ofMillis(1000L * warmupLandings / JUDGED_RATE);
        LOG.infof("warm-up: %d landings at %d/s (%s), then %s of the direct calls", warmupLandings, JUDGED_RATE,
                warmup, warmup.dividedBy(2));
        Proc.CpuTimes warmupCpu = Proc.CpuTimes.now(onboardingPid);
        OpenLoad.run(JUDGED_RATE, warmup, Duration.ofSeconds(30), landing);
        OpenLoad.run(JUDGED_RATE, warmup.dividedBy(2), Duration.ofSeconds(30), direct);
        warmupCpu = Proc.CpuTimes.now(onboardingPid).since(warmupCpu);
        // a long-running instance collected its start's garbage long ago: its first full collection (100-160 ms of
        // the serial collector, the old generation full of what the start and the cold JIT promoted) would otherwise
        // fall into a measured run, once in the life of the process. Not the sandbox JVM's: when it ran G1, collected
        // too, it still ran old-generation cycles in the measured runs; it now runs ZGC, whose pauses stay under a
        // millisecond (BENCHMARKS.md, "The sandbox JVM's collector")
        boolean collected = Proc.GcPauses.collect(onboardingPid);
        LOG.infof("after the warm-up: a full collection of onboarding-service (%s)", collected ? "done" : "failed");
        report.add("1 fulfillment", "warm-up: landings at " + JUDGED_RATE + "/s, then half as long of the direct"
                + " calls; JIT compiler CPU in it: service / sandbox JVM", warmupLandings + ", "
                        + f(warmupCpu.servicesJit(), 1) + " / " + f(warmupCpu.harnessJit(), 1) + " s", "(method)",
                null, "the JIT compiling the paths the measured runs take (bench.fulfillment.warmup)");
        rss.resetPeak(Service.ONBOARDING.module());
        // the service's HTTP round trip without any AWS call: its start page
        java.util.function.Supplier<CompletableFuture<Boolean>> startPage = () -> http.sendAsync(HttpRequest
                .newBuilder(fulfillmentUrl).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray()).thenApply(r -> r.statusCode() == 200);
        for (int rate : scale.rates()) {
            statuses.clear();
            Path jfr = logDir.resolve("onboarding-service-" + rate + ".jfr");
            if (JfrProfile.enabled() && rate == JUDGED_RATE && onboardingPid > 0) {
                JfrProfile.record(onboardingPid, JfrProfile.settings(logDir), jfr, scale.runFor());
            }
            Proc.GcPauses gcBefore = Proc.GcPauses.of(onboardingPid);
            Proc.GcPauses harnessGc = Proc.GcPauses.ofThisJvm();
            Proc.CpuTimes cpuBefore = Proc.CpuTimes.now(onboardingPid);
            long opens = Proc.tcpConnectionsOpened();
            OpenLoad.Result service = OpenLoad.run(rate, scale.runFor(), Duration.ofSeconds(30), landing);
            opens = Proc.tcpConnectionsOpened() - opens;
            Proc.CpuTimes cpu = Proc.CpuTimes.now(onboardingPid).since(cpuBefore);
            harnessGc = Proc.GcPauses.ofThisJvm().since(harnessGc);
            Proc.GcPauses gcAfter = Proc.GcPauses.of(onboardingPid);
            double cpuPerLanding = cpu.services() / Math.max(1, service.ok()) * 1000;
            Proc.GcPauses floorGc = Proc.GcPauses.ofThisJvm();
            OpenLoad.Result floor = OpenLoad.run(rate, scale.runFor(), Duration.ofSeconds(30), direct);
            floorGc = Proc.GcPauses.ofThisJvm().since(floorGc);
            OpenLoad.Result page = rate == JUDGED_RATE
                    ? OpenLoad.run(rate, scale.runFor(), Duration.ofSeconds(30), startPage) : null;
            LOG.infof("fulfillment %d/s: %s statuses %s, %d TCP connections opened (the whole machine's); direct: %s;"
                    + " start page: %s", rate, summary(service), statuses, opens, summary(floor),
                    page == null ? "-" : summary(page));
            boolean judged = rate == JUDGED_RATE;
            report.add("1 fulfillment", "POST fulfillment URL at " + rate + "/s: achieved/s, p50 / p99 / p99.9",
                    f(service.achievedPerSecond(), 0) + "/s, " + f(service.p50(), 1) + " / " + f(service.p99(), 1)
                            + " / " + f(service.p999(), 1) + " ms" + errors(service),
                    judged ? "p99 < 20 ms at 200/s" : "(curve)", judged ? service.p99() < 20 : null,
                    "ResolveCustomer + UpdateItem + page rendering; " + CORES);
            report.add("1 fulfillment", "ResolveCustomer + UpdateItem issued directly at " + rate
                    + "/s: p50 / p99 / p99.9", f(floor.p50(), 1) + " / " + f(floor.p99(), 1) + " / "
                            + f(floor.p999(), 1) + " ms" + errors(floor), "(floor)", null,
                    "simulator (JDK HttpServer, 8 threads) + DynamoDB Local (SQLite) in the harness JVM");
            double overhead50 = service.p50() - floor.p50();
            double overhead99 = service.p99() - floor.p99();
            report.add("1 fulfillment", "service overhead at " + rate + "/s (p50 / p99 difference)",
                    f(overhead50, 1) + " / " + f(overhead99, 1) + " ms", judged ? "< 3 ms" : "(curve)",
                    judged ? overhead50 < 3 : null, "the service's own CPU (HTTP, SigV4, SDK, page) competing for the 2 cores");
            if (page != null) {
                report.add("1 fulfillment", "GET start page (no AWS call) at " + rate + "/s: p50 / p99 / p99.9",
                        f(page.p50(), 1) + " / " + f(page.p99(), 1) + " / " + f(page.p999(), 1) + " ms"
                                + errors(page), "(the service's HTTP round trip)", null, "Vert.x HTTP, the page,"
                                        + " the load generator's client; " + CORES);
            }
            report.add("1 fulfillment", "onboarding-service CPU per landing at " + rate + "/s", f(cpuPerLanding, 2)
                    + " ms", "(where the overhead goes)", null, "user + system CPU of the service process over the"
                            + " landings it answered");
            report.add("1 fulfillment", "JIT compiler CPU during the POSTs at " + rate + "/s: service / sandbox JVM",
                    f(cpu.servicesJit(), 2) + " / " + f(cpu.harnessJit(), 2) + " s", "(JIT left)", null,
                    "compiler threads' CPU (a lower bound): work the warm-up left to the measured run");
            report.add("1 fulfillment", "GC pauses of the service during the POSTs at " + rate + "/s",
                    gcBefore == null || gcAfter == null ? "n/a" : gcAfter.since(gcBefore).toString(), "(the tail)",
                    null, "serial collector: every pause holds every landing in flight");
            report.add("1 fulfillment", "GC of the sandbox JVM during the POSTs / the direct calls at " + rate + "/s",
                    harnessGc + "; " + floorGc, "(the tail)", null,
                    "DynamoDB Local, the simulator and the load generator pause with it");
            if (JfrProfile.enabled() && rate == JUDGED_RATE && onboardingPid > 0) {
                Bench.pause(Duration.ofSeconds(2));
                String profile = JfrProfile.summary(jfr, 8);
                LOG.infof("profile of onboarding-service at %d/s: %s", rate, profile);
                report.note("Profile of onboarding-service at " + rate + "/s (JFR, " + jfr.getFileName() + "): "
                        + profile);
            }
        }
        pool.shutdownNow();
    }

    /** The fulfillment rate the issue's targets are judged at (landings a second), and the warm-up's rate. */
    private static final int JUDGED_RATE = 200;

    /**
     * Landings of the fulfillment warm-up ({@code bench.fulfillment.warmup}, at {@link #JUDGED_RATE}), before the
     * measured rates: as many as the measured runs send together (9,750 at full scale), so the JIT has compiled the
     * paths they take, as in a long-running service. The direct calls are warmed for half as long.
     */
    private int fulfillmentWarmup() {
        int measured = Arrays.stream(scale.rates()).sum() * (int) scale.runFor().toSeconds();
        return Integer.getInteger("bench.fulfillment.warmup", measured);
    }

    private Boolean resolveAndWrite(HttpClient client, URI simulator, String token, int i) {
        try {
            HttpResponse<String> resolved = client.send(HttpRequest.newBuilder(simulator)
                    .header("X-Amz-Target", "AWSMPMeteringService.ResolveCustomer")
                    .header("Content-Type", "application/x-amz-json-1.1")
                    .header("Authorization", "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/aws-marketplace/"
                            + "aws4_request, SignedHeaders=host, Signature=0")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(
                            Map.of("RegistrationToken", token))))
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (resolved.statusCode() != 200) {
                return false;
            }
            JsonNode answer = JSON.readTree(resolved.body());
            String key = "bench#direct#" + answer.path("CustomerIdentifier").asText() + "#" + (i % 1000);
            String now = Instant.now().toString();
            // the shape of onboarding's landing write (CustomerStore.recordLanding): identity if absent, landing
            // times, both index keys, ADD landings and version, the new item returned
            String product = answer.path("ProductCode").asText();
            String account = answer.path("CustomerAWSAccountId").asText();
            Map<String, String> names = new HashMap<>();
            Map<String, AttributeValue> values = new HashMap<>();
            List<String> set = new ArrayList<>();
            String[][] ifAbsent = {{CustomerAttributes.IDENTITY_MODEL, "LEGACY"},
                {CustomerAttributes.PRODUCT_CODE, product},
                {CustomerAttributes.CUSTOMER_IDENTIFIER, answer.path("CustomerIdentifier").asText()},
                {CustomerAttributes.CUSTOMER_AWS_ACCOUNT_ID, account},
                {CustomerAttributes.LICENSE_ARN, answer.path("LicenseArn").asText()},
                {CustomerAttributes.CREATED_AT, now}, {CustomerAttributes.SUBSCRIPTION_STATE, "PENDING"},
                {CustomerAttributes.FIRST_LANDED_AT, now}};
            for (int k = 0; k < ifAbsent.length; k++) {
                names.put("#i" + k, ifAbsent[k][0]);
                values.put(":i" + k, s(ifAbsent[k][1]));
                set.add("#i" + k + " = if_not_exists(#i" + k + ", :i" + k + ")");
            }
            // (no offer type posted: the hint is left as it is; the former hint attributes are removed)
            names.put("#lfto", CustomerAttributes.LEGACY_FREE_TRIAL_OFFER);
            names.put("#lot", CustomerAttributes.LEGACY_OFFER_TYPE);
            String[][] always = {{CustomerAttributes.LAST_LANDED_AT, now},
                {SuiteTables.GSI1_PK, CustomerKeys.ACCOUNT_PREFIX + account}, {SuiteTables.GSI1_SK, key},
                {SuiteTables.GSI2_PK, CustomerKeys.PRODUCT_PREFIX + product}, {SuiteTables.GSI2_SK, key}};
            for (int k = 0; k < always.length; k++) {
                names.put("#a" + k, always[k][0]);
                values.put(":a" + k, s(always[k][1]));
                set.add("#a" + k + " = :a" + k);
            }
            names.put("#landings", CustomerAttributes.LANDINGS);
            names.put("#v", CustomerAttributes.VERSION);
            values.put(":one", n(1));
            dynamo.updateItem(r -> r.tableName(SuiteTables.CUSTOMERS)
                    .key(SuiteTables.key(key, CustomerKeys.CUSTOMER_SK))
                    .updateExpression("SET " + String.join(", ", set) + " REMOVE #lfto, #lot ADD #landings :one, #v :one")
                    .expressionAttributeNames(names).expressionAttributeValues(values)
                    .returnValues(software.amazon.awssdk.services.dynamodb.model.ReturnValue.ALL_NEW));
            return true;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    // ------------------------------------------------------------------------------------------- 2. ingestion

    /** A metering-service build measured side by side: this checkout's, and the baseline's ({@code bench.baseline}). */
    record Variant(String name, String tag, Path appRoot) {
    }

    /**
     * This checkout's metering-service, then (with {@code -Dbench.baseline=<another checkout, packaged>}) the
     * baseline's, each measured the same way in the same run: the before/after of BENCHMARKS.md.
     */
    private List<Variant> variants() {
        List<Variant> variants = new ArrayList<>();
        variants.add(new Variant("this change (" + Bench.gitRevision(root) + ")", "new", root));
        String baseline = System.getProperty("bench.baseline", "").trim();
        if (!baseline.isEmpty()) {
            Path base = Path.of(baseline).toAbsolutePath().normalize();
            variants.add(new Variant("baseline (" + Bench.gitRevision(base) + ")", "base", base));
        }
        return variants;
    }

    private static final String SAMPLE_TABLE = "AWSMarketplaceMeteringRecords";

    /**
     * Usage ingestion, per variant: the AWS sample's write path (one plain PutItem per record into its metering
     * table, 4 threads) measured right before the service, then the service through REST and SQS with realistic
     * batches (100 records of 3 customers per call: an app reports the events of the few customers it serves), then
     * the worst case (every record of a call another customer), the DynamoDB items written per record (counted by the
     * service's DynamoDB client), and a check that every record counted exactly once. Then the raw rate of the same
     * DynamoDB operations issued directly.
     */
    private void ingestion() throws Exception {
        suite.stop(Service.METERING, Duration.ofSeconds(15));
        createSampleTable();
        warmUpStore();
        for (Variant variant : variants()) {
            ingestionOf(variant);
        }
        rawIngestionRates();
    }

    private void ingestionOf(Variant v) throws Exception {
        String product = "bench-usage-" + v.tag() + "-" + run;
        List<SubscribeResult> customers = activeCustomers(product, PricingModel.SUBSCRIPTION,
                scale.usageCustomers(), "d0");
        try (ServiceProcess p = ServiceProcess.start(suite, root, v.appRoot(), Service.METERING,
                "metering-ingestion-" + v.tag(), Bench.freePort(), Map.of(), List.of(), logDir)) {
            p.awaitReady(Duration.ofSeconds(120));
            if (v.appRoot().equals(root)) {
                rss.watch(Service.METERING.module(), p.pid());
                rss.resetPeak(Service.METERING.module());
            }
            URI metering = p.url();
            URI metrics = p.managementUrl();
            Instant hour = Instant.now();
            int perCall = 100;
            warmUpIngestion(p, v, perCall, hour);

            // the AWS sample's write path: the same number of records and threads, right before the service
            Recording peerProfile = profileSandbox();
            double peerRate = samplePath(customers, scale.restRecords(), 4);
            noteSandboxProfile(peerProfile, "the AWS sample's write path (before " + v.name() + ")",
                    "ingestion-peer-" + v.tag());
            LOG.infof("%s: the AWS sample's write path: %.0f records/s", v.name(), peerRate);

            // REST: 4 clients, 100 records of 3 customers per call
            double items0 = itemsWritten(metrics);
            double tx0 = dynamoRequests(metrics, "TransactWriteItems");
            Proc.CpuTimes restCpu = Proc.CpuTimes.now(p.pid());
            Recording restProfile = profileSandbox();
            Ingested rest = restRun(metering, customers, scale.restRecords() / perCall, perCall, 3,
                    "rest-" + v.tag() + "-" + run, hour);
            noteSandboxProfile(restProfile, "ingestion through REST (" + v.name() + ")", "ingestion-rest-" + v.tag());
            double restJit = Proc.CpuTimes.now(p.pid()).since(restCpu).servicesJit();
            double restItems = itemsWritten(metrics) - items0;
            double restTx = dynamoRequests(metrics, "TransactWriteItems") - tx0;
            LOG.infof("%s: REST %d accepted in %.1f s (%.0f/s), %.0f items written, %.0f transactions", v.name(),
                    rest.accepted(), rest.seconds(), rest.rate(), restItems, restTx);

            // SQS: the same shape, messages of 100, all enqueued at once
            double sqsItems0 = itemsWritten(metrics);
            Proc.CpuTimes sqsCpu = Proc.CpuTimes.now(p.pid());
            Ingested sqsRun = sqsRun(metrics, customers, scale.sqsRecords() / perCall, perCall, 3,
                    "sqs-" + v.tag() + "-" + run, hour);
            double sqsJit = Proc.CpuTimes.now(p.pid()).since(sqsCpu).servicesJit();
            double sqsItems = itemsWritten(metrics) - sqsItems0;
            LOG.infof("%s: SQS %d accepted in %.1f s (%.0f/s), %.0f items written", v.name(), sqsRun.accepted(),
                    sqsRun.seconds(), sqsRun.rate(), sqsItems);

            // the worst case: every record of a call another customer (100 aggregates a call)
            double scattered0 = itemsWritten(metrics);
            Ingested scattered = restRun(metering, customers, scale.restRecords() / perCall / 5, perCall, perCall,
                    "scattered-" + v.tag() + "-" + run, hour);
            double scatteredItems = itemsWritten(metrics) - scattered0;

            // exactly once: the aggregates hold every accepted record once, and calls sent again are duplicates
            long accepted = rest.accepted() + sqsRun.accepted() + scattered.accepted();
            long counted = aggregateTotal(customers, hour);
            Ingested repeat = restRun(metering, customers, 2, perCall, 3, "rest-" + v.tag() + "-" + run, hour);
            boolean once = counted == accepted && repeat.accepted() == 0 && repeat.duplicates() == 2L * perCall
                    && counted == aggregateTotal(customers, hour);
            LOG.infof("%s: %d accepted, %d counted in the aggregates; 2 calls sent again: %d accepted, %d duplicate",
                    v.name(), accepted, counted, repeat.accepted(), repeat.duplicates());

            String vs = " of the AWS sample's write path (" + f(peerRate, 0) + "/s)";
            report.add("2 ingestion", "the AWS sample's write path: one PutItem per record into " + SAMPLE_TABLE
                    + ", 4 threads (measured before " + v.name() + ")", f(peerRate, 0) + " records/s",
                    "(peer)", null, "DynamoDB Local: SQLite behind one lock; " + CORES);
            report.add("2 ingestion", "REST POST /v1/usage, 100 records of 3 customers per call, 4 clients ("
                    + v.name() + ")", f(rest.rate(), 0) + " records/s (" + f(rest.rate() / peerRate, 2) + "x" + vs
                    + ")", ">= 2.0x", rest.rate() >= 2 * peerRate, limitedBy(v, restTx, rest));
            report.add("2 ingestion", "SQS metering-usage, messages of 100 records of 3 customers (" + v.name()
                    + ")", f(sqsRun.rate(), 0) + " records/s (" + f(sqsRun.rate() / peerRate, 2) + "x" + vs + ")",
                    ">= 2.0x", sqsRun.rate() >= 2 * peerRate, "consumer concurrency 4 (one message a worker),"
                            + " ElasticMQ receive/delete; " + CORES);
            report.add("2 ingestion", "JIT compiler CPU seconds during the REST / SQS runs (" + v.name() + ")",
                    f(Math.max(0, restJit), 1) + " / " + f(Math.max(0, sqsJit), 1), "(where the cores went)", null,
                    (ingestWarmup() > 0 ? "after a warm-up of " + ingestWarmup() + " records through each"
                            : "no warm-up of the service (bench.ingest.warmup)") + "; the compiler threads alive at"
                            + " the end (a lower bound)");
            boolean countsItems = restItems > 0;
            report.add("2 ingestion", "DynamoDB items written per record, REST / SQS (" + v.name() + ")",
                    countsItems ? f(restItems / rest.accepted(), 2) + " / " + f(sqsItems / sqsRun.accepted(), 2)
                            : "n/a (not counted by this build; 2 by construction: a put and an update per record)",
                    "<= 1.1", countsItems ? Math.max(restItems / rest.accepted(), sqsItems / sqsRun.accepted())
                            <= 1.1 : null, "one idempotency put per record + one ADD per aggregate and transaction");
            report.add("2 ingestion", "REST, every record of a call another customer (100 aggregates a call) ("
                    + v.name() + ")", f(scattered.rate(), 0) + " records/s, " + (countsItems
                            ? f(scatteredItems / scattered.accepted(), 2) + " items written per record" : "n/a"),
                    "(worst case)", null, "one ADD per record: nothing to sum");
            report.add("2 ingestion", "exactly once (" + v.name() + ")", accepted + " accepted = " + counted
                    + " counted; 200 records sent again: " + repeat.duplicates() + " duplicate, " + repeat.accepted()
                    + " accepted", "equal, all duplicate", once, "idempotency put and aggregate ADD in one transaction");
        }
    }

    /** With {@code bench.profile}, a recording of this JVM (the sandbox's and the harness's CPU) from now on. */
    private Recording profileSandbox() {
        return JfrProfile.enabled() ? JfrProfile.recordThisJvm(JfrProfile.settings(logDir)) : null;
    }

    /**
     * Ends {@code recording} (if any) and notes where the sandbox JVM's CPU went during {@code what}, by part
     * (DynamoDB Local, ElasticMQ, the simulator, the harness): what bounds a figure the sandbox's share of the cores
     * holds down.
     */
    private void noteSandboxProfile(Recording recording, String what, String name) {
        if (recording == null) {
            return;
        }
        Path jfr = logDir.resolve("sandbox-" + name + ".jfr");
        try (recording) {
            recording.stop();
            recording.dump(jfr);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String profile = JfrProfile.sandboxShares(jfr, 8);
        LOG.infof("profile of the sandbox JVM during %s: %s", what, profile);
        report.note("Profile of the sandbox JVM during " + what + " (JFR, " + jfr.getFileName() + "): " + profile);
    }

    /**
     * Records of the ingestion warm-up ({@code bench.ingest.warmup}; none by default), sent through the API and again
     * through the queue before the measured runs. Off by default: tried once, the warm-up's 20,000 writes left the
     * store slower for the peer measured right after it (561 against 918 records/s in the run without), which flatters
     * the ratios more than the JIT it takes out of the REST run (1.2 against 4.4 CPU s) (BENCHMARKS.md, "The JIT in the
     * measured runs").
     */
    private int ingestWarmup() {
        return Integer.getInteger("bench.ingest.warmup", 0);
    }

    /**
     * An unmeasured run of the measured runs' shape through the API and the queue, for other customers: the service is
     * started a moment before, and the measured runs should not include the JIT compiling its paths (as the
     * notification and metering warm-ups; BENCHMARKS.md, "The JIT in the measured runs").
     */
    private void warmUpIngestion(ServiceProcess p, Variant v, int perCall, Instant hour) throws Exception {
        int calls = ingestWarmup() / perCall;
        if (calls == 0) {
            return;
        }
        List<SubscribeResult> customers = activeCustomers("bench-usage-warmsvc-" + v.tag() + "-" + run,
                PricingModel.SUBSCRIPTION, scale.usageCustomers(), "d0");
        Ingested rest = restRun(p.url(), customers, calls, perCall, 3, "warm-rest-" + v.tag() + "-" + run, hour);
        Ingested sqsRun = sqsRun(p.managementUrl(), customers, calls, perCall, 3, "warm-sqs-" + v.tag() + "-" + run,
                hour);
        awaitQuiet(p.pid());
        LOG.infof("%s: ingestion warm-up, REST %.0f/s, SQS %.0f/s (unmeasured)", v.name(), rest.rate(),
                sqsRun.rate());
    }

    private static String limitedBy(Variant v, double transactions, Ingested rest) {
        return transactions > 0 ? f(transactions / (rest.accepted() / 100.0), 1) + " transactions per call of 100,"
                + " plus one customer read, validation and HTTP; " + CORES
                : "one transaction per record, plus the customer read, validation and HTTP; " + CORES;
    }

    /** What one ingestion run did. */
    record Ingested(long accepted, long duplicates, double seconds) {

        double rate() {
            return accepted / seconds;
        }
    }

    /** {@code calls} REST calls of {@code perCall} records from 4 clients. */
    private Ingested restRun(URI metering, List<SubscribeResult> customers, int calls, int perCall,
            int customersPerCall, String keyPrefix, Instant hour) throws Exception {
        AtomicInteger next = new AtomicInteger();
        AtomicLong accepted = new AtomicLong();
        AtomicLong duplicates = new AtomicLong();
        long t0 = System.nanoTime();
        onThreads(4, () -> {
            for (int c; (c = next.getAndIncrement()) < calls; ) {
                JsonNode answer = postUsage(metering, usageBody(customers, c, perCall, customersPerCall, keyPrefix,
                        hour));
                accepted.addAndGet(answer.path("accepted").asLong());
                duplicates.addAndGet(answer.path("duplicates").asLong());
            }
            return null;
        });
        return new Ingested(accepted.get(), duplicates.get(), (System.nanoTime() - t0) / 1e9);
    }

    /** {@code messages} messages of {@code perCall} records, all enqueued at once, counted by the service's metric. */
    private Ingested sqsRun(URI metrics, List<SubscribeResult> customers, int messages, int perCall,
            int customersPerCall, String keyPrefix, Instant hour) throws Exception {
        String queue = suite.sandbox().aws().queueUrl(SuiteQueues.USAGE);
        double before = Bench.metric(metrics, "mpsaas_metering_usage_records_total", "source=\"sqs\"",
                "status=\"accepted\"");
        AtomicInteger next = new AtomicInteger();
        long t0 = System.nanoTime();
        onThreads(4, () -> {
            for (int m; (m = next.getAndAdd(10)) < messages; ) {
                List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
                for (int k = m; k < Math.min(messages, m + 10); k++) {
                    entries.add(SendMessageBatchRequestEntry.builder().id("m" + k).messageBody(usageBody(customers,
                            k, perCall, customersPerCall, keyPrefix, hour)).build());
                }
                sqs.sendMessageBatch(r -> r.queueUrl(queue).entries(entries));
            }
            return null;
        });
        double target = before + (double) messages * perCall;
        double seen;
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while ((seen = Bench.metric(metrics, "mpsaas_metering_usage_records_total", "source=\"sqs\"",
                "status=\"accepted\"")) < target && System.nanoTime() < deadline) {
            Bench.pause(Duration.ofMillis(100));
        }
        return new Ingested((long) (seen - before), 0, (System.nanoTime() - t0) / 1e9);
    }

    private static double itemsWritten(URI metering) {
        return Bench.metric(metering, "mpsaas_metering_dynamodb_items_written_total");
    }

    private static double dynamoRequests(URI metering, String operation) {
        return Bench.metric(metering, "mpsaas_metering_dynamodb_requests_total",
                "operation=\"" + operation + "\"");
    }

    /** The sum of the quantities of the customers' {@code d0} aggregates of the benchmark's hour (and the next). */
    private long aggregateTotal(List<SubscribeResult> customers, Instant start) {
        Set<Instant> hours = new java.util.TreeSet<>(List.of(start.truncatedTo(ChronoUnit.HOURS),
                Instant.now().truncatedTo(ChronoUnit.HOURS)));
        long total = 0;
        for (SubscribeResult c : customers) {
            String key = CustomerKeys.forLegacy(c.productCode(), c.customerIdentifier());
            for (Instant hour : hours) {
                Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(SuiteTables.USAGE)
                        .consistentRead(true).key(SuiteTables.key("agg#" + key + "#d0#" + hour, "AGGREGATE")))
                        .item();
                if (item != null && item.containsKey("quantity")) {
                    total += Long.parseLong(item.get("quantity").n());
                }
            }
        }
        return total;
    }

    /** The AWS sample's metering table (HASH customerIdentifier, RANGE create_timestamp, its pending index). */
    private void createSampleTable() {
        if (dynamo.listTables().tableNames().contains(SAMPLE_TABLE)) {
            return;
        }
        dynamo.createTable(r -> r.tableName(SAMPLE_TABLE)
                .billingMode(software.amazon.awssdk.services.dynamodb.model.BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(attribute("customerIdentifier", "S"), attribute("create_timestamp", "N"),
                        attribute("metering_pending", "S"))
                .keySchema(keyElement("customerIdentifier", true), keyElement("create_timestamp", false))
                .globalSecondaryIndexes(software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex.builder()
                        .indexName("PendingMeteringRecordsIndex")
                        .keySchema(keyElement("metering_pending", true))
                        .projection(pr -> pr.projectionType(
                                software.amazon.awssdk.services.dynamodb.model.ProjectionType.ALL))
                        .build()));
    }

    private static software.amazon.awssdk.services.dynamodb.model.AttributeDefinition attribute(String name,
            String type) {
        return software.amazon.awssdk.services.dynamodb.model.AttributeDefinition.builder().attributeName(name)
                .attributeType(type).build();
    }

    private static software.amazon.awssdk.services.dynamodb.model.KeySchemaElement keyElement(String name,
            boolean hash) {
        return software.amazon.awssdk.services.dynamodb.model.KeySchemaElement.builder().attributeName(name)
                .keyType(hash ? software.amazon.awssdk.services.dynamodb.model.KeyType.HASH
                        : software.amazon.awssdk.services.dynamodb.model.KeyType.RANGE).build();
    }

    /**
     * The AWS sample's whole write path (aws-marketplace-serverless-saas-integration's README: the app writes one row
     * per usage into AWSMarketplaceMeteringRecords, {@code metering_pending = "true"}): one plain PutItem per record,
     * from {@code threads} threads. Answers records per second.
     */
    private double samplePath(List<SubscribeResult> customers, int records, int threads) throws Exception {
        AtomicInteger next = new AtomicInteger();
        long base = System.currentTimeMillis() * 1000;
        long t0 = System.nanoTime();
        onThreads(threads, () -> {
            for (int i; (i = next.getAndIncrement()) < records; ) {
                SubscribeResult c = customers.get(i % customers.size());
                long created = base + i;
                dynamo.putItem(r -> r.tableName(SAMPLE_TABLE).item(Map.of(
                        "customerIdentifier", s(c.customerIdentifier()),
                        "create_timestamp", n(created),
                        "dimension_usage", AttributeValue.fromL(List.of(AttributeValue.fromM(Map.of(
                                "dimension", s("d0"), "value", n(1))))),
                        "metering_pending", s("true"))));
            }
            return null;
        });
        return records / ((System.nanoTime() - t0) / 1e9);
    }

    /**
     * The raw DynamoDB Local rate of the operations ingestion is made of, issued directly from 4 threads: the batch
     * shape (a transaction of 97 idempotency puts and 3 aggregate ADDs) and the former one (1 put + 1 ADD a record).
     */
    private void rawIngestionRates() throws Exception {
        SubscribeResult c = activeCustomers("bench-raw-" + run, PricingModel.SUBSCRIPTION, 4, "d0").get(0);
        String customerKey = CustomerKeys.forLegacy(c.productCode(), c.customerIdentifier());
        Instant hour = Instant.now().truncatedTo(ChronoUnit.HOURS);
        double batchRate = batchTransactions(c, "raw-batch-" + run, scale.rawWrites() / 97);
        AtomicInteger nextOld = new AtomicInteger();
        long r0 = System.nanoTime();
        onThreads(4, () -> {
            for (int i; (i = nextOld.getAndIncrement()) < scale.rawWrites(); ) {
                transact(List.of(rawIdempotencyPut(customerKey, "raw-old-" + run + "-" + i),
                        rawAggregateAdd(c, customerKey, "raw-old-d" + (i % 4), hour, 1)));
            }
            return null;
        });
        double oldRate = scale.rawWrites() / ((System.nanoTime() - r0) / 1e9);
        LOG.infof("raw: batch transactions %.0f records/s, one transaction per record %.0f records/s", batchRate,
                oldRate);
        report.add("2 ingestion", "raw DynamoDB Local TransactWriteItems of the batch shape (97 idempotency puts + 3"
                + " aggregate ADDs), 4 threads", f(batchRate, 0) + " records/s", "(reference)", null,
                "DynamoDB Local: transactions under one write lock; " + CORES);
        report.add("2 ingestion", "raw DynamoDB Local TransactWriteItems of the former shape (1 put + 1 ADD a"
                + " record), 4 threads", f(oldRate, 0) + " records/s", "(reference)", null,
                "DynamoDB Local: one transaction per record; " + CORES);
    }

    /**
     * Transactions of the batch shape (97 idempotency puts and 3 aggregate ADDs) from 4 threads, straight to DynamoDB
     * Local. Answers records per second.
     */
    private double batchTransactions(SubscribeResult c, String keyPrefix, int batches) throws Exception {
        String customerKey = CustomerKeys.forLegacy(c.productCode(), c.customerIdentifier());
        Instant hour = Instant.now().truncatedTo(ChronoUnit.HOURS);
        AtomicInteger next = new AtomicInteger();
        long t0 = System.nanoTime();
        onThreads(4, () -> {
            for (int b; (b = next.getAndIncrement()) < batches; ) {
                List<TransactWriteItem> items = new ArrayList<>();
                for (int k = 0; k < 97; k++) {
                    items.add(rawIdempotencyPut(customerKey, keyPrefix + "-" + b + "-" + k));
                }
                for (int g = 0; g < 3; g++) {
                    // the 4 threads' transactions touch distinct aggregates (no conflicts between them)
                    items.add(rawAggregateAdd(c, customerKey, "raw-d" + ((b % 4) * 3 + g), hour, 33));
                }
                transact(items);
            }
            return null;
        });
        return batches * 97 / ((System.nanoTime() - t0) / 1e9);
    }

    /**
     * Warms the sandbox's DynamoDB Local (in this JVM: its SQLite statements and its JIT) with the two write shapes
     * ingestion compares, unmeasured, before the first build is measured: without it the first build measured (and
     * its peer) ran on a cold store and came out 15-30 % slower than the same build measured second (an A/A run of
     * 6 December 2026: REST 685/s first, 874/s second; the peer 479/s and 950/s).
     */
    private void warmUpStore() throws Exception {
        List<SubscribeResult> customers = activeCustomers("bench-usage-warm-" + run, PricingModel.SUBSCRIPTION,
                scale.usageCustomers(), "d0");
        double peer = samplePath(customers, scale.restRecords(), 4);
        double batch = batchTransactions(customers.get(0), "warm-batch-" + run, scale.rawWrites() / 97);
        LOG.infof("ingestion warm-up of the store (unmeasured): %.0f PutItem records/s, %.0f batch-transaction"
                + " records/s", peer, batch);
    }

    private void transact(List<TransactWriteItem> items) {
        for (int attempt = 0; ; attempt++) {
            try {
                dynamo.transactWriteItems(r -> r.transactItems(items));
                return;
            } catch (software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException e) {
                if (attempt > 10) {
                    throw e;
                }
            }
        }
    }

    /** The idempotency item of the batch layout: key, 16-byte digest, TTL. */
    private static TransactWriteItem rawIdempotencyPut(String customerKey, String idempotencyKey) {
        Map<String, AttributeValue> idem = new HashMap<>();
        idem.put(SuiteTables.PK, s("idem#" + customerKey + "#" + idempotencyKey));
        idem.put(SuiteTables.SK, s("IDEMPOTENCY"));
        idem.put("fp", AttributeValue.fromB(software.amazon.awssdk.core.SdkBytes.fromByteArray(new byte[16])));
        idem.put(SuiteTables.TTL, n(Instant.now().plus(Duration.ofHours(72)).getEpochSecond()));
        return TransactWriteItem.builder().put(Put.builder().tableName(SuiteTables.USAGE).item(idem)
                .conditionExpression("attribute_not_exists(#pk)")
                .expressionAttributeNames(Map.of("#pk", SuiteTables.PK)).build()).build();
    }

    /** An aggregate ADD of the ingestion shape: identity if absent, index keys, open and within AWS's maximum. */
    private static TransactWriteItem rawAggregateAdd(SubscribeResult c, String customerKey, String dimension,
            Instant hour, int records) {
        String aggregate = "agg#" + customerKey + "#" + dimension + "#" + hour;
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        String[][] sets = {{"type", "AGGREGATE"}, {"customerKey", customerKey}, {"identityModel", "LEGACY"},
            {"productCode", c.productCode()}, {"customerIdentifier", c.customerIdentifier()},
            {"customerAwsAccountId", c.customerAWSAccountId()}, {"dimension", dimension},
            {"hour", hour.toString()}, {"gsi1pk", "pending#0"}, {"gsi1sk", hour + "#" + customerKey + "#" + dimension},
            {"gsi2pk", "customer#" + customerKey}, {"gsi2sk", hour + "#" + dimension}};
        List<String> parts = new ArrayList<>();
        for (int k = 0; k < sets.length; k++) {
            names.put("#a" + k, sets[k][0]);
            values.put(":v" + k, s(sets[k][1]));
            parts.add("#a" + k + " = :v" + k);
        }
        names.put("#q", "quantity");
        names.put("#e", "events");
        names.put("#s", "status");
        values.put(":q", n(records));
        values.put(":open", s("OPEN"));
        values.put(":max", n(Integer.MAX_VALUE - records));
        String update = "SET " + String.join(", ", parts) + ", #s = if_not_exists(#s, :open) ADD #q :q, #e :q";
        return TransactWriteItem.builder().update(u -> u.tableName(SuiteTables.USAGE)
                .key(SuiteTables.key(aggregate, "AGGREGATE"))
                .updateExpression(update)
                .conditionExpression("(attribute_not_exists(#s) OR #s = :open) AND (attribute_not_exists(#q)"
                        + " OR #q <= :max)")
                .expressionAttributeNames(names).expressionAttributeValues(values)).build();
    }

    /**
     * {"records": [...]}: call {@code call}'s {@code count} records of {@code customersPerCall} customers (the call's
     * own, in turn), dimension d0, one hour, unique idempotency keys.
     */
    private static String usageBody(List<SubscribeResult> customers, int call, int count, int customersPerCall,
            String keyPrefix, Instant timestamp) {
        StringBuilder body = new StringBuilder("{\"records\":[");
        for (int i = 0; i < count; i++) {
            SubscribeResult c = customers.get((call * customersPerCall + i % customersPerCall) % customers.size());
            if (i > 0) {
                body.append(',');
            }
            body.append("{\"customerIdentifier\":\"").append(c.customerIdentifier()).append("\",\"productCode\":\"")
                    .append(c.productCode()).append("\",\"dimension\":\"d0\",\"quantity\":1,\"timestamp\":\"")
                    .append(timestamp).append("\",\"idempotencyKey\":\"").append(keyPrefix).append('-').append(call)
                    .append('-').append(i).append("\"}");
        }
        return body.append("]}").toString();
    }

    /** Posts usage with the app key; answers the service's answer (accepted, duplicates, rejected, results). */
    private JsonNode postUsage(URI metering, String body) throws IOException, InterruptedException {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(metering.resolve("/v1/usage"))
                .timeout(Duration.ofMinutes(2))
                .header("Authorization", "Bearer " + LocalSuite.APP_API_KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 200) {
            throw new IllegalStateException("POST /v1/usage answered " + answer.statusCode() + ": " + answer.body());
        }
        JsonNode result = JSON.readTree(answer.body());
        if (result.path("rejected").asLong() > 0) {
            LOG.warnf("rejected usage: %s", answer.body().substring(0, Math.min(600, answer.body().length())));
        }
        return result;
    }

    // ------------------------------------------------------------------------------------------ 3. metering

    /**
     * Metering, per replica count and variant: 20,000 aggregates of one product seeded in the usage table's layout,
     * the simulator enforcing AWS's quota, all replicas triggered at once; wall time until the ledger holds every
     * record, the BatchMeterUsage calls that carried records (the simulator's ledger) and the throttled attempts, and
     * (where the build counts them) the DynamoDB requests per call.
     */
    private void metering() throws Exception {
        suite.stop(Service.METERING, Duration.ofSeconds(15));
        // -Dbench.replicas=1,3 measures only those replica counts
        String chosen = System.getProperty("bench.replicas", "");
        int[] counts = chosen.isBlank() ? scale.replicas()
                : Arrays.stream(chosen.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
        for (int replicas : counts) {
            for (Variant variant : variants()) {
                meteringRun(variant, replicas);
            }
        }
        rawMeteringWrites();
    }

    /**
     * The raw DynamoDB Local cost of what a metering run writes, issued directly, with no service and no
     * BatchMeterUsage: the same number of aggregates seeded the same way, then per batch of 25 the claim-and-freeze
     * transaction (25 conditional updates) on one thread, as a replica claims, and the outcome transaction (25
     * conditional updates) on up to 4 threads behind it, as a replica records outcomes behind its sends. Whatever a
     * replica does beyond this is the service's; a wall time at or above the quota bound here means DynamoDB Local
     * bounds the figure on this machine.
     */
    private void rawMeteringWrites() throws Exception {
        int n = scale.meterAggregates();
        String[] dims = new String[scale.meterDimensions()];
        for (int d = 0; d < dims.length; d++) {
            dims[d] = "d" + d;
        }
        List<SubscribeResult> customers = activeCustomers("bench-meter-raw-" + run, PricingModel.SUBSCRIPTION,
                scale.meterCustomers(), dims);
        List<String> ids = seedAggregates(customers, dims, scale.meterHours());
        String load = Bench.loadAverage();
        ExecutorService outcomes = Executors.newFixedThreadPool(4);
        Semaphore inFlight = new Semaphore(4);
        List<Future<?>> written = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int from = 0; from < n; from += 25) {
            List<String> batch = ids.subList(from, Math.min(n, from + 25));
            List<TransactWriteItem> claims = new ArrayList<>();
            for (int i = from; i < from + batch.size(); i++) {
                claims.add(rawClaim(ids.get(i), seededQuantity(i)));
            }
            transact(claims);
            inFlight.acquire();
            written.add(outcomes.submit(() -> {
                try {
                    List<TransactWriteItem> done = new ArrayList<>();
                    for (String id : batch) {
                        done.add(rawOutcome(id));
                    }
                    transact(done);
                } finally {
                    inFlight.release();
                }
            }));
        }
        for (Future<?> f : written) {
            f.get();
        }
        outcomes.shutdown();
        double wall = (System.nanoTime() - t0) / 1e9;
        int batches = (n + 24) / 25;
        LOG.infof("raw metering writes: %d aggregates, %d claim + %d outcome transactions of 25 in %.1f s (load %s)",
                n, batches, batches, wall, load);
        report.add("3 metering", String.format(Locale.ROOT, "raw DynamoDB Local writes of a run of %d aggregates: %d"
                + " claim-and-freeze transactions of 25 (1 thread) and %d outcome transactions of 25 (4 threads"
                + " behind), no service, no BatchMeterUsage", n, batches, batches), f(wall, 1) + " s",
                "(reference; quota bound " + f(batches / 10.0, 0) + " s)", null,
                "DynamoDB Local: transactions under one write lock; " + CORES);
    }

    /** The claim-and-freeze update of one open aggregate (UsageTable.claimAndFreeze's shape). */
    private static TransactWriteItem rawClaim(String id, long quantity) {
        long now = System.currentTimeMillis();
        Map<String, String> names = Map.of("#s", "status", "#q", "quantity", "#fq", "frozenQuantity", "#bq",
                "billedQuantity", "#lo", "leaseOwner", "#lu", "leaseUntil", "#fa", "frozenAt", "#ua", "updatedAt");
        Map<String, AttributeValue> values = Map.of(":frozen", s("FROZEN"), ":open", s("OPEN"), ":q", n(quantity),
                ":owner", s("raw-bench"), ":until", n(now + 120_000), ":now", n(now), ":at", s(Instant.now().toString()));
        return TransactWriteItem.builder().update(u -> u.tableName(SuiteTables.USAGE)
                .key(SuiteTables.key(id, "AGGREGATE"))
                .updateExpression("SET #s = :frozen, #fq = :q, #bq = :q, #lo = :owner, #lu = :until, #fa = :at,"
                        + " #ua = :at")
                .conditionExpression("#s = :open AND #q = :q AND (attribute_not_exists(#lu) OR #lu < :now OR #lo ="
                        + " :owner)")
                .expressionAttributeNames(names).expressionAttributeValues(values)
                .returnValuesOnConditionCheckFailure(
                        software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure.ALL_OLD))
                .build();
    }

    /** The outcome update of one frozen aggregate sent (UsageTable.recordOutcomes' shape for SENT). */
    private static TransactWriteItem rawOutcome(String id) {
        Map<String, String> names = Map.of("#s", "status", "#mr", "meteringRecordId", "#rc", "resultCode", "#ua",
                "updatedAt", "#sa", "sentAt", "#lo", "leaseOwner", "#lu", "leaseUntil", "#g1", SuiteTables.GSI1_PK,
                "#g1s", SuiteTables.GSI1_SK);
        String at = Instant.now().toString();
        Map<String, AttributeValue> values = Map.of(":sent", s("SENT"), ":frozen", s("FROZEN"), ":mr",
                s(UUID.randomUUID().toString()), ":rc", s("Success"), ":at", s(at));
        return TransactWriteItem.builder().update(u -> u.tableName(SuiteTables.USAGE)
                .key(SuiteTables.key(id, "AGGREGATE"))
                .updateExpression("SET #s = :sent, #mr = :mr, #rc = :rc, #ua = :at, #sa = :at REMOVE #lo, #lu, #g1,"
                        + " #g1s")
                .conditionExpression("#s = :frozen")
                .expressionAttributeNames(names).expressionAttributeValues(values)).build();
    }

    /**
     * The replicas' BatchMeterUsage calls per second all together (metering-service's default {@code rate-limit}): a
     * little under AWS's quota of 10.
     */
    private static final double PACE = 9.8;

    /**
     * How the replicas of a variant are paced: this checkout's share one pace of {@link #PACE} through the usage table
     * ({@code suite.metering.job.shared-pace}, the default); a baseline's each pace {@code PACE / replicas} alone, as
     * README "Several replicas" told a seller before the shared pace.
     */
    private Map<String, String> meteringPace(Variant v, int replicas) {
        return v.appRoot().equals(root)
                ? Map.of("suite.metering.job.rate-limit", Double.toString(PACE),
                        "suite.metering.job.shared-pace", "true")
                : Map.of("suite.metering.job.rate-limit", Double.toString(PACE / replicas));
    }

    /** The pacing of {@link #meteringPace} in a figure's name. */
    private String meteringPaceName(Variant v, int replicas) {
        return v.appRoot().equals(root) ? "sharing one pace of " + f(PACE, 1) + " calls/s"
                : "at " + f(PACE / replicas, 2) + " calls/s each";
    }

    /**
     * Aggregates of the metering warm-up run ({@code bench.meter.warmup}), billed by the replicas before the measured
     * run: as many as the measured run's by default, an hour of the same size billed before.
     */
    private int meterWarmup() {
        return Integer.getInteger("bench.meter.warmup", scale.meterAggregates());
    }

    private void meteringRun(Variant v, int replicas) throws Exception {
        int n = scale.meterAggregates();
        int bound = (n + 24) / 25;
        double boundSeconds = bound / 10.0;
        String product = "bench-meter-" + v.tag() + "-" + replicas + "-" + run;
        String[] dims = new String[scale.meterDimensions()];
        for (int d = 0; d < dims.length; d++) {
            dims[d] = "d" + d;
        }
        List<SubscribeResult> customers = activeCustomers(product, PricingModel.SUBSCRIPTION,
                scale.meterCustomers(), dims);
        List<ServiceProcess> group = new ArrayList<>();
        try {
            for (int r = 0; r < replicas; r++) {
                String name = "metering-replica-" + v.tag() + "-" + replicas + "-" + r;
                Map<String, String> settings = new HashMap<>(meteringPace(v, replicas));
                settings.put("suite.metering.consumers.enabled", "false");
                group.add(ServiceProcess.start(suite, root, v.appRoot(), Service.METERING, name, Bench.freePort(),
                        settings, List.of(), logDir));
            }
            for (ServiceProcess p : group) {
                p.awaitReady(Duration.ofSeconds(120));
                rss.watch(p.name(), p.pid());
            }
            warmUp(group, v, replicas, dims);
            seedAggregates(customers, dims, scale.meterHours());
            sim.quotas(QuotaSettings.AWS_DEFAULTS);
            Bench.pause(Duration.ofMillis(1500));
            double requestsBefore = 0;
            double attemptsBefore = 0;
            double throttledBefore = 0;
            for (ServiceProcess p : group) {
                requestsBefore += Bench.metric(p.managementUrl(), "mpsaas_metering_dynamodb_requests_total");
                attemptsBefore += Bench.metric(p.managementUrl(), "mpsaas_marketplace_attempts_total",
                        "operation=\"BatchMeterUsage\"");
                throttledBefore += Bench.metric(p.managementUrl(), "mpsaas_marketplace_attempts_total",
                        "operation=\"BatchMeterUsage\"", "error=\"THROTTLING\"");
            }
            String load = Bench.loadAverage();
            long[] pids = group.stream().mapToLong(ServiceProcess::pid).toArray();
            Proc.CpuTimes cpuBefore = Proc.CpuTimes.now(pids);
            ExecutorService runs = Executors.newFixedThreadPool(replicas);
            long t0 = System.nanoTime();
            List<Future<String>> answers = new ArrayList<>();
            for (ServiceProcess p : group) {
                answers.add(runs.submit(() -> http.send(HttpRequest.newBuilder(p.url()
                        .resolve("/v1/admin/metering/runs")).timeout(Duration.ofMinutes(30))
                        .header("Authorization", "Bearer " + LocalSuite.ADMIN_API_KEY)
                        .POST(HttpRequest.BodyPublishers.noBody()).build(),
                        HttpResponse.BodyHandlers.ofString()).body()));
            }
            long deadline = t0 + TimeUnit.MINUTES.toNanos(20);
            long billed = 0;
            while (System.nanoTime() < deadline) {
                // counted, not listed: the list is sorted, which every 100 ms took the cores the run needs
                billed = sim.ledger().count(product);
                if (billed >= n || answers.stream().allMatch(Future::isDone)) {
                    break;
                }
                Bench.pause(Duration.ofMillis(100));
            }
            billed = sim.ledger().count(product);
            double wall = (System.nanoTime() - t0) / 1e9;
            Proc.CpuTimes cpu = Proc.CpuTimes.now(pids).since(cpuBefore);
            long elsewhere = 0;
            for (Future<String> answer : answers) {
                String body = answer.get(30, TimeUnit.MINUTES);
                LOG.infof("metering run report (%s): %s", v.name(), body);
                elsewhere += JSON.readTree(body).path("claimedElsewhere").asLong();
            }
            runs.shutdown();
            double attempts = -attemptsBefore;
            double throttled = -throttledBefore;
            double requests = -requestsBefore;
            for (ServiceProcess p : group) {
                attempts += Bench.metric(p.managementUrl(), "mpsaas_marketplace_attempts_total",
                        "operation=\"BatchMeterUsage\"");
                throttled += Bench.metric(p.managementUrl(), "mpsaas_marketplace_attempts_total",
                        "operation=\"BatchMeterUsage\"", "error=\"THROTTLING\"");
                requests += Bench.metric(p.managementUrl(), "mpsaas_metering_dynamodb_requests_total");
            }
            // the calls AWS processed (a throttled call is refused as a whole: BATCH_ERROR)
            long calls = sim.ledger().attempts().stream().filter(a -> product.equals(a.productCode())
                    && a.outcome() != io.mpsaas.sandbox.marketplace.ledger.AttemptOutcome.BATCH_ERROR)
                    .map(io.mpsaas.sandbox.marketplace.ledger.MeteringAttempt::requestId).distinct().count();
            LOG.infof("metering, %s, %d replica(s): %d of %d billed in %.1f s, %d calls carried records, %.0f"
                    + " attempts (%.0f throttled), %.0f DynamoDB requests, %d claims lost to another replica"
                    + " (load %s at the start)", v.name(), replicas, billed, n, wall, calls, attempts, throttled,
                    requests, elsewhere, load);
            report.add("3 metering", String.format(Locale.ROOT, "%d aggregates, %d replica(s) %s, %s: wall time"
                    + " (billed)", n, replicas, meteringPaceName(v, replicas), v.name()), f(wall, 1) + " s ("
                    + billed + " billed)", "quota bound " + f(boundSeconds, 0) + " s (+5% = "
                    + f(boundSeconds * 1.05, 0) + " s)", billed == n && wall <= boundSeconds * 1.05,
                    requests > 0 ? "BatchMeterUsage 10/s quota; per batch of 25 a claim-and-freeze transaction and an"
                            + " outcome transaction on DynamoDB Local; " + CORES
                            : "BatchMeterUsage 10/s quota; per aggregate a claim, a freeze and an outcome write on"
                                    + " DynamoDB Local; " + CORES);
            report.add("3 metering", replicas + " replica(s), " + v.name() + ": BatchMeterUsage calls with records"
                    + " (throttled attempts)", calls + " (" + f(throttled, 0) + ")", "ceil(N/25) = " + bound,
                    calls == bound, "claims of whole batches of 25 (" + elsewhere + " aggregates lost to another"
                            + " replica's claim and left to it)");
            report.add("3 metering", replicas + " replica(s), " + v.name() + ": CPU seconds during the run,"
                    + " metering-service replicas / sandbox + harness JVM / whole machine", cpu.of(wall),
                    "(where the cores went)", null,
                    "the sandbox JVM runs DynamoDB Local and the simulator; a busy machine delays calls past their"
                            + " slots, and a call 20 ms later than the one ten slots after it (10 x 102 ms - 1 s at"
                            + " 9.8/s) shares AWS's sliding second with it: the eleventh, throttled, one slot lost");
            report.add("3 metering", replicas + " replica(s), " + v.name() + ": JIT compiler CPU seconds during the"
                    + " run, metering-service replicas / sandbox + harness JVM",
                    f(Math.max(0, cpu.servicesJit()), 1) + " / " + f(Math.max(0, cpu.harnessJit()), 1),
                    "(where the cores went)", null, "after a warm-up run of " + meterWarmup() + " aggregates; the CPU"
                            + " of the compiler threads alive at the end (a lower bound): compiling while the run's"
                            + " calls wait for the cores makes them late");
            if (requests > 0) {
                report.add("3 metering", replicas + " replica(s), " + v.name() + ": DynamoDB requests per"
                        + " BatchMeterUsage call", f(requests / calls, 1), "a handful", null,
                        "pending list pages, a claim transaction per batch (plus one per lost race), an outcome"
                                + " transaction per batch" + (v.appRoot().equals(root) ? ", a conditional write of"
                                + " the shared pace per call (plus one per race lost to another replica)" : ""));
            }
        } finally {
            for (ServiceProcess p : group) {
                footprintOfReplica(p);
                p.close();
                rss.forget(p.name());
            }
        }
    }

    /**
     * A first run of the replicas ({@link #meterWarmup()} aggregates of another product, in the measured run's hours):
     * replicas of a deployment are long-running, and the measured run should not include the JIT compiling the path of
     * a process started a moment before. A warm-up of 500 aggregates left the compiler threads 19.4 s of the three
     * replicas' 35.9 CPU s in the measured run, and its first 4 s below full pace (BENCHMARKS.md, "The JIT in the
     * measured runs"). The baseline is warmed the same way.
     */
    private void warmUp(List<ServiceProcess> group, Variant v, int replicas, String[] dims) throws Exception {
        int hours = scale.meterHours();
        List<SubscribeResult> customers = activeCustomers("bench-warm-" + v.tag() + "-" + replicas + "-" + run,
                PricingModel.SUBSCRIPTION, Math.max(1, meterWarmup() / (dims.length * hours)), dims);
        seedAggregates(customers, dims, hours);
        sim.quotas(QuotaSettings.AWS_DEFAULTS);
        ExecutorService runs = Executors.newFixedThreadPool(group.size());
        List<Future<String>> answers = new ArrayList<>();
        for (ServiceProcess p : group) {
            answers.add(runs.submit(() -> http.send(HttpRequest.newBuilder(p.url().resolve("/v1/admin/metering/runs"))
                    .timeout(Duration.ofMinutes(10)).header("Authorization", "Bearer " + LocalSuite.ADMIN_API_KEY)
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()).body()));
        }
        for (Future<String> answer : answers) {
            answer.get(10, TimeUnit.MINUTES);
        }
        runs.shutdown();
        LOG.infof("warm-up of %d replica(s) (%s): %d records billed", replicas, v.name(),
                sim.ledger().count("bench-warm-" + v.tag() + "-" + replicas + "-" + run));
    }

    private void footprintOfReplica(ServiceProcess p) {
        double peak = rss.peakMb(p.name());
        LOG.infof("%s: RSS peak %.0f MB", p.name(), peak);
        if (p.name().endsWith("-new-1-0")) {
            report.add("5 footprint", "metering-service RSS peak while metering (the pod's JVM options)", f(peak, 0) + " MB",
                    "(no target)", null, "20,000 pending aggregates read into memory per run");
        }
    }

    /**
     * One OPEN aggregate per (customer, dimension, hour) for the closed hours 1..H before now, written directly in the
     * usage table's documented layout (docs/ARCHITECTURE.md, UsageTable.aggregateUpsert), 25 per BatchWriteItem:
     * seeding 20,000 through the API would take longer than metering them on this machine.
     */
    /** The quantity {@link #seedAggregates} gives its {@code i}-th aggregate. */
    private static long seededQuantity(int i) {
        return 1 + i % 7;
    }

    /** Seeds the aggregates and answers their ids, the {@code i}-th with {@link #seededQuantity}{@code (i)}. */
    private List<String> seedAggregates(List<SubscribeResult> customers, String[] dimensions, int hours)
            throws Exception {
        int n = customers.size() * dimensions.length * hours;
        int perHour = customers.size() * dimensions.length;
        Instant currentHour = Instant.now().truncatedTo(ChronoUnit.HOURS);
        String now = Instant.now().toString();
        AtomicInteger next = new AtomicInteger();
        // written by the 4 threads, each at its own indexes
        List<String> ids = Collections.synchronizedList(new ArrayList<>(Collections.nCopies(n, (String) null)));
        long t0 = System.nanoTime();
        onThreads(4, () -> {
            for (int from; (from = next.getAndAdd(25)) < n; ) {
                List<software.amazon.awssdk.services.dynamodb.model.WriteRequest> writes = new ArrayList<>();
                for (int i = from; i < Math.min(n, from + 25); i++) {
                    Instant hour = currentHour.minus(Duration.ofHours(i / perHour + 1));
                    int within = i % perHour;
                    SubscribeResult c = customers.get(within % customers.size());
                    String dimension = dimensions[within / customers.size()];
                    String customerKey = CustomerKeys.forLegacy(c.productCode(), c.customerIdentifier());
                    String id = "agg#" + customerKey + "#" + dimension + "#" + hour;
                    ids.set(i, id);
                    Map<String, AttributeValue> item = new HashMap<>();
                    item.put(SuiteTables.PK, s(id));
                    item.put(SuiteTables.SK, s("AGGREGATE"));
                    item.put("type", s("AGGREGATE"));
                    item.put("customerKey", s(customerKey));
                    item.put("productCode", s(c.productCode()));
                    item.put("identityModel", s("LEGACY"));
                    item.put("customerIdentifier", s(c.customerIdentifier()));
                    item.put("customerAwsAccountId", s(c.customerAWSAccountId()));
                    item.put("licenseArn", s(c.licenseArn()));
                    item.put("dimension", s(dimension));
                    item.put("hour", s(hour.toString()));
                    item.put("status", s("OPEN"));
                    item.put("quantity", n(seededQuantity(i)));
                    item.put("events", n(1));
                    item.put("tagged", AttributeValue.fromBool(false));
                    item.put(SuiteTables.GSI1_PK, s("pending#" + Math.floorMod(id.hashCode(), 4)));
                    item.put(SuiteTables.GSI1_SK, s(hour + "#" + customerKey + "#" + dimension));
                    item.put(SuiteTables.GSI2_PK, s("customer#" + customerKey));
                    item.put(SuiteTables.GSI2_SK, s(hour + "#" + dimension));
                    item.put("createdAt", s(now));
                    item.put("updatedAt", s(now));
                    item.put(SuiteTables.TTL, n(hour.plus(Duration.ofDays(90)).getEpochSecond()));
                    writes.add(software.amazon.awssdk.services.dynamodb.model.WriteRequest.builder()
                            .putRequest(r -> r.item(item)).build());
                }
                Map<String, List<software.amazon.awssdk.services.dynamodb.model.WriteRequest>> pending =
                        Map.of(SuiteTables.USAGE, writes);
                while (!pending.isEmpty()) {
                    Map<String, List<software.amazon.awssdk.services.dynamodb.model.WriteRequest>> batch = pending;
                    pending = dynamo.batchWriteItem(r -> r.requestItems(batch)).unprocessedItems();
                }
            }
            return null;
        });
        LOG.infof("seeded %d aggregates in %.1f s", n, (System.nanoTime() - t0) / 1e9);
        return ids;
    }

    // ------------------------------------------------------------------------------------------------- 6. webhooks

    /** Customers of the webhook run and their pace (their two notifications each, enqueued at a steady rate). */
    private static final int WEBHOOK_CUSTOMERS = Integer.getInteger("bench.webhooks.customers", 300);
    private static final int WEBHOOK_CUSTOMERS_PER_SECOND = Integer.getInteger("bench.webhooks.rate", 10);

    /**
     * Webhook delivery (issue 21): one entitlement-service as configured by default, delivering to the simulator's
     * receiver ({@code Sandbox.webhookConfig}: the endpoint every {@code run-local.sh} has), consumes signed
     * notifications enqueued at a steady pace (each customer's subscribe-success and entitlement-updated), and each
     * customer event it commits is delivered. Per delivery: from its outbox item's {@code createdAt} (written right
     * after the commit, with the event's SQS send) to the receiver's arrival time: commit to receiver, the issue's
     * target (p99 < 1 s locally); and from the notification's enqueue to the arrival: end to end. A warm-up run of a
     * fifth of the customers first.
     */
    private void webhooks() throws Exception {
        suite.stop(Service.ENTITLEMENT, Duration.ofSeconds(15));
        try (ServiceProcess p = startEntitlement("entitlement-service-webhooks", Map.of())) {
            webhookRun(Math.max(10, WEBHOOK_CUSTOMERS / 5), false);
            webhookRun(WEBHOOK_CUSTOMERS, true);
        }
    }

    private void webhookRun(int customerCount, boolean measured) throws Exception {
        String product = "bench-webhooks-" + (measured ? "" : "warm-") + run;
        sim.addProduct(Product.builder(product, PricingModel.CONTRACT).contracted("seats", ValueType.INTEGER)
                .notificationFormat(NotificationFormat.SNS).build());
        sim.holdNotifications(product);
        sim.quotas(new QuotaSettings(true, 0, 10, 1_000_000, 1000));
        List<SubscribeResult> subscribed = parallel(customerCount,
                i -> sim.subscribe(SubscribeRequest.of(product).withQuantity("seats", 10).activated()));
        Map<String, String> customerOfSubscription = new HashMap<>();
        subscribed.forEach(s -> customerOfSubscription.put(s.subscriptionId(),
                CustomerKeys.forLegacy(product, s.customerIdentifier())));
        List<SentNotification> held = new ArrayList<>(sim.notifications(product, null, null));
        held.sort(Comparator.comparing(SentNotification::subscriptionId).thenComparing(SentNotification::sentAt));
        String queue = suite.sandbox().aws().queueUrl(SuiteQueues.NOTIFICATIONS);
        Map<String, Long> enqueuedAt = new HashMap<>();
        // a steady pace: one customer's notifications every 1/rate s, in the order AWS sent them
        long t0 = System.nanoTime();
        long stepNanos = 1_000_000_000L / WEBHOOK_CUSTOMERS_PER_SECOND;
        int customerIndex = 0;
        for (int m = 0; m < held.size(); customerIndex++) {
            String subscription = held.get(m).subscriptionId();
            List<SentNotification> ofCustomer = new ArrayList<>();
            while (m < held.size() && held.get(m).subscriptionId().equals(subscription)) {
                ofCustomer.add(held.get(m++));
            }
            long due = t0 + customerIndex * stepNanos;
            while (System.nanoTime() < due) {
                Bench.pause(Duration.ofMillis(1));
            }
            List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
            for (int k = 0; k < ofCustomer.size(); k++) {
                entries.add(SendMessageBatchRequestEntry.builder().id("n" + k).messageBody(ofCustomer.get(k).body())
                        .build());
            }
            enqueuedAt.put(customerOfSubscription.get(subscription), System.currentTimeMillis());
            sqs.sendMessageBatch(r -> r.queueUrl(queue).entries(entries));
        }
        double enqueueSeconds = (System.nanoTime() - t0) / 1e9;
        // every event of the run received: the count stops growing once the queue is empty
        List<WebhookReceiver.Received> received = List.of();
        long quietSince = System.nanoTime();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (System.nanoTime() < deadline) {
            List<WebhookReceiver.Received> now = sim.webhooks().deliveries().stream()
                    .filter(d -> product.equals(d.productCode())).toList();
            if (now.size() != received.size() || depth(queue) > 0) {
                quietSince = System.nanoTime();
            }
            received = now;
            if (System.nanoTime() - quietSince > TimeUnit.SECONDS.toNanos(5)) {
                break;
            }
            Bench.pause(Duration.ofMillis(200));
        }
        long rejected = sim.webhooks().rejected().stream().filter(d -> product.equals(d.productCode())).count();
        if (!measured) {
            LOG.infof("webhooks warm-up, %d customers: %d deliveries", customerCount, received.size());
            return;
        }
        Histogram commitToReceiver = new Histogram(3_600_000L, 3);
        Histogram endToEnd = new Histogram(3_600_000L, 3);
        int repeats = 0;
        int withoutOutbox = 0;
        for (WebhookReceiver.Received d : received) {
            repeats += d.repeats();
            Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(SuiteTables.CUSTOMERS)
                    .key(SuiteTables.key("webhook#sandbox#" + d.id(), "DELIVERY")).consistentRead(true)).item();
            if (item == null || !item.containsKey("createdAt")) {
                withoutOutbox++;
                continue;
            }
            long arrived = d.receivedAt().toEpochMilli();
            commitToReceiver.recordValue(Math.max(0, arrived - Long.parseLong(item.get("createdAt").n())));
            Long enqueued = enqueuedAt.get(d.customerKey());
            if (enqueued != null) {
                endToEnd.recordValue(Math.max(0, arrived - enqueued));
            }
        }
        long activated = received.stream().filter(d -> "customer-activated".equals(d.type())).count();
        LOG.infof("webhooks: %d customers' notifications enqueued in %.1f s (%d/s); %d deliveries received (%d"
                + " customer-activated), %d repeats, %d refused, %d without an outbox item; commit -> receiver p50 %d"
                + " / p99 %d / max %d ms; enqueue -> receiver p50 %d / p99 %d ms", customerCount, enqueueSeconds,
                WEBHOOK_CUSTOMERS_PER_SECOND, received.size(), activated, repeats, rejected, withoutOutbox,
                commitToReceiver.getValueAtPercentile(50), commitToReceiver.getValueAtPercentile(99),
                commitToReceiver.getMaxValue(), endToEnd.getValueAtPercentile(50), endToEnd.getValueAtPercentile(99));
        String what = received.size() + " deliveries of " + customerCount + " customers' events (their notifications"
                + " enqueued at " + WEBHOOK_CUSTOMERS_PER_SECOND + " customers/s), to the sandbox's receiver";
        report.add("6 webhooks", "commit -> receiver, p50 / p99 / max: " + what,
                f(commitToReceiver.getValueAtPercentile(50), 0) + " / " + f(commitToReceiver.getValueAtPercentile(99), 0)
                        + " / " + f(commitToReceiver.getMaxValue(), 0) + " ms", "p99 < 1000 ms",
                commitToReceiver.getValueAtPercentile(99) < 1000 && activated == customerCount,
                "the dispatcher's poll (every 250 ms) and claim, then a signed POST; " + CORES);
        report.add("6 webhooks", "notification enqueued -> event at the receiver, p50 / p99",
                f(endToEnd.getValueAtPercentile(50), 0) + " / " + f(endToEnd.getValueAtPercentile(99), 0) + " ms",
                "(no target)", null, "entitlement-service's batch, GetEntitlements, commit, then the delivery");
        report.add("6 webhooks", "delivered: customer-activated events / customers; repeats; refused",
                activated + " / " + customerCount + "; " + repeats + "; " + rejected, "all, once each",
                activated == customerCount && rejected == 0, "at least once: a repeat is a lease that ran out");
    }

    // ------------------------------------------------------------------------------------- 4. notifications

    /**
     * entitlement-service's consumer concurrency values compared with the quota lifted (the service's default is
     * {@code bench.notify.default}, 100; the code before batching had 16).
     */
    private static final int[] NOTIFY_CONCURRENCY = Arrays.stream(System.getProperty("bench.notify.concurrency",
            "16,100").split(",")).mapToInt(v -> Integer.parseInt(v.trim())).toArray();
    private static final int NOTIFY_DEFAULT = Integer.getInteger("bench.notify.default", 100);

    /**
     * Customers of the warm-up run before a measured run with the quota lifted ({@code bench.notify.warmup}; as many as
     * the measured run's by default). The run with AWS's quota, bound by it, is warmed by a fifth (a whole one would
     * take 50 s at 20 calls/s).
     */
    private int notifyWarmup() {
        return Integer.getInteger("bench.notify.warmup", scale.notifyCustomers());
    }

    /**
     * Waits (up to 60 s) until the process has used under a tenth of a core for a whole second: the tail of a warm-up
     * (its webhook deliveries, the compiler's queue) is not idle CPU.
     */
    private static void awaitQuiet(long pid) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        double before = Proc.cpuSeconds(pid);
        while (System.nanoTime() < deadline) {
            Bench.pause(Duration.ofSeconds(1));
            double now = Proc.cpuSeconds(pid);
            if (now - before < 0.1) {
                return;
            }
            before = now;
        }
        LOG.warnf("process %d still busy after 60 s: its idle CPU is measured anyway", pid);
    }

    /** Customers of the last notification warm-up run. */
    private int notifyWarmedWith;

    /** How long the idle CPU of entitlement-service is sampled before a measured notification run. */
    private static final Duration IDLE_SAMPLE = Duration.ofSeconds(5);

    /** AWS's GetEntitlements quota per account (the simulator enforces it unless lifted). */
    private static final int GET_ENTITLEMENTS_QUOTA = 20;

    private void notifications() throws Exception {
        suite.stop(Service.ENTITLEMENT, Duration.ofSeconds(15));
        rss.resetPeak(Service.ENTITLEMENT.module());
        for (int concurrency : NOTIFY_CONCURRENCY) {
            // the quota lifted on both sides: the simulator's and the service's own pace of GetEntitlements calls; the
            // pace of this replica alone (shared-pace off), as a shared one would add a DynamoDB write to every call of
            // a run meant to measure without any quota
            try (ServiceProcess p = startEntitlement("entitlement-service-c" + concurrency,
                    Map.of("suite.entitlement.consumer.concurrency", Integer.toString(concurrency),
                            "suite.entitlement.get-entitlements-rate-limit", "100000",
                            "suite.entitlement.shared-pace", "false"))) {
                notifyRun(p, concurrency, false, notifyWarmup(), false);
                notifyRun(p, concurrency, false, scale.notifyCustomers(), true);
            }
        }
        // the same burst with AWS's GetEntitlements quota in force, the service as configured by default
        try (ServiceProcess p = startEntitlement("entitlement-service-quota", Map.of())) {
            notifyRun(p, NOTIFY_DEFAULT, false, scale.notifyCustomers() / 5, false);
            notifyRun(p, NOTIFY_DEFAULT, true, scale.notifyCustomers(), true);
        }
        rawNotificationWrites(scale.notifyCustomers(), false);
        rawNotificationWrites(scale.notifyCustomers(), true);
    }

    private ServiceProcess startEntitlement(String name, Map<String, String> overrides) {
        List<String> jvm = JfrProfile.enabled() ? List.of(JfrProfile.startOption(JfrProfile.settings(logDir),
                logDir.resolve(name + ".jfr"))) : List.of();
        ServiceProcess p = ServiceProcess.start(suite, root, Service.ENTITLEMENT, name, Bench.freePort(), overrides,
                jvm, logDir);
        p.awaitReady(Duration.ofSeconds(120));
        rss.watch(Service.ENTITLEMENT.module(), p.pid());
        return p;
    }

    /**
     * Signed notifications minted by the simulator (subscribe-success and entitlement-updated of each customer),
     * enqueued all at once, consumed by one entitlement-service; AWS's GetEntitlements quota lifted or in force. A
     * warm-up run ({@link #notifyWarmup()} customers, not reported) first lets the fresh JVM compile its hot paths,
     * as a service that has been running would have. It does not finish that: the compiler threads still take 40-50 %
     * of the service's CPU in the measured run, so the steady state is reported net of them (BENCHMARKS.md, "The JIT
     * in the measured runs").
     */
    private void notifyRun(ServiceProcess service, int concurrency, boolean quota, int customerCount, boolean measured)
            throws Exception {
        URI entitlement = service.managementUrl(); // its metrics
        String product = "bench-notify-" + (measured ? "" : "warm-") + service.name().replace("entitlement-service-",
                "") + "-" + run;
        sim.addProduct(Product.builder(product, PricingModel.CONTRACT).contracted("seats", ValueType.INTEGER)
                .notificationFormat(NotificationFormat.SNS).build());
        sim.holdNotifications(product);
        QuotaSettings quotas = sim.quotas();
        List<SubscribeResult> subscribed = parallel(customerCount,
                i -> sim.subscribe(SubscribeRequest.of(product).withQuantity("seats", 10).activated()));
        Map<String, String> customerOfSubscription = new HashMap<>();
        subscribed.forEach(s -> customerOfSubscription.put(s.subscriptionId(), s.customerIdentifier()));
        List<SentNotification> held = new ArrayList<>(sim.notifications(product, null, null));
        held.sort(Comparator.comparing(SentNotification::sentAt));
        String queue = suite.sandbox().aws().queueUrl(SuiteQueues.NOTIFICATIONS);
        String dlq = suite.sandbox().aws().queueUrl(SuiteQueues.deadLetterQueue(SuiteQueues.NOTIFICATIONS));
        long parkedBefore = depth(dlq);
        // AWS's GetEntitlements quota (20/s per account) caps a burst at 20 customers/s: lifted to measure the
        // service, in force (and its bound stated) to measure how close the service comes to it
        sim.quotas(quota ? QuotaSettings.AWS_DEFAULTS : new QuotaSettings(true, 0, 10, 1_000_000, 1000));
        // the CPU the service spends with nothing to do (polls, timers, the harness's metric reads): its fixed part,
        // measured here so the cost per notification can be told apart from it
        double idleCpuRate = 0;
        double idleJitRate = 0;
        if (measured) {
            awaitQuiet(service.pid());
            Proc.CpuTimes idleStart = Proc.CpuTimes.now(service.pid());
            long idleT0 = System.nanoTime();
            Bench.pause(IDLE_SAMPLE);
            double idleSeconds = (System.nanoTime() - idleT0) / 1e9;
            Proc.CpuTimes idle = Proc.CpuTimes.now(service.pid()).since(idleStart);
            idleCpuRate = Math.max(0, idle.services()) / idleSeconds;
            idleJitRate = Math.max(0, idle.servicesJit()) / idleSeconds;
        }
        Counters before = counters(entitlement, service.pid());
        try {
            Map<String, Long> enqueuedAt = new ConcurrentHashMap<>();
            AtomicInteger next = new AtomicInteger();
            Recording sandboxProfile = measured ? profileSandbox() : null;
            long t0 = System.nanoTime();
            onThreads(4, () -> {
                for (int m; (m = next.getAndAdd(10)) < held.size(); ) {
                    List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
                    List<SentNotification> batch = held.subList(m, Math.min(held.size(), m + 10));
                    for (int k = 0; k < batch.size(); k++) {
                        entries.add(SendMessageBatchRequestEntry.builder().id("n" + k)
                                .messageBody(batch.get(k).body()).build());
                    }
                    long at = System.currentTimeMillis();
                    sqs.sendMessageBatch(r -> r.queueUrl(queue).entries(entries));
                    batch.forEach(sent -> enqueuedAt.merge(sent.subscriptionId(), at, Math::min));
                }
                return null;
            });
            double enqueueSeconds = (System.nanoTime() - t0) / 1e9;
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(15);
            while (System.nanoTime() < deadline && depth(queue) > 0) {
                Bench.pause(Duration.ofMillis(50));
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            Counters after = counters(entitlement, service.pid());
            noteSandboxProfile(sandboxProfile, service.name() + "'s run", service.name());
            if (!measured) {
                notifyWarmedWith = customerCount;
                LOG.infof("notifications warm-up, %d customers: drained in %.1f s", customerCount,
                        (System.nanoTime() - t0) / 1e9);
                return;
            }
            long parked = depth(dlq) - parkedBefore;
            Map<String, Instant> changed = activeSince(product);
            Histogram lag = new Histogram(3_600_000L, 3);
            enqueuedAt.forEach((subscription, at) -> {
                Instant done = changed.get(customerOfSubscription.get(subscription));
                if (done != null) {
                    lag.recordValue(Math.max(0, done.toEpochMilli() - at));
                }
            });
            int notifications = held.size();
            int customers = subscribed.size();
            double rate = notifications / seconds;
            double calls = after.getEntitlements - before.getEntitlements;
            double throttled = after.throttled - before.throttled;
            double commits = after.commits - before.commits;
            // 0 for a build without the counter (before commits shared requests), which does not count them
            double commitRequests = after.commitRequests - before.commitRequests;
            Proc.CpuTimes cpu = after.cpu.since(before.cpu);
            double retried = after.retried - before.retried;
            String setting = "consumer concurrency " + concurrency
                    + (concurrency == NOTIFY_DEFAULT ? " (default)" : "");
            String what = notifications + " signed SNS notifications (subscribe-success + entitlement-updated) of "
                    + customers + " customers, " + setting;
            LOG.infof("notifications, %s, quota %s: %d enqueued in %.1f s, drained in %.1f s, %d parked, %d of %d"
                    + " active; GetEntitlements %.0f calls (%.0f throttled), %.0f commits, %.0f retried; CPU s:"
                    + " service %.1f, sandbox+harness JVM %.1f, machine %.1f of %.1f", setting, quota ? "on" : "lifted",
                    notifications, enqueueSeconds, seconds, parked, changed.size(), customers, calls, throttled,
                    commits, retried, cpu.services(), cpu.harness(), cpu.machine(),
                    seconds * Runtime.getRuntime().availableProcessors());
            String outcome = " (" + changed.size() + "/" + customers + " customers ACTIVE, " + parked + " parked, "
                    + f(retried, 0) + " retried)";
            if (quota) {
                double bound = (double) customers / GET_ENTITLEMENTS_QUOTA;
                report.add("4 notifications", what + ", GetEntitlements quota at AWS's " + GET_ENTITLEMENTS_QUOTA
                        + "/s: end to end", f(seconds, 1) + " s" + outcome, "<= 1.1 x the quota's bound for one call"
                        + " per customer: " + customers + " / " + GET_ENTITLEMENTS_QUOTA + "/s = " + f(bound, 0)
                        + " s (+10% = " + f(bound * 1.1, 1) + " s)", seconds <= bound * 1.1,
                        "GetEntitlements quota (20/s per account), paced by the service; calls it made: " + f(calls, 0)
                                + " -> its own bound " + f(calls / GET_ENTITLEMENTS_QUOTA, 1) + " s");
            } else {
                report.add("4 notifications", what + ": end to end", f(rate, 0) + " notifications/s" + outcome,
                        ">= 500/s", rate >= 500, "DynamoDB Local's writes (see the raw rate below) and the CPU"
                                + " shared with DynamoDB Local, ElasticMQ and the simulator; " + CORES);
                report.add("4 notifications", "lag enqueue -> customer ACTIVE, p50 / p99 (" + setting + ")",
                        f(lag.getValueAtPercentile(50), 0) + " / " + f(lag.getValueAtPercentile(99), 0) + " ms",
                        "(no target)", null, "all " + notifications + " enqueued within " + f(enqueueSeconds, 1)
                                + " s: the lag is mostly the backlog ahead in the queue");
            }
            report.add("4 notifications", "GetEntitlements calls per notification (" + setting + ", quota "
                    + (quota ? "on" : "lifted") + "): calls (throttled) / notifications", f(calls / notifications, 2)
                    + " (" + f(calls, 0) + " calls, " + f(throttled, 0) + " throttled; " + f(commits, 0)
                    + " commits" + (commitRequests > 0 ? " in " + f(commitRequests, 0) + " TransactWriteItems requests)"
                            : "; TransactWriteItems requests not counted by this build)"),
                    "(reported; 0.50 = one per customer)", null, "one call per customer whose"
                            + " notifications share a batch; a customer's two notifications in two batches cost two");
            report.add("4 notifications", "CPU seconds during the run (" + setting + ", quota "
                    + (quota ? "on" : "lifted") + "): entitlement-service / sandbox + harness JVM / whole machine",
                    cpu.of(seconds), "(where the cores went)", null, "the sandbox JVM runs DynamoDB Local,"
                            + " ElasticMQ, the simulator and the load generator");
            double cpuMs = cpu.services() * 1000 / notifications;
            report.add("4 notifications", "entitlement-service CPU per notification (" + setting + ", quota "
                    + (quota ? "on" : "lifted") + "), and the rate it allows on 2 cores of its own", f(cpuMs, 2)
                    + " ms -> " + f(2000 / cpuMs, 0) + " notifications/s", "(reported; >= 500/s needs <= 4 ms)",
                    null, "a projection from the CPU the service used here (the webhook deliveries of the events"
                            + " included), the tables' latency aside: what the instance could do where DynamoDB is"
                            + " not on its cores");
            double netCpuMs = Math.max(0, cpu.services() - idleCpuRate * seconds) * 1000
                    / notifications;
            // the steady state: the CPU of the run net of the idle part and of the JIT compiling (the compiler
            // threads' share of the idle part taken out of it, so it is not taken twice)
            double jitSeconds = Math.max(0, cpu.servicesJit());
            double steadyMs = Math.max(0, cpu.services() - jitSeconds - (idleCpuRate - idleJitRate) * seconds) * 1000
                    / notifications;
            report.add("4 notifications", "entitlement-service JIT compiler CPU seconds during the run (" + setting
                    + ", quota " + (quota ? "on" : "lifted") + ")", f(jitSeconds, 1) + " of "
                    + f(cpu.services(), 1), "(where the cores went)", null, "after a warm-up run of "
                    + notifyWarmedWith + " customers; the CPU of the compiler threads alive at the end (a lower bound),"
                    + " part of the CPU per notification above");
            report.add("4 notifications", "entitlement-service CPU per notification net of its idle CPU (" + setting
                    + ", quota " + (quota ? "on" : "lifted") + "; idle " + f(idleCpuRate, 3) + " cores, measured over "
                    + IDLE_SAMPLE.toSeconds() + " s before the run), and the rate it allows on 2 cores of its own",
                    f(netCpuMs, 2) + " ms -> " + f((2 - idleCpuRate) * 1000 / Math.max(0.001, netCpuMs), 0)
                            + " notifications/s", "(reported; the idle part does not grow with the load)", null,
                    "(2 cores - idle) / net CPU per notification: the idle part is paid once, whatever the rate");
            report.add("4 notifications", "entitlement-service CPU per notification net of its idle CPU and of the JIT"
                    + " compiling (" + setting + ", quota " + (quota ? "on" : "lifted") + "), and the rate it allows on"
                    + " 2 cores of its own", f(steadyMs, 2) + " ms -> " + f((2 - (idleCpuRate - idleJitRate)) * 1000
                            / Math.max(0.001, steadyMs), 0) + " notifications/s", "(reported; >= 500/s needs <= 4 ms)",
                    null, "the steady state of a long-running instance, whose compiler threads have compiled its"
                            + " paths: the run's CPU less the compiler threads' and the idle part's");
        } finally {
            sim.quotas(quotas);
        }
        if (JfrProfile.enabled() && measured) {
            Path jfr = logDir.resolve(service.name() + ".jfr");
            JfrProfile.dump(service.pid(), jfr);
            String profile = JfrProfile.summary(jfr, 6);
            LOG.infof("profile of %s: %s", service.name(), profile);
            report.note("Profile of " + service.name() + " (JFR, " + jfr.getFileName() + "): " + profile);
        }
    }

    /** The counters a notification run is judged by, read before and after it. */
    private record Counters(double getEntitlements, double throttled, double commits, double commitRequests,
            double retried, Proc.CpuTimes cpu) {
    }

    private Counters counters(URI entitlement, long pid) {
        return new Counters(
                Bench.metric(entitlement, "mpsaas_marketplace_attempts_total", "operation=\"GetEntitlements\"",
                        "error=\"none\""),
                Bench.metric(entitlement, "mpsaas_marketplace_attempts_total", "operation=\"GetEntitlements\"",
                        "error=\"THROTTLING\""),
                Bench.metric(entitlement, "mpsaas_entitlement_notification_commits_total"),
                Bench.metric(entitlement, "mpsaas_entitlement_commit_requests_total"),
                Bench.metric(entitlement, "mpsaas_sqs_messages_total", "queue=\"" + SuiteQueues.NOTIFICATIONS
                        + "\"", "outcome=\"retried\""),
                Proc.CpuTimes.now(pid));
    }

    /**
     * The raw DynamoDB Local rate of the writes the notifications above cost, issued from here with the service's
     * shapes and parallelism (4 batches in hand): per 10 messages one consistent BatchGetItem of their inbox entries
     * and customers, the 5 customers' commits (each the customer update and its two inbox entries) in one
     * TransactWriteItems when {@code together} (the service's commits ready together share a request) or one each, side
     * by side, and one BatchWriteItem (the effects marked sent).
     */
    private void rawNotificationWrites(int customers, boolean together) throws Exception {
        String prefix = "bench#raw-notify#" + run + (together ? "#together#" : "#");
        String effects = "{\"events\":[" + "{\"type\":\"customer-activated\",\"payload\":\"" + "x".repeat(300)
                + "\"},".repeat(2) + "{}],\"commands\":[]}";
        ExecutorService writers = Executors.newFixedThreadPool(20);
        AtomicInteger next = new AtomicInteger();
        long t0 = System.nanoTime();
        try {
            onThreads(4, () -> {
                for (int b; (b = next.getAndAdd(5)) < customers; ) {
                    List<Integer> batch = new ArrayList<>();
                    for (int i = b; i < Math.min(customers, b + 5); i++) {
                        batch.add(i);
                    }
                    List<Map<String, AttributeValue>> inboxKeys = new ArrayList<>();
                    List<Map<String, AttributeValue>> customerKeys = new ArrayList<>();
                    for (int i : batch) {
                        inboxKeys.add(SuiteTables.key("msg#" + prefix + i + "#a", "MESSAGE"));
                        inboxKeys.add(SuiteTables.key("msg#" + prefix + i + "#b", "MESSAGE"));
                        customerKeys.add(SuiteTables.key(prefix + i, CustomerKeys.CUSTOMER_SK));
                    }
                    dynamo.batchGetItem(r -> r.requestItems(Map.of(
                            SuiteTables.INBOX, software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes
                                    .builder().consistentRead(true).keys(inboxKeys).build(),
                            SuiteTables.CUSTOMERS, software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes
                                    .builder().consistentRead(true).keys(customerKeys).build())));
                    if (together) {
                        List<TransactWriteItem> commits = new ArrayList<>();
                        for (int i : batch) {
                            commits.addAll(rawCustomerCommit(prefix + i, effects));
                        }
                        dynamo.transactWriteItems(r -> r.transactItems(commits));
                    } else {
                        List<Future<?>> writes = new ArrayList<>();
                        for (int i : batch) {
                            writes.add(writers.submit(() -> dynamo.transactWriteItems(r -> r.transactItems(
                                    rawCustomerCommit(prefix + i, effects)))));
                        }
                        for (Future<?> w : writes) {
                            w.get();
                        }
                    }
                    rawMarkDone(prefix, batch, effects);
                }
                return null;
            });
        } finally {
            writers.shutdownNow();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        double rate = 2.0 * customers / seconds;
        LOG.infof("raw notification writes (%s): %d customers in %.1f s (%.0f notifications/s)",
                together ? "commits together" : "a commit each", customers, seconds, rate);
        report.add("4 notifications", "raw DynamoDB Local rate of the same writes, issued directly (" + customers
                + " customers: per 10 messages a BatchGetItem, " + (together ? "one TransactWriteItems of their 5"
                        + " customers' commits (as the service's commits ready together)" : "a TransactWriteItems per"
                        + " customer, 5 side by side") + ", each commit the customer and 2 inbox entries, and a"
                + " BatchWriteItem; 4 batches at once)",
                f(rate, 0) + " notifications/s (" + f(customers / seconds, 0) + " customers/s)", "(reference)", null,
                "DynamoDB Local: SQLite behind one lock per table; " + CORES);
    }

    /** One customer's commit: its update and its two inbox entries. */
    private List<TransactWriteItem> rawCustomerCommit(String key, String effects) {
        String now = Instant.now().toString();
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":st", s("ACTIVE"));
        values.put(":at", s(now));
        values.put(":pc", s("bench-raw"));
        values.put(":one", n(1));
        values.put(":ents", AttributeValue.fromM(Map.of("seats", AttributeValue.fromM(Map.of("type",
                s("INTEGER"), "value", n(10), "expiresAt", s(now))))));
        List<TransactWriteItem> items = new ArrayList<>();
        items.add(TransactWriteItem.builder().update(u -> u.tableName(SuiteTables.CUSTOMERS)
                .key(SuiteTables.key(key, CustomerKeys.CUSTOMER_SK))
                .updateExpression("SET subscriptionState = :st, stateEventAt = :at, stateChangedAt = :at,"
                        + " productCode = if_not_exists(productCode, :pc), entitlements = :ents,"
                        + " entitlementsRefreshedAt = :at ADD version :one")
                .conditionExpression("attribute_not_exists(pk)").expressionAttributeValues(values)).build());
        for (String m : List.of("a", "b")) {
            Map<String, AttributeValue> item = new HashMap<>(SuiteTables.key("msg#" + key + "#" + m, "MESSAGE"));
            item.put("status", s("b".equals(m) ? "APPLIED" : "DONE"));
            item.put("kind", s("SubscribeSuccess"));
            item.put("customerKey", s(key));
            item.put("result", s("state ACTIVE, entitlements changed: [seats]"));
            item.put("receivedAt", s(now));
            item.put(SuiteTables.GSI2_PK, s("customer#" + key));
            item.put(SuiteTables.GSI2_SK, s(now + "#" + m));
            if ("b".equals(m)) {
                item.put("effects", s(effects));
                item.put(SuiteTables.GSI1_PK, s("inbox#pending-effects"));
                item.put(SuiteTables.GSI1_SK, s(now));
            }
            items.add(TransactWriteItem.builder().put(Put.builder().tableName(SuiteTables.INBOX).item(item)
                    .conditionExpression("attribute_not_exists(pk)").build()).build());
        }
        return items;
    }

    /** The effects of a batch's customers marked sent: their entries written again as done, one BatchWriteItem. */
    private void rawMarkDone(String prefix, List<Integer> batch, String effects) {
        String now = Instant.now().toString();
        List<software.amazon.awssdk.services.dynamodb.model.WriteRequest> puts = new ArrayList<>();
        for (int i : batch) {
            String key = prefix + i;
            Map<String, AttributeValue> item = new HashMap<>(SuiteTables.key("msg#" + key + "#b", "MESSAGE"));
            item.put("status", s("DONE"));
            item.put("kind", s("SubscribeSuccess"));
            item.put("customerKey", s(key));
            item.put("result", s("state ACTIVE, entitlements changed: [seats]"));
            item.put("receivedAt", s(now));
            item.put("doneAt", s(now));
            item.put("effects", s(effects));
            item.put(SuiteTables.GSI2_PK, s("customer#" + key));
            item.put(SuiteTables.GSI2_SK, s(now + "#b"));
            puts.add(software.amazon.awssdk.services.dynamodb.model.WriteRequest.builder()
                    .putRequest(p -> p.item(item)).build());
        }
        dynamo.batchWriteItem(r -> r.requestItems(Map.of(SuiteTables.INBOX, puts)));
    }

    /** customerIdentifier -> stateChangedAt of the product's ACTIVE customers (gsi2: customers by product). */
    private Map<String, Instant> activeSince(String product) {
        Map<String, Instant> changed = new HashMap<>();
        Paging.query(dynamo, QueryRequest.builder().tableName(SuiteTables.CUSTOMERS)
                .indexName(SuiteTables.GSI2).keyConditionExpression("#p = :p")
                .expressionAttributeNames(Map.of("#p", SuiteTables.GSI2_PK))
                .expressionAttributeValues(Map.of(":p", s(CustomerKeys.PRODUCT_PREFIX + product))).build())
                .forEach(item -> {
                    AttributeValue state = item.get(CustomerAttributes.SUBSCRIPTION_STATE);
                    AttributeValue at = item.get(CustomerAttributes.STATE_CHANGED_AT);
                    if (state != null && "ACTIVE".equals(state.s()) && at != null) {
                        changed.put(item.get(CustomerAttributes.CUSTOMER_IDENTIFIER).s(), Instant.parse(at.s()));
                    }
                });
        return changed;
    }

    private long depth(String queueUrl) {
        Map<QueueAttributeName, String> attributes = sqs.getQueueAttributes(r -> r.queueUrl(queueUrl)
                .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
        return attributes.values().stream().mapToLong(Long::parseLong).sum();
    }

    // ------------------------------------------------------------------------------------------------ shared

    /** Subscribes {@code count} buyers (notifications held) and writes their customer items as ACTIVE. */
    private List<SubscribeResult> activeCustomers(String product, PricingModel model, int count,
            String... metered) throws Exception {
        sim.addProduct(Product.builder(product, model).metered(metered).notificationFormat(NotificationFormat.SNS)
                .build());
        sim.holdNotifications(product);
        // agreements that started before the oldest usage hour the benchmark reports (AWS answers
        // CustomerNotSubscribed for usage before the agreement)
        sim.clock().setOffset(Duration.ofHours(-(scale.meterHours() + 2)));
        List<SubscribeResult> subscribed;
        try {
            subscribed = parallel(count, i -> sim.subscribe(SubscribeRequest.of(product).activated()));
        } finally {
            sim.clock().setOffset(Duration.ZERO);
        }
        parallel(count, i -> {
            SubscribeResult c = subscribed.get(i);
            String key = CustomerKeys.forLegacy(product, c.customerIdentifier());
            dynamo.updateItem(r -> r.tableName(SuiteTables.CUSTOMERS)
                    .key(SuiteTables.key(key, CustomerKeys.CUSTOMER_SK))
                    .updateExpression("SET #im = :im, #pc = :pc, #ci = :ci, #ac = :ac, #la = :la, #st = :st,"
                            + " #sca = :now, #g1 = :g1, #g1s = :key, #g2 = :g2, #g2s = :key ADD #v :one")
                    .expressionAttributeNames(Map.ofEntries(Map.entry("#im", CustomerAttributes.IDENTITY_MODEL),
                            Map.entry("#pc", CustomerAttributes.PRODUCT_CODE),
                            Map.entry("#ci", CustomerAttributes.CUSTOMER_IDENTIFIER),
                            Map.entry("#ac", CustomerAttributes.CUSTOMER_AWS_ACCOUNT_ID),
                            Map.entry("#la", CustomerAttributes.LICENSE_ARN),
                            Map.entry("#st", CustomerAttributes.SUBSCRIPTION_STATE),
                            Map.entry("#sca", CustomerAttributes.STATE_CHANGED_AT),
                            Map.entry("#g1", SuiteTables.GSI1_PK), Map.entry("#g1s", SuiteTables.GSI1_SK),
                            Map.entry("#g2", SuiteTables.GSI2_PK), Map.entry("#g2s", SuiteTables.GSI2_SK),
                            Map.entry("#v", CustomerAttributes.VERSION)))
                    .expressionAttributeValues(Map.ofEntries(Map.entry(":im", s("LEGACY")),
                            Map.entry(":pc", s(product)), Map.entry(":ci", s(c.customerIdentifier())),
                            Map.entry(":ac", s(c.customerAWSAccountId())), Map.entry(":la", s(c.licenseArn())),
                            Map.entry(":st", s("ACTIVE")), Map.entry(":now", s(Instant.now().toString())),
                            Map.entry(":g1", s(CustomerKeys.ACCOUNT_PREFIX + c.customerAWSAccountId())),
                            Map.entry(":key", s(key)), Map.entry(":g2", s(CustomerKeys.PRODUCT_PREFIX + product)),
                            Map.entry(":one", n(1)))));
            return null;
        });
        return subscribed;
    }

    private static <T> List<T> parallel(int count, IntFunction<T> each) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int index = i;
                futures.add(pool.submit(() -> each.apply(index)));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get());
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    private static void onThreads(int threads, Callable<Void> work) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Void>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                futures.add(pool.submit(work));
            }
            for (Future<Void> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static String summary(OpenLoad.Result r) {
        return String.format(Locale.ROOT, "%d sent, %d ok, %.0f/s, p50 %.1f p99 %.1f p99.9 %.1f max %.1f ms,"
                + " generator late by up to %d us", r.sent(), r.ok(), r.achievedPerSecond(), r.p50(), r.p99(),
                r.p999(), r.maxMillis(), r.maxLateStartMicros());
    }

    private static String errors(OpenLoad.Result r) {
        return r.failed() == 0 ? "" : " (" + r.failed() + " failed)";
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
