package io.mpsaas.bench;

import io.mpsaas.sandbox.LocalSuite;
import io.mpsaas.sandbox.ServiceJvm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One service started by the benchmark itself, exactly as {@link LocalSuite} starts it ({@code java <ServiceJvm options>
 * -Dquarkus.profile=dev -D<config>... -jar <module>/target/quarkus-app/quarkus-run.jar}) plus optional JVM options, or
 * with a JVM of its own: for start-up timing and for extra metering replicas.
 */
public final class ServiceProcess implements AutoCloseable {

    private static final Pattern STARTED = Pattern.compile("started in ([0-9.]+)s");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final Process process;
    private final URI url;
    private volatile URI managementUrl;
    private final Path log;
    private final long spawnedNanos;
    private double readyAfterSeconds = Double.NaN;

    private ServiceProcess(String name, Process process, URI url, URI managementUrl, Path log, long spawnedNanos) {
        this.name = name;
        this.process = process;
        this.url = url;
        this.managementUrl = managementUrl;
        this.log = log;
        this.spawnedNanos = spawnedNanos;
    }

    /**
     * Starts the service with LocalSuite's configuration for it, the given port (and a free management port), overrides
     * and JVM options (beside those LocalSuite gives it: {@link ServiceJvm#current()}, its ahead-of-time cache when one
     * fits).
     */
    public static ServiceProcess start(LocalSuite suite, Path root, LocalSuite.Service service, String name, int port,
            Map<String, String> overrides, List<String> jvmOptions, Path logDir) {
        return start(suite, root, root, service, name, port, overrides, jvmOptions, logDir);
    }

    /**
     * The same, with the packaged application taken from another checkout ({@code appRoot}: the benchmark's baseline,
     * {@code -Dbench.baseline}); the process still runs in {@code root}.
     */
    public static ServiceProcess start(LocalSuite suite, Path root, Path appRoot, LocalSuite.Service service,
            String name, int port, Map<String, String> overrides, List<String> jvmOptions, Path logDir) {
        List<String> options = new ArrayList<>(ServiceJvm.LOCAL_OPTIONS);
        options.addAll(jvmOptions);
        return start(suite, root, service, name, port, overrides, ServiceJvm.current().withOptions(options),
                LocalSuite.quarkusApp(appRoot, service), logDir);
    }

    /** The same with a JVM of its own (another JDK, no cache, ...) and the service packaged in {@code app}. */
    public static ServiceProcess start(LocalSuite suite, Path root, LocalSuite.Service service, String name, int port,
            Map<String, String> overrides, ServiceJvm jvm, Path app, Path logDir) {
        List<String> command = new ArrayList<>();
        command.add(jvm.java().toString());
        command.addAll(jvm.jvmOptions(app));
        command.add("-Dquarkus.profile=dev");
        Map<String, String> config = new java.util.LinkedHashMap<>(suite.configFor(service));
        config.put("quarkus.http.port", Integer.toString(port));
        int managementPort;
        do {
            managementPort = Bench.freePort();
        } while (managementPort == port);
        config.put("quarkus.management.port", Integer.toString(managementPort));
        config.putAll(overrides);
        config.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add("-jar");
        command.add(app.resolve("quarkus-run.jar").toString());
        Path log = logDir.resolve(name + ".log");
        try {
            Files.createDirectories(logDir);
            Files.deleteIfExists(log);
            long spawned = System.nanoTime();
            ProcessBuilder builder = new ProcessBuilder(command);
            builder.environment().putAll(ServiceJvm.POD_ENVIRONMENT);
            Process process = builder.directory(root.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            return new ServiceProcess(name, process, URI.create("http://localhost:" + port),
                    URI.create("http://localhost:" + managementPort), log, spawned);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Waits for 200 on {@code /q/health/ready} of the management port (polled every 20 ms); answers seconds since the
     * process was spawned. A build from before the management port (a {@code bench.baseline} checkout) answers on its
     * main port instead, which then stands for its management port.
     */
    public double awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited; see " + log);
            }
            for (URI candidate : List.of(managementUrl, url)) {
                if (ready(candidate)) {
                    managementUrl = candidate;
                    readyAfterSeconds = (System.nanoTime() - spawnedNanos) / 1e9;
                    return readyAfterSeconds;
                }
            }
            Bench.pause(Duration.ofMillis(20));
        }
        throw new IllegalStateException(name + " not ready after " + timeout + "; see " + log);
    }

    private static boolean ready(URI base) {
        try {
            return HTTP.send(HttpRequest.newBuilder(base.resolve("/q/health/ready")).timeout(Duration.ofSeconds(2))
                    .build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false; // not listening yet
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Quarkus's own "started in X s" (from its main to listening), if logged. */
    public Optional<Double> quarkusStartedSeconds() {
        try {
            Matcher m = STARTED.matcher(Files.readString(log));
            return m.find() ? Optional.of(Double.parseDouble(m.group(1))) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    public double readyAfterSeconds() {
        return readyAfterSeconds;
    }

    public long pid() {
        return process.pid();
    }

    public URI url() {
        return url;
    }

    /** Its management port: /q/health and /q/metrics. */
    public URI managementUrl() {
        return managementUrl;
    }

    public String name() {
        return name;
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(15, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
