package io.mpsaas.sandbox;

import io.mpsaas.sandbox.marketplace.catalog.Dimension;
import io.mpsaas.sandbox.marketplace.catalog.Product;
import io.mpsaas.sandbox.marketplace.ui.MarketplaceUi;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The whole suite on one machine: the sandbox in this process, the three services and the operator console as child
 * processes ({@code java -jar <module>/target/quarkus-app/quarkus-run.jar}) configured to use it. {@code run-local.sh} runs it
 * from the command line; the end-to-end and crash tests use it to start, kill and restart services exactly the way a
 * person runs the suite.
 */
public final class LocalSuite implements AutoCloseable {

    static {
        // before any logger exists, as in SandboxMain
        System.setProperty("java.util.logging.manager", "org.jboss.logmanager.LogManager");
    }

    private static final Logger LOG = Logger.getLogger(LocalSuite.class);

    private static final String USAGE = """
            Usage: java -cp sandbox/target/marketplace-sandbox.jar io.mpsaas.sandbox.LocalSuite [options]
              --project-dir <dir>   repository root with the built services (default: the current directory)
              --random-ports        sandbox and services on free ports instead of the defaults
              --bind <address>      listen on this address instead of 127.0.0.1 (0.0.0.0: every interface);
                                    anyone who reaches it can use the well-known dev keys
              --log-dir <dir>       where each service logs (default <project-dir>/target/local-run)
              --set <key>=<value>   extra configuration for every service (repeatable)
              --help                this text""";

    /**
     * The three services and the operator console, in start order, with their default HTTP ports and management ports
     * (/q/health, /q/metrics: each its own here, where all four share one host; their %dev ports).
     */
    public enum Service {
        ONBOARDING("onboarding-service", 8080, 9080),
        ENTITLEMENT("entitlement-service", 8081, 9081),
        METERING("metering-service", 8082, 9082),
        /** The operator console: no table, no queue; it calls the admin APIs of entitlement and metering. */
        CONSOLE("operator-console", 8083, 9083);

        private final String module;
        private final int defaultPort;
        private final int defaultManagementPort;

        Service(String module, int defaultPort, int defaultManagementPort) {
            this.module = module;
            this.defaultPort = defaultPort;
            this.defaultManagementPort = defaultManagementPort;
        }

        public String module() {
            return module;
        }

        public int defaultPort() {
            return defaultPort;
        }

        public int defaultManagementPort() {
            return defaultManagementPort;
        }

        /** Whether it reaches DynamoDB and SQS (and so is not ready without them); the console reaches neither. */
        public boolean usesAws() {
            return this != CONSOLE;
        }
    }

    /** metering-service's job schedule in a local run (Quartz cron): every minute. */
    public static final String LOCAL_METERING_CRON = "0 * * * * ?";

    /**
     * Where a local run listens unless told otherwise ({@code --bind}): this machine only. The containers and charts
     * listen on every interface (Quarkus's default outside dev mode), behind the cluster's network policy.
     */
    public static final String LOOPBACK = "127.0.0.1";

    /** API keys the local suite configures (the services' %dev keys). */
    public static final String APP_API_KEY = "dev-app-key";
    public static final String ADMIN_API_KEY = "dev-admin-key";
    /** The key operators sign in to the console with in a local run (its %dev key). */
    public static final String OPERATOR_KEY = "dev-operator-key";

