package io.mpsaas.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.mpsaas.deploy.support.Repo;
import io.mpsaas.sandbox.ServiceJvm;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The two parameterised Dockerfiles (one JVM, one native, --build-arg SERVICE=...): a pinned minimal base, a
 * non-root numeric user, no package installs or downloads, and COPY sources that the Maven build really produces
 * (checked against the services' target/quarkus-app after this reactor's package phase). The JVM image's one RUN, the
 * training of its ahead-of-time cache, is run here as the image build runs it (no Docker engine here: the same command
 * with the build context's paths), and the ENTRYPOINT's JVM then starts with that cache mapped.
 */
class DockerfilesTest {

    /** Allowed bases per Dockerfile: Temurin's JDK 25 runtime and the Quarkus micro image, pinned. */
    private static final Map<String, String> BASES = Map.of(
            "Dockerfile.jvm", "eclipse-temurin:25.",
            "Dockerfile.native", "quay.io/quarkus/quarkus-micro-image:");

    /** The JVM image's only RUN: the cache training, with the build context bind-mounted for that step alone. */
    private static final String TRAINING_RUN = "--mount=type=bind,target=/training"
            + " java -cp /training/sandbox/target/marketplace-sandbox.jar io.mpsaas.sandbox.AotTraining"
            + " --project-dir /training --service ${SERVICE} --app /deployments --log-dir /tmp/aot-training"
            + " && rm -rf /tmp/* /deployments/app.aot.properties";

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
        // nothing installed or changed at build time, but the JVM image's cache training (below)
        assertThat(instructions(dockerfile, "RUN")).as("%s RUN", name)
                .hasSize(name.equals("Dockerfile.jvm") ? 1 : 0)
                .allSatisfy(run -> assertThat(run).startsWith("--mount=type=bind,target=/training"));
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
    void jvmDockerfile_trainsTheCacheWithTheEntrypointsJvmOptions() throws IOException {
        String dockerfile = read("Dockerfile.jvm");

        // the one RUN is the training; the JVM options the training gets (ServiceJvm) are the ENTRYPOINT's, which
        // then maps the cache: a cache maps only into a JVM with the same object layout
        assertThat(joined(dockerfile, "RUN")).containsExactly(TRAINING_RUN);
        List<String> entrypoint = entrypoint(dockerfile);
        List<String> expected = new ArrayList<>(List.of("java"));
        expected.addAll(ServiceJvm.FIXED_OPTIONS);
        expected.addAll(List.of("-XX:AOTCache=/deployments/app.aot", "-jar", "/deployments/quarkus-run.jar"));
        assertThat(entrypoint).containsExactlyElementsOf(expected);
        assertThat(read("Dockerfile.jvm.dockerignore").lines())
                .contains("!sandbox/target/marketplace-sandbox.jar", "!sandbox/target/lib/**");
    }

    @Test
    void jvmDockerfile_trainingRun_asTheImageBuildRunsIt_givesACacheTheEntrypointMaps(@TempDir Path image)
            throws Exception {
        ServiceJvm jvm = ServiceJvm.current();
        assumeThat(jvm.aotCapable()).as("JDK %s has no ahead-of-time cache", jvm.version()).isTrue();
        // GIVEN metering-service's files where the image puts them (the four COPY layers into /deployments)
        String service = "metering-service";
        Path root = Repo.root();
        Path deployments = image.resolve("deployments");
        Path app = root.resolve(service).resolve("target/quarkus-app");
        for (String layer : List.of("lib", "app", "quarkus", "quarkus-run.jar")) {
            copyTree(app.resolve(layer), deployments.resolve(layer));
        }

        // WHEN the image build's RUN runs, with the build context at the repository root and /tmp in the image
        String command = TRAINING_RUN.substring(TRAINING_RUN.indexOf(" java ") + 1, TRAINING_RUN.indexOf(" && "))
                .replace("${SERVICE}", service).replace("/tmp/aot-training", image.resolve("logs").toString())
                .replace("/deployments", deployments.toString()).replace("/training", root.toString());
        List<String> argv = new ArrayList<>(List.of(command.split(" ")));
        argv.set(0, jvm.java().toString());
        Process training = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectOutput(image.resolve("training.out").toFile()).start();
        assertThat(training.waitFor(10, TimeUnit.MINUTES)).isTrue();
        assertThat(training.exitValue()).as("training: %s", Files.readString(image.resolve("training.out"))).isZero();

        // THEN the image holds a cache, and the ENTRYPOINT's JVM maps it and runs the service from it (AOTMode=on: a
        // JVM that cannot map its cache exits at once; there is no AWS here, so the service itself stops later)
        assertThat(deployments.resolve(ServiceJvm.CACHE_FILE)).isRegularFile();
        List<String> run = new ArrayList<>(entrypoint(read("Dockerfile.jvm")).stream()
                .map(a -> a.replace("/deployments", deployments.toString())).toList());
        run.set(0, jvm.java().toString());
        run.addAll(1, List.of("-XX:AOTMode=on", "-Xlog:aot=info", "-Dquarkus.http.port=0"));
        Path out = image.resolve("run.out");
        Process started = new ProcessBuilder(run).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            started.waitFor(30, TimeUnit.SECONDS);
            assertThat(Files.readString(out)).contains("Opened AOT cache", "Using AOT-linked classes: true",
                    "io.mpsaas.common.marketplace.MarketplaceProducer").doesNotContain("Unable to use AOT cache");
        } finally {
            started.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
        }
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

    /** Instructions with their continuation lines joined and their white space folded. */
    private static List<String> joined(String dockerfile, String keyword) {
        String unfolded = dockerfile.replaceAll("\\\\\n", " ");
        return instructions(unfolded, keyword).stream().map(i -> i.replaceAll("\\s+", " ")).toList();
    }

    /** The exec-form ENTRYPOINT's arguments. */
    private static List<String> entrypoint(String dockerfile) {
        String json = instructions(dockerfile, "ENTRYPOINT").get(0);
        List<String> args = new ArrayList<>();
        Matcher m = Pattern.compile("\"([^\"]*)\"").matcher(json);
        while (m.find()) {
            args.add(m.group(1));
        }
        return args;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(p, target, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    private static String read(String name) throws IOException {
        return Files.readString(Repo.deploy().resolve("docker").resolve(name));
    }
}
