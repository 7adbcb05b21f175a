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
 * The two parameterised Dockerfiles (one JVM, one native, --build-arg SERVICE=...): bases pinned by digest, a
 * non-root numeric user, no package installs or downloads in the image, and COPY sources that the Maven build really
 * produces (checked against the services' target/ after this reactor's package phase), the SBOM among them. The JVM
 * image's one RUN, the training of its ahead-of-time cache, is run here as the image build runs it (no Docker engine
 * here: the same command with the build context's paths), and the ENTRYPOINT's JVM, with the image's JDK_JAVA_OPTIONS
 * and the charts' memory limit, then starts with that cache mapped. The native image is built in its own first stage
 * (Mandrel) by the project's Maven build from the sources.
 */
class DockerfilesTest {

    /** Allowed bases per Dockerfile and build argument: Temurin's JDK 25 runtime, the Quarkus micro image, Mandrel. */
    private static final Map<String, Map<String, String>> BASES = Map.of(
            "Dockerfile.jvm", Map.of("BASE_IMAGE", "eclipse-temurin:25."),
            "Dockerfile.native", Map.of("BASE_IMAGE", "quay.io/quarkus/quarkus-micro-image:",
                    "BUILDER_IMAGE", "quay.io/quarkus/ubi9-quarkus-mandrel-builder-image:jdk-25"));

    /** The FROM lines of each Dockerfile: its stages. */
    private static final Map<String, List<String>> STAGES = Map.of(
            "Dockerfile.jvm", List.of("${BASE_IMAGE}"),
            "Dockerfile.native", List.of("${BUILDER_IMAGE} AS build", "${BASE_IMAGE}"));

    /** The native image's build: the project's own Maven build of the service, native profile, in the first stage. */
    private static final String NATIVE_BUILD = "--mount=type=cache,target=/root/.m2"
            + " ./mvnw -B package -Dnative -DskipTests -pl ${SERVICE} -am";

    /** The memory limit of the charts' pods (values.yaml resources.limits.memory), what the JVM sees in the image. */
    private static final String CHART_MEMORY_LIMIT = "768Mi";

    /** The JVM image's only RUN: the cache training, with the build context bind-mounted for that step alone. */
    private static final String TRAINING_RUN = "--mount=type=bind,target=/training"
            + " java -cp /training/sandbox/target/marketplace-sandbox.jar io.mpsaas.sandbox.AotTraining"
            + " --project-dir /training --service ${SERVICE} --app /deployments --log-dir /tmp/aot-training"
            + " && rm -rf /tmp/* /deployments/app.aot.properties";

    private static final Pattern ARG_DEFAULT = Pattern.compile("(?m)^ARG ([A-Z_]+_IMAGE)=(\\S+)$");
    private static final Pattern DIGEST = Pattern.compile("^[^@:]+:[^@:]+@sha256:[0-9a-f]{64}$");
    private static final Pattern INSTRUCTION = Pattern.compile("(?m)^([A-Z]+)\\s+(.*)$");

    static Stream<String> dockerfiles() {
        return BASES.keySet().stream().sorted();
    }

    static Stream<String> services() {
        return Repo.SERVICES.stream();
    }

    @ParameterizedTest
    @MethodSource("dockerfiles")
    void dockerfile_buildsOnBasesPinnedByDigest(String name) throws IOException {
        // GIVEN
        String dockerfile = read(name);

        // WHEN
        Map<String, String> images = new java.util.TreeMap<>();
        Matcher base = ARG_DEFAULT.matcher(dockerfile);
        while (base.find()) {
            images.put(base.group(1), base.group(2));
        }

        // THEN every base is its expected image, as tag@sha256:digest (a rebuilt tag changes nothing)
        assertThat(images.keySet()).as(name).isEqualTo(BASES.get(name).keySet());
        images.forEach((arg, image) -> assertThat(image).as("%s %s", name, arg).startsWith(BASES.get(name).get(arg))
                .matches(DIGEST).doesNotContain(":latest@"));
        assertThat(instructions(dockerfile, "FROM")).containsExactlyElementsOf(STAGES.get(name));
    }