    /**
     * How to run the suite.
     *
     * @param projectDir    the repository root (where the service modules' {@code target/} folders are)
     * @param sandboxPorts  sandbox ports ({@link Sandbox.Ports#DEFAULT} or {@link Sandbox.Ports#RANDOM})
     * @param randomServicePorts services on free ports instead of 8080..8082
     * @param logDir        where each child process writes {@code <module>.log}
     * @param extraConfig   more configuration for every service ({@code key=value}, passed as system properties)
     * @param serviceConfig more configuration for one service
     * @param jvm           the services' JVM: JDK, options, ahead-of-time cache ({@link ServiceJvm#current()})
     * @param stopTimeout   how long a service may take to stop on SIGTERM before it is killed (a training run writes
     *                      its ahead-of-time cache then)
     * @param apps          where a service's packaged application is, when not in {@code <module>/target/quarkus-app}
     * @param aot           a service's own ahead-of-time choice, when not {@code jvm}'s
     * @param bind          the address the sandbox, the services and the console listen on ({@link #LOOPBACK} unless
     *                      asked: the dev keys are well known)
     */
    public record Options(Path projectDir, Sandbox.Ports sandboxPorts, boolean randomServicePorts, Path logDir,
            Map<String, String> extraConfig, Map<Service, Map<String, String>> serviceConfig, ServiceJvm jvm,
            Duration stopTimeout, Map<Service, Path> apps, Map<Service, ServiceJvm.Aot> aot, String bind) {

        public Options {
            Objects.requireNonNull(projectDir, "projectDir");
            extraConfig = extraConfig == null ? Map.of() : Map.copyOf(extraConfig);
            serviceConfig = serviceConfig == null ? Map.of() : Map.copyOf(serviceConfig);
            jvm = jvm == null ? ServiceJvm.current() : jvm;
            stopTimeout = stopTimeout == null ? Duration.ofSeconds(15) : stopTimeout;
            apps = apps == null ? Map.of() : Map.copyOf(apps);
            aot = aot == null ? Map.of() : Map.copyOf(aot);
            bind = bind == null ? LOOPBACK : bind;
        }

        /** Listening on {@link #LOOPBACK}. */
        public Options(Path projectDir, Sandbox.Ports sandboxPorts, boolean randomServicePorts, Path logDir,
                Map<String, String> extraConfig, Map<Service, Map<String, String>> serviceConfig, ServiceJvm jvm,
                Duration stopTimeout, Map<Service, Path> apps, Map<Service, ServiceJvm.Aot> aot) {
            this(projectDir, sandboxPorts, randomServicePorts, logDir, extraConfig, serviceConfig, jvm, stopTimeout,
                    apps, aot, null);
        }

        /** The services on this process's JVM, with their caches when trained for it; 15 s to stop. */
        public Options(Path projectDir, Sandbox.Ports sandboxPorts, boolean randomServicePorts, Path logDir,
                Map<String, String> extraConfig, Map<Service, Map<String, String>> serviceConfig) {
            this(projectDir, sandboxPorts, randomServicePorts, logDir, extraConfig, serviceConfig, null, null, null,
                    null);
        }

        public static Options defaults(Path projectDir) {
            return new Options(projectDir, Sandbox.Ports.DEFAULT, false, projectDir.resolve("target/local-run"),
                    Map.of(), Map.of());
        }

        public Options withJvm(ServiceJvm value, Duration stop) {
            return new Options(projectDir, sandboxPorts, randomServicePorts, logDir, extraConfig, serviceConfig, value,
                    stop, apps, aot, bind);
        }

        /** Everything listening on {@code address} instead ({@code 0.0.0.0}: every interface). */
        public Options withBind(String address) {
            return new Options(projectDir, sandboxPorts, randomServicePorts, logDir, extraConfig, serviceConfig, jvm,
                    stopTimeout, apps, aot, address);
        }

        /** Whether only this machine can reach the suite. */
        public boolean loopback() {
            return isLoopback(bind);
        }

        /** One service's packaged application taken from {@code app}, and started with its own cache choice. */
        public Options withApp(Service service, Path app, ServiceJvm.Aot choice) {
            Map<Service, Path> newApps = new java.util.EnumMap<>(Service.class);
            newApps.putAll(apps);
            newApps.put(service, app);
            Map<Service, ServiceJvm.Aot> newAot = new java.util.EnumMap<>(Service.class);
            newAot.putAll(aot);
            newAot.put(service, choice);
            return new Options(projectDir, sandboxPorts, randomServicePorts, logDir, extraConfig, serviceConfig, jvm,
                    stopTimeout, newApps, newAot, bind);
        }

        /** Where a service's packaged application is. */
        public Path app(Service service) {
            return apps.getOrDefault(service, quarkusApp(projectDir, service));
        }

        /** The JVM of one service: {@code jvm} with the service's own cache choice, if any. */
        public ServiceJvm jvm(Service service) {
            return aot.containsKey(service) ? jvm.withAot(aot.get(service)) : jvm;
        }
    }

