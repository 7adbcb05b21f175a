package io.mpsaas.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * The numbers a suite reports (kills survived, faults injected, inputs tried, records lost, ...): counted while it
 * runs, then logged and written to {@code target/reliability-figures/<suite>.txt}, from which RELIABILITY.md takes the
 * figures of the last full run.
 */
final class Figures {

    private static final Logger LOG = Logger.getLogger(Figures.class);

    private final String suite;
    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
    private final Map<String, String> notes = new LinkedHashMap<>();
    private final long started = System.nanoTime();

    Figures(String suite) {
        this.suite = suite;
    }

    long add(String name, long delta) {
        return counts.computeIfAbsent(name, k -> new AtomicLong()).addAndGet(delta);
    }

    long inc(String name) {
        return add(name, 1);
    }

    void set(String name, long value) {
        counts.computeIfAbsent(name, k -> new AtomicLong()).set(value);
    }

    long get(String name) {
        AtomicLong value = counts.get(name);
        return value == null ? 0 : value.get();
    }

    synchronized void note(String name, String value) {
        notes.put(name, value);
    }

    /** Logs the figures and writes them to {@code target/reliability-figures/<suite>.txt}. */
    synchronized void publish() {
        StringBuilder text = new StringBuilder();
        text.append("suite: ").append(suite).append('\n');
        text.append("level: ").append(Level.current().name().toLowerCase(java.util.Locale.ROOT)).append('\n');
        text.append("finished: ").append(Instant.now()).append('\n');
        text.append("seconds: ").append((System.nanoTime() - started) / 1_000_000_000).append('\n');
        text.append("machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores, ")
                .append(System.getProperty("os.name")).append(' ').append(System.getProperty("os.arch"))
                .append(", Java ").append(System.getProperty("java.version")).append('\n');
        new java.util.TreeMap<>(counts).forEach((k, v) -> text.append(k).append(": ").append(v.get()).append('\n'));
        notes.forEach((k, v) -> text.append(k).append(": ").append(v).append('\n'));
        LOG.infof("Reliability figures%n%s", text);
        try {
            Path dir = Path.of("target", "reliability-figures");
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(suite + ".txt"), text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
