package io.mpsaas.sandbox.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Prometheus text exposition ({@code /q/metrics}) read for assertions: samples by metric name and labels, summed
 * over the series a filter selects, and the set of metric names (what dashboards and alerts may name).
 *
 * <pre>
 * PrometheusText metrics = PrometheusText.parse(given().get("/q/metrics").asString());
 * double throttles = metrics.sum("mpsaas_marketplace_attempts_total", Map.of("error", "THROTTLING"));
 * </pre>
 */
public final class PrometheusText {

    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    /** One sample line. */
    public record Sample(String name, Map<String, String> labels, double value) {
    }

    private final List<Sample> samples;

    private PrometheusText(List<Sample> samples) {
        this.samples = samples;
    }

    public static PrometheusText parse(String text) {
        List<Sample> samples = new ArrayList<>();
        for (String line : text.split("\n")) {
            String l = line.strip();
            if (!l.isEmpty() && !l.startsWith("#")) {
                samples.add(sample(l));
            }
        }
        return new PrometheusText(List.copyOf(samples));
    }

    /** {@code name{label="value",...} value [timestamp] [# {exemplar labels} value [timestamp]]}. */
    private static Sample sample(String line) {
        int i = 0;
        while (i < line.length() && line.charAt(i) != '{' && !Character.isWhitespace(line.charAt(i))) {
            i++;
        }
        String name = line.substring(0, i);
        Map<String, String> labels = new LinkedHashMap<>();
        if (i < line.length() && line.charAt(i) == '{') {
            int close = closingBrace(line, i);
            Matcher label = LABEL.matcher(line.substring(i + 1, close));
            while (label.find()) {
                labels.put(label.group(1), label.group(2).replace("\\\"", "\"").replace("\\\\", "\\"));
            }
            i = close + 1;
        }
        String rest = line.substring(i).strip();
        int exemplar = rest.indexOf('#');
        String[] parts = (exemplar >= 0 ? rest.substring(0, exemplar) : rest).strip().split("\\s+");
        if (name.isEmpty() || parts.length == 0 || parts[0].isEmpty()) {
            throw new IllegalArgumentException("not a Prometheus sample line: " + line);
        }
        return new Sample(name, Map.copyOf(labels), value(parts[0]));
    }

    /** The index of the brace closing the one at {@code open}, quoted label values skipped. */
    private static int closingBrace(String line, int open) {
        boolean quoted = false;
        for (int i = open + 1; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted && c == '\\') {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == '}' && !quoted) {
                return i;
            }
        }
        throw new IllegalArgumentException("unclosed labels: " + line);
    }

    private static double value(String text) {
        return switch (text) {
            case "NaN" -> Double.NaN;
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(text);
        };
    }

    public List<Sample> samples() {
        return samples;
    }

    /** Every metric name with at least one sample. */
    public Set<String> names() {
        Set<String> names = new TreeSet<>();
        samples.forEach(s -> names.add(s.name()));
        return names;
    }

    /** The samples of {@code name} whose labels include all of {@code labels}. */
    public List<Sample> select(String name, Map<String, String> labels) {
        return samples.stream().filter(s -> s.name().equals(name))
                .filter(s -> s.labels().entrySet().containsAll(labels.entrySet())).toList();
    }

    /** The sum of the selected samples (0 when none). */
    public double sum(String name, Map<String, String> labels) {
        return select(name, labels).stream().mapToDouble(Sample::value).sum();
    }

    public double sum(String name) {
        return sum(name, Map.of());
    }

    /** Whether {@code name} has at least one series with these labels. */
    public boolean has(String name, Map<String, String> labels) {
        return !select(name, labels).isEmpty();
    }
}
