package io.mpsaas.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When a service's ahead-of-time cache is used, and the JVM options a service gets for it. */
class ServiceJvmTest {

    private final ServiceJvm current = ServiceJvm.current();

    @Test
    void options_useTheCacheOnlyWhenTrainedForThisJvmAfterThePackaging(@TempDir Path app) throws Exception {
        // GIVEN a packaged service without a cache
        Path jar = Files.writeString(app.resolve("quarkus-run.jar"), "jar");
        ServiceJvm jvm = new ServiceJvm(current.javaHome(), ServiceJvm.Aot.USE, List.of("-Xmx64m"));
        assertThat(jvm.jvmOptions(app)).noneMatch(o -> o.startsWith("-XX:AOTCache"));
        if (!jvm.aotCapable()) {
            assertThat(jvm.cacheUsable(app)).get().asString().contains("no ahead-of-time cache");
            assertThat(jvm.jvmOptions(app)).containsExactly("-XX:+UseSerialGC", "-Xmx64m");
            return;
        }
        assertThat(jvm.cacheUsable(app)).get().asString().contains("no cache trained");

        // WHEN a cache is trained for this JVM after the packaging
        Files.writeString(app.resolve(ServiceJvm.CACHE_FILE), "cache");
        store(app, jvm.trainedFor());

        // THEN it is used, after the fixed options and the extra ones
        assertThat(jvm.cacheUsable(app)).isEmpty();
        assertThat(jvm.jvmOptions(app)).startsWith(ServiceJvm.FIXED_OPTIONS.toArray(String[]::new))
                .contains("-Xmx64m").endsWith("-XX:AOTCache=" + app.resolve(ServiceJvm.CACHE_FILE));
        assertThat(jvm.withAot(ServiceJvm.Aot.OFF).jvmOptions(app)).noneMatch(o -> o.startsWith("-XX:AOTCache"));

        // AND not once the service is packaged again
        Files.setLastModifiedTime(jar, FileTime.from(Instant.now().plusSeconds(60)));
        assertThat(jvm.cacheUsable(app)).get().asString().contains("packaged after");
        Files.setLastModifiedTime(jar, FileTime.from(Instant.now().minusSeconds(60)));
        assertThat(jvm.cacheUsable(app)).isEmpty();

        // AND not for another JDK
        Properties other = jvm.trainedFor();
        other.setProperty("java.version", "25.0.0-other");
        store(app, other);
        assertThat(jvm.cacheUsable(app)).get().asString().contains("trained for");
    }

    @Test
    void training_writesTheCacheBesideTheJar_andNeedsJdk25(@TempDir Path app) {
        ServiceJvm training = current.withAot(ServiceJvm.Aot.TRAIN);
        if (training.aotCapable()) {
            assertThat(training.jvmOptions(app)).contains("-XX:AOTCacheOutput=" + app.resolve(ServiceJvm.CACHE_FILE));
        } else {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> training.jvmOptions(app))
                    .hasMessageContaining("JDK " + ServiceJvm.AOT_MIN_FEATURE);
        }
    }

    @Test
    void feature_isReadFromTheJdksReleaseFile() {
        assertThat(current.feature()).isEqualTo(Runtime.version().feature());
        assertThat(current.version()).startsWith(Integer.toString(Runtime.version().feature()));
    }

    private static void store(Path app, Properties props) throws Exception {
        try (Writer out = Files.newBufferedWriter(app.resolve(ServiceJvm.CACHE_INFO_FILE))) {
            props.store(out, null);
        }
    }
}
