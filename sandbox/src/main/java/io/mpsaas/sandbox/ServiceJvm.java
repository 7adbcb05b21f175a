package io.mpsaas.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;

/**
 * How a service's JVM is started on this machine ({@code run-local.sh}, the end-to-end, reliability and benchmark runs):
 * which JDK, with which options, and with the service's ahead-of-time cache ({@code app.aot} beside
 * {@code quarkus-run.jar}; JDK 25+, JEP 483/514/515) when one was trained for exactly this JDK and these options
 * ({@link AotTraining}). The container images start the services the same way (deploy/docker/Dockerfile.jvm), with
 * the same {@link #FIXED_OPTIONS}.
 *
 * @param javaHome the JDK or JRE that runs the service
 * @param aot      whether to use the service's cache, train one, or neither
 * @param options  more JVM options, placed before the cache options
 */
public record ServiceJvm(Path javaHome, Aot aot, List<String> options) {

    /** What to do with the service's ahead-of-time cache. */
    public enum Aot {
        /** Use {@code app.aot} when {@link #cacheUsable} says it was made for this JVM; else start without. */
        USE,
        /** Start without a cache. */
        OFF,
        /** Record this run and write {@code app.aot} when the process exits ({@code -XX:AOTCacheOutput}). */
        TRAIN
    }

    /** The first JDK feature release whose JVM reads and writes ahead-of-time caches in one step (JEP 514). */
    public static final int AOT_MIN_FEATURE = 25;

    /** The cache's file name, beside {@code quarkus-run.jar}. */
    public static final String CACHE_FILE = "app.aot";

    /** Written beside the cache by a training run: the JVM and options it was made with. */
    public static final String CACHE_INFO_FILE = "app.aot.properties";

    /**
     * Options every service JVM gets, here and in the container image (deploy/docker/Dockerfile.jvm), in training and
     * in use alike: a cache maps only into a JVM started the same way. The serial collector is what the JVM picks by
     * itself in a pod of less than 2 GB or 2 CPUs, made explicit so that a cache trained on a bigger build machine
     * fits the pod. Compact object headers (JEP 519) were measured and left off: with these small idle heaps they
     * made the cache larger and the idle RSS higher (BENCHMARKS.md, "Footprint").
     */
    public static final List<String> FIXED_OPTIONS = List.of("-XX:+UseSerialGC");

    /**
     * The memory options of a pod (the image's {@code JDK_JAVA_OPTIONS}, sized for the charts' 768Mi limit; README,
     * "Deploy on Kubernetes (EKS)"; deploy's DockerfilesTest compares the two).
     */
    public static final List<String> POD_OPTIONS = List.of("-XX:MaxRAMPercentage=50", "-XX:MaxMetaspaceSize=160m",
            "-XX:ReservedCodeCacheSize=64m", "-XX:MaxDirectMemorySize=32m", "-Xss512k", "-XX:+ExitOnOutOfMemoryError",
            "-Djava.util.logging.manager=org.jboss.logmanager.LogManager");

    /** The pod's environment beside its JVM options (the image's {@code ENV}). */
    public static final Map<String, String> POD_ENVIRONMENT = Map.of("MALLOC_ARENA_MAX", "2");

    /**
     * Options of local runs: the pod's, in a JVM that sizes itself as in the charts' 768Mi container ({@code MaxRAM}
     * stands for the cgroup limit), so that local figures are those of a pod.
     */
    public static final List<String> LOCAL_OPTIONS = concat(List.of("-XX:MaxRAM=768m"), POD_OPTIONS);

    public ServiceJvm {
        Objects.requireNonNull(javaHome, "javaHome");
        Objects.requireNonNull(aot, "aot");
        options = List.copyOf(options);
    }

    /** The JVM running this process, sized like a pod, using the services' caches when they fit it. */
    public static ServiceJvm current() {
        return new ServiceJvm(Path.of(System.getProperty("java.home")), Aot.USE, LOCAL_OPTIONS);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return List.copyOf(all);
    }

    public ServiceJvm withOptions(List<String> value) {
        return new ServiceJvm(javaHome, aot, value);
    }

    public ServiceJvm withAot(Aot value) {
        return new ServiceJvm(javaHome, value, options);
    }