    @ParameterizedTest
    @MethodSource("dockerfiles")
    void dockerfile_runsAsANonRootNumericUser_withoutInstallingAnything(String name) throws IOException {
        // the image is its last stage (a build stage leaves nothing but what is copied from it)
        String all = read(name);
        String dockerfile = all.substring(all.lastIndexOf("\nFROM "));

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

        // (the other two services run from the build context, read-only there: their caches stay as they are)
        Map<String, String> others = new java.util.TreeMap<>();
        for (String other : List.of("onboarding-service", "entitlement-service")) {
            others.put(other, cacheState(root.resolve(other).resolve("target/quarkus-app")));
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
        for (Map.Entry<String, String> other : others.entrySet()) {
            assertThat(cacheState(root.resolve(other.getKey()).resolve("target/quarkus-app")))
                    .as("%s's cache, untouched by the training of another service", other.getKey())
                    .isEqualTo(other.getValue());
        }

        // THEN the image holds a cache, and the ENTRYPOINT's JVM, with the image's JDK_JAVA_OPTIONS in a container of
        // the charts' memory limit (MaxRAM stands for the cgroup limit here), maps it and runs the service from it
        // (AOTMode=on: a JVM that cannot map its cache exits at once; there is no AWS here, so the service itself
        // stops later)
        assertThat(deployments.resolve(ServiceJvm.CACHE_FILE)).isRegularFile();
        List<String> run = new ArrayList<>(entrypoint(read("Dockerfile.jvm")).stream()
                .map(a -> a.replace("/deployments", deployments.toString())).toList());
        run.set(0, jvm.java().toString());
        run.addAll(1, List.of("-XX:MaxRAM=" + CHART_MEMORY_LIMIT.replace("Mi", "m"), "-XX:AOTMode=on",
                "-Xlog:aot=info", "-Dquarkus.http.port=0", "-Dquarkus.management.port=0"));
        Path out = image.resolve("run.out");
        ProcessBuilder builder = new ProcessBuilder(run).redirectErrorStream(true).redirectOutput(out.toFile());
        builder.environment().put("JDK_JAVA_OPTIONS", imageJavaOptions());
        Process started = builder.start();
        try {
            started.waitFor(30, TimeUnit.SECONDS);
            assertThat(Files.readString(out)).contains("Opened AOT cache", "Using AOT-linked classes: true",
                    "io.mpsaas.common.marketplace.MarketplaceProducer").doesNotContain("Unable to use AOT cache");
        } finally {
            started.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void jvmMemory_fitsTheChartsLimit_asTheJvmSizesItself() throws Exception {
        // GIVEN the charts' memory limit, the same in the three
        for (String service : Repo.SERVICES) {
            Map<String, Object> values = io.mpsaas.deploy.support.Maps.map(new org.yaml.snakeyaml.Yaml().load(
                    Files.readString(Repo.charts().resolve(service).resolve("values.yaml"))));
            assertThat(io.mpsaas.deploy.support.Maps.at(values, "resources.limits.memory")).as(service)
                    .isEqualTo(CHART_MEMORY_LIMIT);
        }
        long limit = Long.parseLong(CHART_MEMORY_LIMIT.replace("Mi", "")) << 20;

        // WHEN the image's JVM reports its sizes in a container of that limit (MaxRAM stands for the cgroup limit)
        ProcessBuilder builder = new ProcessBuilder(ServiceJvm.current().java().toString(),
                "-XX:MaxRAM=" + (limit >> 20) + "m", "-XX:+PrintFlagsFinal", "-version").redirectErrorStream(true);
        builder.environment().put("JDK_JAVA_OPTIONS", imageJavaOptions());
        Process jvm = builder.start();
        String flags = new String(jvm.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(jvm.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(jvm.exitValue()).as(flags).isZero();
        long heap = flag(flags, "MaxHeapSize");
        long metaspace = flag(flags, "MaxMetaspaceSize");
        long codeCache = flag(flags, "ReservedCodeCacheSize");
        long direct = flag(flags, "MaxDirectMemorySize");

        // THEN the heap is half the limit, and the capped parts leave at least 96Mi for thread stacks, the GC, the JVM
        // itself and the cache's pages: the container is never killed for the JVM's growth, the JVM fails first
        assertThat(heap).isEqualTo(limit / 2);
        assertThat(List.of(metaspace, codeCache, direct)).as("caps set").allSatisfy(v -> assertThat(v).isPositive()
                .isLessThan(limit));
        assertThat(heap + metaspace + codeCache + direct).as("heap %d + metaspace %d + code %d + direct %d", heap >> 20,
                metaspace >> 20, codeCache >> 20, direct >> 20).isLessThanOrEqualTo(limit - (96L << 20));
        assertThat(read("Dockerfile.jvm")).contains("ENV MALLOC_ARENA_MAX=2");
        // AND local runs (ServiceJvm) start the services with exactly these options and environment
        assertThat(List.of(imageJavaOptions().split(" "))).containsExactlyElementsOf(ServiceJvm.POD_OPTIONS);
        assertThat(ServiceJvm.POD_ENVIRONMENT).containsExactly(Map.entry("MALLOC_ARENA_MAX", "2"));
        assertThat(ServiceJvm.LOCAL_OPTIONS).startsWith("-XX:MaxRAM=" + CHART_MEMORY_LIMIT.replace("Mi", "m"));
    }

    private static long flag(String flags, String name) {
        Matcher m = Pattern.compile("(?m)^\\s*\\S+\\s+" + name + "\\s+=\\s+(\\d+)").matcher(flags);
        assertThat(m.find()).as("%s in -XX:+PrintFlagsFinal", name).isTrue();
        return Long.parseLong(m.group(1));
    }

    @Test
    void nativeDockerfile_buildsFromTheSources_withTheProjectsNativeProfile_thenCopiesOnlyTheRunnerAndSbom()
            throws IOException {
        String dockerfile = read("Dockerfile.native");

        // the first stage runs the project's Maven build of the service, native profile, from the build context
        assertThat(joined(dockerfile, "RUN")).containsExactly(NATIVE_BUILD);
        String pom = Files.readString(Repo.root().resolve("pom.xml"));
        assertThat(pom).contains("<id>native</id>").contains("<name>native</name>")
                .contains("<quarkus.native.enabled>true</quarkus.native.enabled>");
        // the image takes the executable (<artifactId>-<version>-runner; NativeImageReflectionTest checks
        // native-image.args) and the SBOM, nothing else
        String last = dockerfile.substring(dockerfile.lastIndexOf("\nFROM "));
        assertThat(instructions(last, "COPY")).containsExactly(
                "--from=build --chmod=0755 /build/${SERVICE}/target/*-runner /work/application",
                "--from=build /build/${SERVICE}/target/bom.json /work/sbom/bom.cdx.json");
    }

    @Test
    void nativeBuildContext_holdsTheWholeReactorsSources_andNothingBuilt() throws IOException {
        // GIVEN what Dockerfile.native.dockerignore lets in, and the reactor's modules
        List<PathMatcher> context = read("Dockerfile.native.dockerignore").lines().filter(l -> l.startsWith("!"))
                .map(l -> FileSystems.getDefault().getPathMatcher("glob:" + l.substring(1))).toList();
        Path root = Repo.root();
        List<String> modules = new ArrayList<>();
        Matcher module = Pattern.compile("<module>([^<]+)</module>").matcher(Files.readString(root.resolve("pom.xml")));
        while (module.find()) {
            modules.add(module.group(1));
        }
        assertThat(modules).contains("common", "sandbox", "onboarding-service", "deploy");

        // THEN Maven finds every module (its pom and sources) and the wrapper, and no local build output leaks in
        List<Path> needed = new ArrayList<>(List.of(Path.of("pom.xml"), Path.of("mvnw"),
                Path.of(".mvn/wrapper/maven-wrapper.properties")));
        for (String m : modules) {
            needed.add(Path.of(m, "pom.xml"));
            Path sources = root.resolve(m).resolve("src");
            if (Files.isDirectory(sources)) {
                try (Stream<Path> files = Files.walk(sources)) {
                    files.filter(Files::isRegularFile).map(root::relativize).forEach(needed::add);
                }
            }
        }
        assertThat(needed).allSatisfy(p -> assertThat(context).as("%s in the native build context", p)
                .anyMatch(m -> m.matches(p)));
        assertThat(context).noneMatch(m -> m.matches(Path.of("metering-service/target/metering-service-0.1.0-SNAPSHOT-runner"))
                || m.matches(Path.of("common/target/classes/io/mpsaas/common/dynamo/Attr.class")));
    }

    /** The image's JDK_JAVA_OPTIONS (its ENV). */
    static String imageJavaOptions() throws IOException {
        Matcher env = Pattern.compile("(?m)^ENV JDK_JAVA_OPTIONS=\"([^\"]*)\"$").matcher(read("Dockerfile.jvm"));
        assertThat(env.find()).as("Dockerfile.jvm: ENV JDK_JAVA_OPTIONS=\"...\"").isTrue();
        return env.group(1);
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

    /** Whether a packaged service has a cache, and when it was written. */
    private static String cacheState(Path app) throws IOException {
        Path cache = app.resolve(ServiceJvm.CACHE_FILE);
        return Files.exists(cache) ? "written " + Files.getLastModifiedTime(cache) : "none";
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

    static String read(String name) throws IOException {
        return Files.readString(Repo.deploy().resolve("docker").resolve(name));
    }
}
