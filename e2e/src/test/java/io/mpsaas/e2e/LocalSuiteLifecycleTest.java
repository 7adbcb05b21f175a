package io.mpsaas.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mpsaas.sandbox.LocalSuite;
import io.mpsaas.sandbox.LocalSuite.Service;
import io.mpsaas.sandbox.Sandbox;
import io.mpsaas.sandbox.testing.ListeningSockets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one command leaves nothing behind: {@link LocalSuite#close()} ends every service process, and Ctrl-C on
 * {@code run-local.sh} stops the whole suite without reporting the services' ends as failures.
 */
class LocalSuiteLifecycleTest {

    private static final Path ROOT = Path.of(System.getProperty("mpsaas.root", "..")).toAbsolutePath().normalize();
    private static final Duration START = Duration.ofMinutes(2);

    @Test
    void close_endsEveryServiceProcess(@TempDir Path logs) {
        // GIVEN the suite started as the end-to-end tests start it
        LocalSuite suite = LocalSuite.start(new LocalSuite.Options(ROOT, Sandbox.Ports.RANDOM, true, logs, Map.of(),
                Map.of()));
        List<ProcessHandle> started;
        try {
            started = processTree(Stream.of(Service.values()).map(s -> suite.process(s).orElseThrow()).toList());
            assertThat(started).hasSizeGreaterThanOrEqualTo(Service.values().length).allMatch(ProcessHandle::isAlive);
            // AND (issue 22) every port of the run, the sandbox's and each service's, is reachable from this machine only
            List<java.net.URI> endpoints = new ArrayList<>(List.of(suite.sandbox().aws().dynamoEndpoint(),
                    suite.sandbox().aws().sqsEndpoint(), suite.sandbox().simulator().endpoint()));
            for (Service service : Service.values()) {
                endpoints.add(suite.url(service));
                endpoints.add(suite.managementUrl(service));
            }
            for (java.net.URI endpoint : endpoints) {
                assertThat(ListeningSockets.addresses(endpoint.getPort())).as(endpoint.toString()).isNotEmpty()
                        .allMatch(java.net.InetAddress::isLoopbackAddress);
            }
        } finally {
            // WHEN it is closed
            suite.close();
        }

        // THEN no service process (nor anything it started) survives, and each service stopped gracefully
        assertThat(started).noneMatch(ProcessHandle::isAlive);
        for (Service service : Service.values()) {
            assertThat(read(suite.logFile(service))).contains(service.module() + " stopped in");
        }
        // AND closing again is harmless
        suite.close();
    }

    @Test
    void ctrlC_onRunLocal_stopsTheSandboxAndEveryService_quietly(@TempDir Path logs) {
        // GIVEN ./run-local.sh (without its build step) running the suite on free ports
        Path output = logs.resolve("run-local.out");
        ProcessBuilder command = new ProcessBuilder(ROOT.resolve("run-local.sh").toString(), "--random-ports",
                "--log-dir", logs.toString())
                .directory(ROOT.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        command.environment().put("SKIP_BUILD", "true"); // the reactor build has just packaged everything
        command.environment().put("MPSAAS_AOT", "off"); // the cache training step has its own test (AotCacheTest)
        Process runLocal = start(command); // the script execs the launcher JVM: this process is the launcher
        try {
            await().atMost(START).until(() -> read(output).contains("The suite is running") || !runLocal.isAlive());
            assertThat(read(output)).contains("The suite is running", "/marketplace", "Ctrl-C stops everything");
            // AND (issue 22) the terminal is short and shows no stack trace
            assertThat(read(output).lines().count()).as(read(output)).isLessThan(40);
            assertThat(read(output)).doesNotContain("\tat ", "WARN");
            // AND what it printed is what the README's quick start shows, but for times, ids, ports and paths
            assertThat(launcherLines(read(output))).isEqualTo(launcherLines(readmeSample()));
            List<ProcessHandle> services = runLocal.toHandle().children().toList();
            assertThat(services).hasSize(Service.values().length).allMatch(ProcessHandle::isAlive);
            List<ProcessHandle> tree = processTree(services);

            // WHEN the person presses Ctrl-C: the terminal signals its whole foreground group, the launcher and the
            // services alike. (SIGTERM here: a JVM started in the background, as a test's may be, inherits SIGINT
            // ignored; both signals run the same shutdown hooks.)
            runLocal.destroy();
            services.forEach(ProcessHandle::destroy);

            // THEN the launcher exits once everything stopped, leaving no process behind
            await().atMost(Duration.ofSeconds(60)).until(() -> !runLocal.isAlive());
            assertThat(tree).noneMatch(ProcessHandle::isAlive);
            String said = read(output);
            assertThat(said).contains("Stopping the suite...", "Stopped.");
            // AND the services ending on the signal is not reported as a failure
            assertThat(said).doesNotContain("exited with");
        } finally {
            if (runLocal.isAlive()) {
                runLocal.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
                runLocal.destroyForcibly();
            }
        }
    }

    @Test
    void runLocal_help_printsPlainUsage_beforeAnyBuild(@TempDir Path logs) throws Exception {
        // WHEN a newcomer asks ./run-local.sh for help
        Path output = logs.resolve("help.out");
        Process help = start(new ProcessBuilder(ROOT.resolve("run-local.sh").toString(), "--help")
                .directory(ROOT.toFile()).redirectErrorStream(true).redirectOutput(output.toFile()));

        // THEN it answers at once with the script's own usage: no log line, no java command line, no build
        assertThat(help.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(help.exitValue()).isZero();
        assertThat(read(output)).startsWith("Usage: ./run-local.sh [options]")
                .contains("--random-ports", "--bind <address>", "--set <key>=<value>", "SKIP_BUILD=true")
                .doesNotContain("INFO", "java -cp", "Building");
    }

    /** The sample start-up output in the README's quick start (its first {@code text} block after step 1). */
    private static String readmeSample() {
        String readme = read(ROOT.resolve("README.md"));
        int step = readme.indexOf("**1. Start everything.**");
        int from = readme.indexOf("```text\n", step) + "```text\n".length();
        return readme.substring(from, readme.indexOf("```", from));
    }

    /**
     * The lines the launcher itself prints, from the simulator's start to the end of the summary, with what changes from
     * run to run made constant: log time stamps, numbers (ports, pids, seconds), paths and the cache's state.
     */
    static List<String> launcherLines(String output) {
        List<String> lines = output.lines().toList();
        int first = indexOf(lines, "AWS Marketplace simulator listening on");
        int last = indexOf(lines, "Ctrl-C stops everything");
        return lines.subList(first, last + 1).stream()
                .map(line -> line.replaceAll("^\\d{4}-\\d\\d-\\d\\dT[\\d:]+Z ", "<time> ")
                        .replaceAll("; JDK .*$", "; JDK <cache>")
                        .replaceAll("/[^\\s;,)]+", "<path>")
                        .replaceAll("\\d+", "<n>")
                        .stripTrailing())
                .toList();
    }

    private static int indexOf(List<String> lines, String text) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i;
            }
        }
        throw new AssertionError("no line with \"" + text + "\" in:\n" + String.join("\n", lines));
    }

    private static Process start(ProcessBuilder command) {
        try {
            return command.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<ProcessHandle> processTree(List<ProcessHandle> roots) {
        List<ProcessHandle> all = new ArrayList<>(roots);
        roots.forEach(root -> root.descendants().forEach(all::add));
        return all;
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "";
        }
    }
}
