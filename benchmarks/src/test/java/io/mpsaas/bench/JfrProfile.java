package io.mpsaas.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * A service's profile while a benchmark runs, with JDK Flight Recorder: CPU samples (where the service's own CPU goes)
 * and every socket read with its duration (where its threads wait: DynamoDB, SQS, AWS Marketplace), each counted by
 * the innermost frame of the suite's own code ({@code io.mpsaas}) and by the innermost frame of all. On with
 * {@code -Dbench.profile=true}: a recording costs the service a little CPU, so profiled runs are not the figures.
 */
public final class JfrProfile {

    private static final String OWN = "io.mpsaas.";

    private static final List<Map.Entry<String, String>> PARTS = List.of(
            Map.entry("com.amazonaws.services.dynamodbv2.", "DynamoDB Local"),
            Map.entry("com.almworks.sqlite4java.", "DynamoDB Local"),
            Map.entry("org.eclipse.jetty.", "DynamoDB Local"),
            Map.entry("org.elasticmq.", "ElasticMQ"),
            Map.entry("org.apache.pekko.", "ElasticMQ"),
            Map.entry("io.mpsaas.sandbox.", "the simulator"),
            Map.entry("sun.net.httpserver.", "the simulator"),
            Map.entry("io.mpsaas.bench.", "the harness (load generator, metric reads)"),
            Map.entry("software.amazon.awssdk.", "the harness (load generator, metric reads)"));

    private JfrProfile() {
    }

    /** Whether this run records profiles. */
    public static boolean enabled() {
        return Boolean.getBoolean("bench.profile");
    }

    /**
     * The JDK's {@code profile} settings with every socket read and write recorded (its threshold is 10 ms), written
     * next to the logs for the services to use.
     */
    public static Path settings(Path dir) {
        try {
            String profile = Files.readString(Path.of(System.getProperty("java.home"), "lib", "jfr", "profile.jfc"));
            // the settings and the control that drives them (JDK 17's JFC model applies controls)
            String all = Pattern.compile("(?<tag>socket-threshold\"[^>]*>)[^<]*<").matcher(profile)
                    .replaceAll("${tag}0 ms<");
            Path file = dir.resolve("bench-profile.jfc");
            Files.createDirectories(dir);
            Files.writeString(file, all);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** JVM option that records from the start into {@code file}. */
    public static String startOption(Path settings, Path file) {
        return "-XX:StartFlightRecording=settings=" + settings + ",filename=" + file + ",dumponexit=true";
    }

    /** Records {@code duration} of a running JVM into {@code file} (jcmd JFR.start), returning at once. */
    public static void record(long pid, Path settings, Path file, Duration duration) {
        Proc.jcmd(pid, "JFR.start", "name=bench", "settings=" + settings, "filename=" + file,
                "duration=" + duration.toSeconds() + "s");
    }

    /** Writes a running JVM's recording {@code name} into {@code file} (jcmd JFR.dump). */
    public static void dump(long pid, Path file) {
        Proc.jcmd(pid, "JFR.dump", "filename=" + file);
    }

    /** Records this JVM (the sandbox and the harness) from now until the returned recording is stopped. */
    public static Recording recordThisJvm(Path settings) {
        try {
            Recording recording = new Recording(Configuration.create(settings));
            recording.start();
            return recording;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ParseException e) {
            throw new IllegalStateException("JFR settings " + settings + " unreadable", e);
        }
    }

    /**
     * The sandbox JVM's CPU samples by the part of the sandbox that took them, told by the thread first (each server
     * runs on its own threads: DynamoDB Local's Jetty, ElasticMQ's Pekko, the simulator's HTTP server), else by the
     * first package of a known part on the stack; then the top {@code top} innermost frames of all.
     */
    public static String sandboxShares(Path file, int top) {
        Map<String, Long> parts = new HashMap<>();
        Map<String, Long> cpuAny = new HashMap<>();
        long samples = 0;
        try (RecordingFile recording = new RecordingFile(file)) {
            while (recording.hasMoreEvents()) {
                RecordedEvent event = recording.readEvent();
                if ("jdk.ExecutionSample".equals(event.getEventType().getName())) {
                    samples++;
                    RecordedThread thread = event.getThread("sampledThread");
                    parts.merge(part(thread == null ? "" : thread.getJavaName(), event.getStackTrace()), 1L,
                            Long::sum);
                    cpuAny.merge(frame(event.getStackTrace(), false), 1L, Long::sum);
                }
            }
        } catch (IOException e) {
            return "profile " + file + " unreadable: " + e.getMessage();
        }
        return String.format(Locale.ROOT, "%d CPU samples; by part: %s; by the innermost frame: %s", samples,
                top(parts, samples, top), top(cpuAny, samples, top));
    }

    private static String part(String thread, RecordedStackTrace stack) {
        if (thread.startsWith("qtp")) {
            return "DynamoDB Local"; // its Jetty server's pool: nothing else in the sandbox runs Jetty
        }
        if (thread.contains("pekko")) {
            return "ElasticMQ";
        }
        if (thread.startsWith("mp-simulator")) {
            return "the simulator";
        }
        if (stack != null) {
            for (RecordedFrame f : stack.getFrames()) {
                String type = f.getMethod().getType().getName();
                for (Map.Entry<String, String> p : PARTS) {
                    if (type.startsWith(p.getKey())) {
                        return p.getValue();
                    }
                }
            }
        }
        return "other (" + thread.replaceAll("[0-9]+", "#") + ")";
    }

    /** The profile in a few lines: the top {@code top} places of CPU samples and of socket-read time. */
    public static String summary(Path file, int top) {
        Map<String, Long> cpuOwn = new HashMap<>();
        Map<String, Long> cpuAny = new HashMap<>();
        Map<String, Long> readNanos = new HashMap<>();
        Map<String, Long> reads = new HashMap<>();
        long samples = 0;
        long readTotal = 0;
        try (RecordingFile recording = new RecordingFile(file)) {
            while (recording.hasMoreEvents()) {
                RecordedEvent event = recording.readEvent();
                String type = event.getEventType().getName();
                if ("jdk.ExecutionSample".equals(type)) {
                    samples++;
                    cpuOwn.merge(frame(event.getStackTrace(), true), 1L, Long::sum);
                    cpuAny.merge(frame(event.getStackTrace(), false), 1L, Long::sum);
                } else if ("jdk.SocketRead".equals(type)) {
                    long nanos = event.getDuration().toNanos();
                    readTotal += nanos;
                    String where = frame(event.getStackTrace(), true);
                    readNanos.merge(where, nanos, Long::sum);
                    reads.merge(where, 1L, Long::sum);
                }
            }
        } catch (IOException e) {
            return "profile " + file + " unreadable: " + e.getMessage();
        }
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%d CPU samples; by the innermost frame of the suite's code: %s;"
                + " by the innermost frame: %s. Socket reads %.1f s in all, by the suite's frame: %s",
                samples, top(cpuOwn, samples, top), top(cpuAny, samples, top), readTotal / 1e9,
                topReads(readNanos, reads, top)));
        return out.toString();
    }

