package io.mpsaas.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.mpsaas.deploy.support.Repo;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The two parameterised Dockerfiles (one JVM, one native, --build-arg SERVICE=...): a pinned minimal base, a
 * non-root numeric user, no package installs or downloads, and COPY sources that the Maven build really produces
 * (checked against the services' target/quarkus-app after this reactor's package phase).
 */
class DockerfilesTest {

    /** Allowed bases per Dockerfile: the Red Hat OpenJDK 17 runtime and the Quarkus micro image, pinned. */
    private static final Map<String, String> BASES = Map.of(
            "Dockerfile.jvm", "registry.access.redhat.com/ubi9/openjdk-17-runtime:",
            "Dockerfile.native", "quay.io/quarkus/quarkus-micro-image:");

    private static final Pattern ARG_DEFAULT = Pattern.compile("(?m)^ARG BASE_IMAGE=(\\S+)$");
    private static final Pattern INSTRUCTION = Pattern.compile("(?m)^([A-Z]+)\\s+(.*)$");

    static Stream<String> dockerfiles() {
        return BASES.keySet().stream().sorted();
    }

    static Stream<String> services() {
        return Repo.SERVICES.stream();
    }

    @ParameterizedTest
    @MethodSource("dockerfiles")
    void dockerfile_buildsOnAPinnedMinimalBase(String name) throws IOException {
        // GIVEN
        String dockerfile = read(name);

        // WHEN
        Matcher base = ARG_DEFAULT.matcher(dockerfile);

        // THEN
        assertThat(base.find()).as("%s: ARG BASE_IMAGE=<image:tag>", name).isTrue();
        assertThat(base.group(1)).startsWith(BASES.get(name)).doesNotEndWith(":latest").doesNotEndWith(":");
        assertThat(instructions(dockerfile, "FROM")).containsExactly("${BASE_IMAGE}");
    }

    @ParameterizedTest
    @MethodSource("dockerfiles")
    void dockerfile_runsAsANonRootNumericUser_withoutInstallingAnything(String name) throws IOException {
        String dockerfile = read(name);

        List<String> users = instructions(dockerfile, "USER");
        assertThat(users).as("%s USER", name).isNotEmpty();
        assertThat(users.get(users.size() - 1)).as("%s: the last USER", name).matches("[1-9][0-9]*");
        assertThat(instructions(dockerfile, "RUN")).as("%s: nothing installed or changed at build time", name).isEmpty();
        assertThat(instructions(dockerfile, "ADD")).as("%s: no ADD (no downloads)", name).isEmpty();
        assertThat(instructions(dockerfile, "ENTRYPOINT")).as("%s exec-form ENTRYPOINT", name)
                .singleElement().satisfies(e -> assertThat(e).startsWith("[\""));
        // files stay root-owned: the read-only root filesystem is not needed to protect them
        assertThat(instructions(dockerfile, "COPY")).noneMatch(c -> c.contains("--chown"));
    }

    @ParameterizedTest
    @MethodSource("services")
    void jvmDockerfile_copiesWhatTheMavenBuildProduces(String service) throws IOException {
        // GIVEN the service packaged by this reactor (fast-jar in target/quarkus-app), and what the Dockerfile's
        // own .dockerignore lets into the build context (it ignores everything, then re-includes !patterns)
        Path root = Repo.root();
        List<PathMatcher> context = read("Dockerfile.jvm.dockerignore").lines().filter(l -> l.startsWith("!"))
                .map(l -> FileSystems.getDefault().getPathMatcher("glob:" + l.substring(1))).toList();
        assertThat(read("Dockerfile.jvm.dockerignore").lines()).contains("**");

        for (String copy : instructions(read("Dockerfile.jvm"), "COPY")) {
            // WHEN the source of each COPY is resolved for the service
            String source = copy.split("\\s+")[0].replace("${SERVICE}", service);
            List<Path> matches = glob(root, source);

            // THEN it exists and is in the build context
            assertThat(matches).as("%s: COPY %s matches nothing; was the service packaged?", service, source)
                    .isNotEmpty();
            for (Path match : matches) {
                try (Stream<Path> files = Files.walk(match)) {
                    assertThat(files.filter(Files::isRegularFile).toList()).as("%s in the build context", match)
                            .allSatisfy(f -> assertThat(context).anyMatch(m -> m.matches(root.relativize(f))));
                }
            }
        }
        assertThat(root.resolve(service).resolve("target/quarkus-app/quarkus-run.jar")).isRegularFile();
    }

    @Test
    void nativeDockerfile_copiesTheRunnerTheNativeBuildNames() throws IOException {
        // the executable is <artifactId>-<version>-runner (NativeImageReflectionTest checks native-image.args)
        assertThat(instructions(read("Dockerfile.native"), "COPY"))
                .containsExactly("--chmod=0755 ${SERVICE}/target/*-runner /work/application");
        PathMatcher context = FileSystems.getDefault().getPathMatcher("glob:" + read("Dockerfile.native.dockerignore")
                .lines().filter(l -> l.startsWith("!")).findFirst().orElseThrow().substring(1));
        assertThat(context.matches(Path.of("metering-service/target/metering-service-0.1.0-SNAPSHOT-runner"))).isTrue();
    }

    private static List<Path> glob(Path root, String source) throws IOException {
        String pattern = source.endsWith("/") ? source.substring(0, source.length() - 1) : source;
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
        Path start = root.resolve(pattern.substring(0, pattern.indexOf('/')));
        if (!Files.isDirectory(start)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(start, 4)) {
            return walk.filter(p -> matcher.matches(root.relativize(p))).toList();
        }
    }

    private static List<String> instructions(String dockerfile, String keyword) {
        List<String> found = new ArrayList<>();
        Matcher m = INSTRUCTION.matcher(dockerfile);
        while (m.find()) {
            if (m.group(1).equals(keyword)) {
                found.add(m.group(2).trim());
            }
        }
        return found;
    }

    private static String read(String name) throws IOException {
        return Files.readString(Repo.deploy().resolve("docker").resolve(name));
    }
}
