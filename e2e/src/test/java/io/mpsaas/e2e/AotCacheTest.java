package io.mpsaas.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.mpsaas.sandbox.LocalSuite;
import io.mpsaas.sandbox.LocalSuite.Service;
import io.mpsaas.sandbox.Sandbox;
import io.mpsaas.sandbox.ServiceJvm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On JDK 25 or later, the step {@code run-local.sh} takes before starting the suite trains each packaged service's
 * ahead-of-time cache on a run of the suite, and every service then starts with its cache mapped: with
 * {@code -XX:AOTMode=on} a JVM that cannot use the cache refuses to start, so "ready" proves the cache fits. (This is
 * also what leaves the build's services packaged with their caches.) Skipped on an older JDK, which has none.
 */
class AotCacheTest {

    private static final Path ROOT = Path.of(System.getProperty("mpsaas.root", "..")).toAbsolutePath().normalize();

    @Test
    void trainingStep_writesACacheEachServiceStartsWith(@TempDir Path logs) throws Exception {
        ServiceJvm jvm = ServiceJvm.current();
        assumeThat(jvm.aotCapable()).as("JDK %s has no ahead-of-time cache", jvm.version()).isTrue();

        // GIVEN the services packaged by this build, without a cache fit for this JVM
        for (Service service : Service.values()) {
            Files.deleteIfExists(LocalSuite.quarkusApp(ROOT, service).resolve(ServiceJvm.CACHE_INFO_FILE));
        }

        // WHEN run-local.sh's training step runs
        Path output = logs.resolve("training.out");
        Process training = new ProcessBuilder(jvm.java().toString(), "-cp",
                ROOT.resolve("sandbox/target/marketplace-sandbox.jar").toString(), "io.mpsaas.sandbox.AotTraining",
                "--if-stale").directory(ROOT.toFile()).redirectErrorStream(true).redirectOutput(output.toFile())
                .start();
        assertThat(training.waitFor(10, TimeUnit.MINUTES)).as("training finished; see %s", output).isTrue();
        assertThat(training.exitValue()).as("training exit code; output:%n%s", read(output)).isZero();

        // THEN each service has a cache made for exactly this JVM
        for (Service service : Service.values()) {
            Path app = LocalSuite.quarkusApp(ROOT, service);
            assertThat(app.resolve(ServiceJvm.CACHE_FILE)).isRegularFile();
            assertThat(Files.size(app.resolve(ServiceJvm.CACHE_FILE))).isGreaterThan(1024 * 1024);
            assertThat(jvm.cacheUsable(app)).as(service.module()).isEmpty();
        }
        // AND a second run of the step sees that and trains nothing
        Process again = new ProcessBuilder(jvm.java().toString(), "-cp",
                ROOT.resolve("sandbox/target/marketplace-sandbox.jar").toString(), "io.mpsaas.sandbox.AotTraining",
                "--if-stale").directory(ROOT.toFile()).redirectErrorStream(true)
                .redirectOutput(logs.resolve("again.out").toFile()).start();
        assertThat(again.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(read(logs.resolve("again.out"))).contains("caches fit JDK").doesNotContain("Training round");

        // AND the suite starts with every cache mapped (AOTMode=on: a JVM that cannot map its cache exits at once)
        LocalSuite.Options options = new LocalSuite.Options(ROOT, Sandbox.Ports.RANDOM, true, logs.resolve("run"),
                Map.of(), Map.of()).withJvm(new ServiceJvm(jvm.javaHome(), ServiceJvm.Aot.USE,
                        List.of("-XX:AOTMode=on", "-Xlog:aot=info")), Duration.ofSeconds(15));
        try (LocalSuite suite = LocalSuite.start(options)) {
            for (Service service : Service.values()) {
                assertThat(suite.alive(service)).isTrue();
            }
        }
        List<String> logged = new ArrayList<>();
        for (Service service : Service.values()) {
            String log = read(logs.resolve("run").resolve(service.module() + ".log"));
            logged.add(log);
            assertThat(log).as(service.module()).contains("Opened AOT cache").doesNotContain("Unable to use AOT cache");
        }
        assertThat(logged).hasSize(Service.values().length);
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