    private static String frame(RecordedStackTrace stack, boolean own) {
        if (stack == null) {
            return "(no stack)";
        }
        for (RecordedFrame f : stack.getFrames()) {
            String type = f.getMethod().getType().getName();
            if (!own || type.startsWith(OWN)) {
                return type.substring(type.lastIndexOf('.') + 1) + "." + f.getMethod().getName();
            }
        }
        return own ? "(outside the suite's code)" : "(no frame)";
    }

    private static String top(Map<String, Long> counts, long total, int top) {
        List<Map.Entry<String, Long>> entries = new ArrayList<>(counts.entrySet());
        entries.sort(Map.Entry.<String, Long>comparingByValue().reversed());
        List<String> parts = new ArrayList<>();
        for (Map.Entry<String, Long> e : entries.subList(0, Math.min(top, entries.size()))) {
            parts.add(String.format(Locale.ROOT, "%s %.0f%%", e.getKey(), 100.0 * e.getValue() / Math.max(1, total)));
        }
        return String.join(", ", parts);
    }

    private static String topReads(Map<String, Long> nanos, Map<String, Long> counts, int top) {
        List<Map.Entry<String, Long>> entries = new ArrayList<>(nanos.entrySet());
        entries.sort(Map.Entry.<String, Long>comparingByValue().reversed());
        List<String> parts = new ArrayList<>();
        for (Map.Entry<String, Long> e : entries.subList(0, Math.min(top, entries.size()))) {
            long n = counts.get(e.getKey());
            parts.add(String.format(Locale.ROOT, "%s %.1f s (%d reads, %.2f ms each)", e.getKey(),
                    e.getValue() / 1e9, n, e.getValue() / 1e6 / Math.max(1, n)));
        }
        return String.join(", ", parts);
    }
}