    private final Options options;
    private final Sandbox sandbox;
    private final Map<Service, Integer> ports = new LinkedHashMap<>();
    private final Map<Service, Integer> managementPorts = new LinkedHashMap<>();
    private final Map<Service, Process> processes = new LinkedHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    /** Stops the children if the JVM exits without {@link #close()} (a test run cut short, SIGTERM). */
    private final Thread exitHook = new Thread(this::close, "local-suite-exit");
    private boolean closed;
    /** Set as soon as {@link #close()} begins: services exiting from then on are expected, not failures. */
    private volatile boolean closing;

    private LocalSuite(Options options, Sandbox sandbox) {
        this.options = options;
        this.sandbox = sandbox;
    }

    /** Starts the sandbox, then each service, and waits until every service reports ready. */
    public static LocalSuite start(Options options) {
        for (Service service : Service.values()) {
            Path jar = options.app(service).resolve("quarkus-run.jar");
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException(jar + " is missing: build first (./mvnw package -DskipTests)");
            }
        }
        // the sandbox binds first: a service port picked before it could be handed to one of the sandbox's own
        // random ports, and the service would then fail to bind; the fulfillment URL is set once onboarding's is known
        requirePortsFree(options.bind(), defaultPorts(options));
        Sandbox sandbox = Sandbox.start(options.bind(), options.sandboxPorts(),
                URI.create("http://localhost:" + Service.ONBOARDING.defaultPort() + "/"));
        Map<Service, Integer> ports = new LinkedHashMap<>();
        Map<Service, Integer> managementPorts = new LinkedHashMap<>();
        for (Service service : Service.values()) {
            ports.put(service, options.randomServicePorts() ? distinctFreePort(ports, managementPorts)
                    : service.defaultPort());
            managementPorts.put(service, options.randomServicePorts() ? distinctFreePort(ports, managementPorts)
                    : service.defaultManagementPort());
        }
        sandbox.simulator().fulfillmentUrl(URI.create("http://" + connectHost(options.bind()) + ":"
                + ports.get(Service.ONBOARDING) + "/"));
        LocalSuite suite = new LocalSuite(options, sandbox);
        suite.ports.putAll(ports);
        suite.managementPorts.putAll(managementPorts);
        Runtime.getRuntime().addShutdownHook(suite.exitHook);
        // the simulator's usage generator posts to this suite's metering-service with its app key
        sandbox.simulator().meteringUrl(suite.url(Service.METERING));
        sandbox.simulator().meteringApiKey(APP_API_KEY);
        try {
            Files.createDirectories(options.logDir());
            for (Service service : Service.values()) {
                suite.startService(service);
            }
            for (Service service : Service.values()) {
                suite.awaitReady(service, Duration.ofSeconds(60));
            }
            return suite;
        } catch (IOException e) {
            suite.close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            suite.close();
            throw e;
        }
    }

    /** The fixed ports this run will listen on, by what listens there (none with random ports). */
    static Map<String, Integer> defaultPorts(Options options) {
        Map<String, Integer> fixed = new LinkedHashMap<>();
        Sandbox.Ports sandboxPorts = options.sandboxPorts();
        fixed.put("DynamoDB Local", sandboxPorts.dynamo());
        fixed.put("ElasticMQ", sandboxPorts.sqs());
        fixed.put("the AWS Marketplace simulator", sandboxPorts.marketplace());
        if (!options.randomServicePorts()) {
            for (Service service : Service.values()) {
                fixed.put(service.module(), service.defaultPort());
                fixed.put(service.module() + " (health and metrics)", service.defaultManagementPort());
            }
        }
        fixed.values().removeIf(port -> port == 0);
        return fixed;
    }

    /**
     * Fails before anything starts when a fixed port is taken, saying the likely reason (a suite already running) and
     * the way out, rather than a bind error from the middle of DynamoDB Local or a service's log.
     */
    static void requirePortsFree(String bind, Map<String, Integer> ports) {
        List<String> busy = new ArrayList<>();
        ports.forEach((what, port) -> {
            try (java.net.ServerSocket socket = new java.net.ServerSocket()) {
                socket.bind(new java.net.InetSocketAddress(bind, port));
            } catch (IOException e) {
                busy.add(port + " (" + what + ")");
            }
        });
        if (!busy.isEmpty()) {
            throw new IllegalStateException((busy.size() == 1 ? "port " : "ports ") + String.join(", ", busy) + " on "
                    + bind + (busy.size() == 1 ? " is" : " are") + " already in use. A suite may already be running (Ctrl-C in its terminal"
                    + " stops it); to run a second one beside it, use --random-ports.");
        }
    }

    /** Whether {@code address} is this machine only ({@code 127.0.0.1}, {@code ::1}, {@code localhost}). */
    static boolean isLoopback(String address) {
        try {
            return java.net.InetAddress.getByName(address).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    /** The host in the URLs of the services: {@code localhost} when they listen on loopback or every interface. */
    static String connectHost(String bind) {
        try {
            java.net.InetAddress address = java.net.InetAddress.getByName(bind);
            if (address.isLoopbackAddress() || address.isAnyLocalAddress()) {
                return "localhost";
            }
        } catch (java.net.UnknownHostException e) {
            // a name that does not resolve here: use it as given, the services will say why they cannot bind
        }
        return bind.contains(":") && !bind.startsWith("[") ? "[" + bind + "]" : bind;
    }

    private static int distinctFreePort(Map<Service, Integer> ports, Map<Service, Integer> managementPorts) {
        int port;
        do {
            port = LocalAws.freePort();
        } while (ports.containsValue(port) || managementPorts.containsValue(port));
        return port;
    }

    /** A service's packaged application: {@code <module>/target/quarkus-app}. */
    public static Path quarkusApp(Path projectDir, Service service) {
        return projectDir.resolve(service.module()).resolve("target/quarkus-app");
    }

    public Sandbox sandbox() {
        return sandbox;
    }

    /** {@code http://localhost:<port>} of a service (its bind address when that is neither loopback nor any). */
    public URI url(Service service) {
        return URI.create("http://" + connectHost(options.bind()) + ":" + ports.get(service));
    }

    /** {@code http://localhost:<management port>} of a service: its /q/health and /q/metrics. */
    public URI managementUrl(Service service) {
        return URI.create("http://" + connectHost(options.bind()) + ":" + managementPorts.get(service));
    }

    /** Where a service's output goes ({@code <logDir>/<module>.log}). */
    public Path logFile(Service service) {
        return options.logDir().resolve(service.module() + ".log");
    }

    /** The running (or last) process of a service, if it was started. */
    public synchronized Optional<ProcessHandle> process(Service service) {
        return Optional.ofNullable(processes.get(service)).map(Process::toHandle);
    }

    /**
     * The configuration every service gets: the sandbox's endpoints and credentials, the dev keys (the console: the
     * services' URLs, the admin key and the operator key), for metering-service
     * a one-minute job and its view of the simulator's catalog, for entitlement-service the catalog's metered
     * dimensions, then the extras (which win).
     */
    public Map<String, String> configFor(Service service) {
        // the console reaches no AWS service: none of the sandbox's endpoints, only the services' URLs and keys
        Map<String, String> config = new LinkedHashMap<>(service == Service.CONSOLE ? Map.of()
                : sandbox.serviceConfig());
        config.put("quarkus.http.port", Integer.toString(ports.get(service)));
        config.put("quarkus.management.port", Integer.toString(managementPorts.get(service)));
        // a packaged application listens on every interface by default (right in a pod); locally, on the bind address
        config.put("quarkus.http.host", options.bind());
        config.put("quarkus.management.host", options.bind());
        if (service == Service.CONSOLE) {
            config.put("suite.console.entitlement-url", url(Service.ENTITLEMENT).toString());
            config.put("suite.console.metering-url", url(Service.METERING).toString());
            config.put("suite.console.admin-key", ADMIN_API_KEY);
            config.put("suite.console.operator-keys", OPERATOR_KEY);
        } else {
            config.put("suite.api.keys", APP_API_KEY);
            config.put("suite.api.admin-keys", ADMIN_API_KEY);
        }
        if (service == Service.METERING) {
            // every minute rather than hourly: the previous hour's usage reaches the ledger while one watches (the
            // job still meters closed hours only; the current hour waits for its turn or a final flush)
            config.put("suite.metering.job.cron", LOCAL_METERING_CRON);
            config.putAll(meteringCatalog(sandbox.simulator().products()));
        }
        if (service == Service.ENTITLEMENT || service == Service.ONBOARDING) {
            // both write the customer events' webhook deliveries; entitlement-service sends them to the simulator
            config.putAll(sandbox.webhookConfig());
        }
        if (service == Service.ENTITLEMENT) {
            config.putAll(entitlementCatalog(sandbox.simulator().products()));
        }
        if (service == Service.ONBOARDING) {
            // the buyer pages name the product the buyer subscribed to, and send the buyer back to the simulator's
            // "Your Marketplace Software" rather than to the real AWS Marketplace
            config.putAll(onboardingCatalog(sandbox.simulator().products()));
            config.put("suite.onboarding.marketplace-url", sandbox.simulator().endpoint() + MarketplaceUi.ROOT
                    + "/buyers");
        }
        config.putAll(options.extraConfig());
        config.putAll(options.serviceConfig().getOrDefault(service, Map.of()));
        return config;
    }

    /**
     * metering-service's product settings for a catalog: each product's pricing model (a pure contract is never
     * metered, a contract with consumption only beyond its entitlements) and its metered dimensions. Without them
     * metering-service would treat every product as a subscription. A consumption product's metered dimensions are
     * compared with the entitlement of the same name unless {@code entitlement-dimensions} is set as an extra.
     */
    public static Map<String, String> meteringCatalog(List<Product> products) {
        Map<String, String> config = new LinkedHashMap<>();
        for (Product product : products) {
            String prefix = "suite.metering.products.\"" + product.code() + "\".";
            config.put(prefix + "pricing-model", product.pricingModel().name());
            List<String> metered = meteredDimensions(product);
            if (!metered.isEmpty()) {
                config.put(prefix + "dimensions", String.join(",", metered));
            }
        }
        return config;
    }

    /**
     * entitlement-service's product settings for a catalog: each product's metered dimensions, which a contract with
     * consumption may use beside its entitlements (the access check answers {@code METERED}).
     */
    public static Map<String, String> entitlementCatalog(List<Product> products) {
        Map<String, String> config = new LinkedHashMap<>();
        for (Product product : products) {
            List<String> metered = meteredDimensions(product);
            if (!metered.isEmpty()) {
                config.put("suite.entitlement.products.\"" + product.code() + "\".metered-dimensions",
                        String.join(",", metered));
            }
        }
        return config;
    }

    /** onboarding-service's product settings for a catalog: each product's name, as its listing shows it. */
    public static Map<String, String> onboardingCatalog(List<Product> products) {
        Map<String, String> config = new LinkedHashMap<>();
        for (Product product : products) {
            config.put("suite.onboarding.products.\"" + product.code() + "\".name", product.name());
        }
        return config;
    }

    private static List<String> meteredDimensions(Product product) {
        return product.dimensions().stream().filter(Dimension::metered).map(Dimension::name).toList();
    }

    /** Starts (or starts again) one service as a child process; returns at once. */
    public synchronized void startService(Service service) throws IOException {
        Process running = processes.get(service);
        if (running != null && running.isAlive()) {
            throw new IllegalStateException(service.module() + " is already running");
        }
        List<String> command = new ArrayList<>();
        ServiceJvm jvm = options.jvm(service);
        Path app = options.app(service);
        command.add(jvm.java().toString());
        command.addAll(jvm.jvmOptions(app));
        // %dev carries the local defaults (dev signing secret, dev keys); every endpoint is overridden below
        command.add("-Dquarkus.profile=dev");
        configFor(service).forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add("-jar");
        command.add(app.resolve("quarkus-run.jar").toString());
        Path log = logFile(service);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(ServiceJvm.POD_ENVIRONMENT);
        Process process = builder
                .directory(options.projectDir().toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        processes.put(service, process);
        String cache = switch (jvm.aot()) {
            case TRAIN -> "training its ahead-of-time cache";
            case OFF -> "no ahead-of-time cache";
            case USE -> jvm.cacheUsable(app).map(why -> "no ahead-of-time cache: " + why)
                    .orElse("ahead-of-time cache " + app.resolve(ServiceJvm.CACHE_FILE));
        };
        LOG.infof("Started %s (pid %d, port %d, log %s; JDK %s, %s)", service.module(), process.pid(),
                ports.get(service), log, jvm.version(), cache);
    }

    /** Waits until the service answers 200 on {@code /q/health/ready} (its management port). */
    public void awaitReady(Service service, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        URI ready = managementUrl(service).resolve("/q/health/ready");
        while (Instant.now().isBefore(deadline)) {
            Process process = processes.get(service);
            if (process == null || !process.isAlive()) {
                throw new IllegalStateException(service.module() + " exited; see "
                        + options.logDir().resolve(service.module() + ".log"));
            }
            try {
                HttpResponse<Void> answer = http.send(HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(2))
                        .build(), HttpResponse.BodyHandlers.discarding());
                if (answer.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + service.module(), e);
            }
            pause(100);
        }
        throw new IllegalStateException(service.module() + " not ready after " + timeout + "; see "
                + options.logDir().resolve(service.module() + ".log"));
    }

    /** Kills a service at once, like a crash or an OOM kill ({@code SIGKILL}); nothing of it runs afterwards. */
    public synchronized void kill(Service service) {
        Process process = processes.get(service);
        if (process != null) {
            process.destroyForcibly();
            waitFor(process, Duration.ofSeconds(10));
        }
    }

    /** Stops a service gracefully ({@code SIGTERM}), waiting up to {@code timeout} before killing it. */
    public synchronized void stop(Service service, Duration timeout) {
        Process process = processes.get(service);
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!waitFor(process, timeout)) {
                process.destroyForcibly();
                waitFor(process, Duration.ofSeconds(10));
            }
        }
    }

    public synchronized boolean alive(Service service) {
        Process process = processes.get(service);
        return process != null && process.isAlive();
    }

    /** Stops every service (gracefully, then forcibly) and the sandbox. Leaves no process behind; idempotent. */
    @Override
    public synchronized void close() {
        closing = true;
        if (closed) {
            return;
        }
        closed = true;
        if (Thread.currentThread() != exitHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(exitHook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down: the hook runs (or ran) this method and finds it done
            }
        }
        List<Service> reverse = new ArrayList<>(processes.keySet());
        java.util.Collections.reverse(reverse);
        for (Service service : reverse) {
            Process process = processes.get(service);
            if (process.isAlive()) {
                process.destroy();
            }
        }
        for (Service service : reverse) {
            Process process = processes.get(service);
            if (!waitFor(process, options.stopTimeout())) {
                process.destroyForcibly();
                waitFor(process, Duration.ofSeconds(10));
            }
        }
        sandbox.close();
    }

    /** Runs the suite until Ctrl-C; see {@code run-local.sh}. */
    public static void main(String[] args) throws InterruptedException {
        Path projectDir = Path.of("").toAbsolutePath();
        boolean random = false;
        String bind = LOOPBACK;
        Path logDir = null;
        Map<String, String> extra = new LinkedHashMap<>();
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--project-dir" -> projectDir = Path.of(args[++i]).toAbsolutePath();
                    case "--random-ports" -> random = true;
                    case "--bind" -> bind = args[++i];
                    case "--log-dir" -> logDir = Path.of(args[++i]).toAbsolutePath();
                    case "--set" -> {
                        String pair = args[++i];
                        int eq = pair.indexOf('=');
                        if (eq < 1) {
                            throw new IllegalArgumentException("--set needs key=value, not " + pair);
                        }
                        extra.put(pair.substring(0, eq), pair.substring(eq + 1));
                    }
                    case "--help", "-h" -> {
                        // plain text on stdout, as a command's usage is: not a log line
                        System.out.println(USAGE);
                        return;
                    }
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
        } catch (RuntimeException e) {
            LOG.errorf("%s%n%s", e.getMessage(), USAGE);
            System.exit(2);
        }
        Options options = new Options(projectDir, random ? Sandbox.Ports.RANDOM : Sandbox.Ports.DEFAULT, random,
                logDir != null ? logDir : projectDir.resolve("target/local-run"), extra, Map.of()).withBind(bind);
        if (!options.loopback()) {
            LOG.warn(bindWarning(bind));
        }
        long started = System.nanoTime();
        LocalSuite suite;
        try {
            suite = start(options);
        } catch (RuntimeException e) {
            LOG.errorf("The suite did not start: %s", e.getMessage());
            System.exit(1);
            return;
        }
        java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            // Ctrl-C reaches the services too (same process group); close() stops whatever is still running
            suite.closing = true;
            LOG.info("Stopping the suite...");
            suite.close();
            LOG.info("Stopped.");
            stopped.countDown();
        }, "local-suite-shutdown"));
        URI simulator = suite.sandbox().simulator().endpoint();
        LOG.infof("""

                The suite is running (started in %d s; logs in %s):
                  onboarding-service   %s/   (the fulfillment URL; registration links of API purchases: admin key)
                  entitlement-service  %s/   (API key: %s, admin key: %s)
                  metering-service     %s/   (API key: %s)
                  operator console     %s/console   (sign in with any name and the key %s)
                  AWS Marketplace simulator, web UI:  %s/marketplace
                  DynamoDB Local %s, SQS (ElasticMQ) %s, credentials test/test, region us-east-1
                Open the simulator, pick a product and Subscribe. Ctrl-C stops everything.""",
                (System.nanoTime() - started) / 1_000_000_000, options.logDir(),
                suite.url(Service.ONBOARDING), suite.url(Service.ENTITLEMENT), APP_API_KEY, ADMIN_API_KEY,
                suite.url(Service.METERING), APP_API_KEY, suite.url(Service.CONSOLE), OPERATOR_KEY, simulator, suite.sandbox().aws().dynamoEndpoint(),
                suite.sandbox().aws().sqsEndpoint());
        // report a service that dies on its own (Ctrl-C is handled by the shutdown hook)
        while (!stopped.await(1, java.util.concurrent.TimeUnit.SECONDS)) {
            for (Service service : Service.values()) {
                Process process = suite.processes.get(service);
                if (process != null && !process.isAlive() && !suite.closing && suite.reported.add(service)) {
                    LOG.errorf("%s exited with %d; see %s", service.module(), process.exitValue(),
                            options.logDir().resolve(service.module() + ".log"));
                }
            }
        }
    }

    /** What a person is told when the suite listens beyond this machine. */
    static String bindWarning(String bind) {
        return "Listening on " + bind + ", not only on this machine: anyone who can reach it can use the well-known"
                + " dev keys (" + ADMIN_API_KEY + " reads buyers' registrations, " + OPERATOR_KEY + " signs in to the"
                + " console) and the sandbox without credentials. Use --bind only on a network you trust.";
    }

    private final java.util.Set<Service> reported = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private static boolean waitFor(Process process, Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