    public ServiceJvm withJavaHome(Path value) {
        return new ServiceJvm(value, aot, options);
    }

    public Path java() {
        return javaHome.resolve("bin").resolve("java");
    }

    /** The JDK's feature release ({@code 17}, {@code 25}), read from its {@code release} file. */
    public int feature() {
        return feature(javaHome);
    }

    /** The JDK's full version ({@code 25.0.3}), read from its {@code release} file. */
    public String version() {
        return release(javaHome).getProperty("JAVA_VERSION", "unknown").replace("\"", "");
    }

    public static int feature(Path javaHome) {
        String version = release(javaHome).getProperty("JAVA_VERSION", "").replace("\"", "");
        int dot = version.indexOf('.');
        try {
            return Integer.parseInt(dot < 0 ? version : version.substring(0, dot));
        } catch (NumberFormatException e) {
            throw new IllegalStateException(javaHome + "/release gives no JAVA_VERSION (" + version + ")", e);
        }
    }

    private static Properties release(Path javaHome) {
        Properties release = new Properties();
        try (var in = Files.newBufferedReader(javaHome.resolve("release"))) {
            release.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(javaHome + " has no release file: is it a JDK?", e);
        }
        return release;
    }

    /** Whether this JVM can write and read ahead-of-time caches. */
    public boolean aotCapable() {
        return feature() >= AOT_MIN_FEATURE;
    }

    /** Every JVM option for a service packaged in {@code quarkusApp} (its {@code target/quarkus-app}). */
    public List<String> jvmOptions(Path quarkusApp) {
        List<String> all = new ArrayList<>(FIXED_OPTIONS);
        all.addAll(options);
        Path cache = quarkusApp.resolve(CACHE_FILE);
        if (aot == Aot.TRAIN) {
            if (!aotCapable()) {
                throw new IllegalStateException("an ahead-of-time cache needs JDK " + AOT_MIN_FEATURE + "+, not "
                        + version() + " (" + javaHome + ")");
            }
            all.add("-XX:AOTCacheOutput=" + cache);
        } else if (aot == Aot.USE && cacheUsable(quarkusApp).isEmpty()) {
            all.add("-XX:AOTCache=" + cache);
        }
        return all;
    }

    /**
     * Why the service's cache cannot serve this JVM ({@code Optional.empty()} when it can): none trained, the service
     * packaged again since, or trained on another JDK or with other options. The JVM would refuse a mismatched cache
     * itself (with a warning), but a stale one of the same JDK it would map, then load the new classes outside it.
     */
    public Optional<String> cacheUsable(Path quarkusApp) {
        if (!aotCapable()) {
            return Optional.of("JDK " + version() + " has no ahead-of-time cache (JDK " + AOT_MIN_FEATURE + "+)");
        }
        Path cache = quarkusApp.resolve(CACHE_FILE);
        Path info = quarkusApp.resolve(CACHE_INFO_FILE);
        Path jar = quarkusApp.resolve("quarkus-run.jar");
        try {
            if (!Files.isRegularFile(cache) || !Files.isRegularFile(info)) {
                return Optional.of("no cache trained (" + cache + ")");
            }
            if (Files.getLastModifiedTime(jar).compareTo(Files.getLastModifiedTime(cache)) > 0) {
                return Optional.of("the service was packaged after its cache was trained");
            }
            Properties trained = new Properties();
            try (var in = Files.newBufferedReader(info)) {
                trained.load(in);
            }
            if (!trainedFor().equals(trained)) {
                return Optional.of("trained for " + trained + ", not " + trainedFor());
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("unreadable: " + e.getMessage());
        }
    }

    /**
     * What a cache trained with this JVM records about it ({@link #CACHE_INFO_FILE}): the JDK and the fixed options.
     * Extra {@link #options()} are not part of it: they are diagnostics or experiments whose fit the JVM itself checks
     * (it refuses a cache made with another object layout, with a warning).
     */
    public Properties trainedFor() {
        Properties props = new Properties();
        props.setProperty("java.home", javaHome.toAbsolutePath().normalize().toString());
        props.setProperty("java.version", version());
        props.setProperty("jvm.options", String.join(" ", FIXED_OPTIONS));
        return props;
    }
}
