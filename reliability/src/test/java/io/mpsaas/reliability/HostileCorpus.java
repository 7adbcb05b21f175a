package io.mpsaas.reliability;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Hostile values: the hand-written cases of {@code hostile/nasty-strings.txt} plus cases generated from a fixed seed
 * (long and oversized values, random code points from every plane, mixes of the hand-written ones, truncations). The
 * same seed gives the same corpus, so a failure can be replayed.
 */
final class HostileCorpus {

    static final long SEED = 0x8_0008L;

    private HostileCorpus() {
    }

    /** The hand-written values, decoded. */
    static List<String> handWritten() {
        try (InputStream in = HostileCorpus.class.getResourceAsStream("/hostile/nasty-strings.txt")) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            List<String> values = new ArrayList<>();
            values.add("");
            for (String line : text.split("\n", -1)) {
                if (line.isEmpty() || line.startsWith("# ")) {
                    continue;
                }
                values.add(decode(line));
            }
            return values;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** At least {@code count} values: every hand-written one first, then generated ones. */
    static List<String> values(int count) {
        Set<String> values = new LinkedHashSet<>(handWritten());
        Random random = new Random(SEED);
        List<String> seeds = List.copyOf(values);
        values.add("A".repeat(257));
        values.add("x".repeat(2_049));
        values.add("é".repeat(20_000));
        values.add("\uD83D\uDE00".repeat(5_000));
        while (values.size() < count) {
            switch (random.nextInt(5)) {
                case 0 -> values.add(randomCodePoints(random, 1 + random.nextInt(40)));
                case 1 -> values.add(seeds.get(random.nextInt(seeds.size())) + seeds.get(random.nextInt(seeds.size())));
                case 2 -> {
                    String s = seeds.get(random.nextInt(seeds.size()));
                    values.add(s.isEmpty() ? "\u0000" : s.substring(0, random.nextInt(s.length()) + 1) + "\u0000");
                }
                case 3 -> values.add("customer#" + randomCodePoints(random, 8) + "#" + seeds.get(random.nextInt(
                        seeds.size())));
                default -> values.add(seeds.get(random.nextInt(seeds.size())).repeat(1 + random.nextInt(200)));
            }
        }
        return new ArrayList<>(values);
    }

    /** Bodies that are not what the endpoint reads: truncated, wrong shapes, wrong types, nested deep. */
    static List<String> malformedJson(Random random, String valid, int count) {
        List<String> bodies = new ArrayList<>(List.of("", "null", "true", "0", "-1", "\"records\"", "[]", "{}",
                "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
                "{".repeat(5_000) + "}".repeat(5_000), "[".repeat(100_000), "{\"records\": null}",
                "{\"records\": {}}", "{\"records\": [null]}", "{\"records\": [1, 2, 3]}",
                "{\"records\": \"a\"}", "{\"records\": [[]]}", "{\"a\":1,\"a\":2}", "\uFEFF" + valid,
                valid + "garbage", valid + valid, "{'records': []}", "{\"records\": [{}]}",
                "{\"records\": [" + "{},".repeat(600) + "{}]}", "\u0000" + valid,
                // issue 18: nesting past Jackson's limit of 1,000, a quantity as a string, a key given twice
                "[".repeat(1_500) + "]".repeat(1_500), "{\"records\":" + "[".repeat(1_500) + "]".repeat(1_500) + "}",
                valid.replace("\"quantity\":1", "\"quantity\":\"1\""),
                valid.replace("\"quantity\":1", "\"quantity\":true"),
                valid.replace("\"quantity\":1", "\"quantity\":1,\"quantity\":2")));
        while (bodies.size() < count) {
            int cut = valid.isEmpty() ? 0 : random.nextInt(valid.length());
            bodies.add(random.nextBoolean() ? valid.substring(0, cut) : valid.substring(cut));
        }
        return bodies;
    }

    /**
     * Malformed messages for a queue, by a marker each carries (so its parked copy can be found in the dead-letter
     * queue): not JSON, not an object, truncated, nested past the parser's limits, an object without any of the
     * queue's fields; then {@code truncations} cuts of {@code valid} (a valid body of the queue, a JSON object) after
     * its marker. Wrong types, oversized fields and wrong envelopes depend on the queue: the caller adds them.
     */
    static Map<String, String> malformedMessages(Random random, String prefix, String valid, int truncations) {
        Map<String, String> bodies = new LinkedHashMap<>();
        java.util.function.Function<String, String> m = kind -> prefix + "-" + (bodies.size() + 1) + "-" + kind;
        String marker = m.apply("not-json");
        bodies.put(marker, "not json at all " + marker);
        marker = m.apply("xml");
        bodies.put(marker, "<?xml version=\"1.0\"?><records marker=\"" + marker + "\"/>");
        marker = m.apply("unclosed");
        bodies.put(marker, "{\"marker\":\"" + marker + "\"");
        marker = m.apply("trailing-comma");
        bodies.put(marker, "{\"marker\":\"" + marker + "\", }");
        marker = m.apply("single-quotes");
        bodies.put(marker, "{'marker':'" + marker + "'}");
        marker = m.apply("nested-1500");
        bodies.put(marker, "{\"marker\":\"" + marker + "\",\"x\":" + "[".repeat(1_500) + "]".repeat(1_500) + "}");
        marker = m.apply("nested-unclosed");
        bodies.put(marker, "{\"marker\":\"" + marker + "\",\"x\":" + "{\"a\":".repeat(20_000));
        marker = m.apply("array");
        bodies.put(marker, "[\"" + marker + "\"]");
        marker = m.apply("string");
        bodies.put(marker, "\"" + marker + "\"");
        marker = m.apply("no-fields");
        bodies.put(marker, "{\"marker\":\"" + marker + "\"}");
        marker = m.apply("nul-escape");
        bodies.put(marker, "{\"marker\":\"" + marker + "\\u0000\",\"\\u0000\":null}");
        for (int i = 0; i < truncations; i++) {
            marker = m.apply("truncated");
            String whole = withMarker(valid, marker);
            int from = whole.indexOf(marker) + marker.length() + 1;
            bodies.put(marker, whole.substring(0, from + random.nextInt(whole.length() - from - 1)));
        }
        return bodies;
    }

    /** {@code json} (an object) with {@code "marker"} as its first field. */
    static String withMarker(String json, String marker) {
        return "{\"marker\":\"" + marker + "\"," + json.substring(json.indexOf('{') + 1);
    }

    static String randomCodePoints(Random random, int length) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < length; i++) {
            int cp;
            do {
                cp = switch (random.nextInt(4)) {
                    case 0 -> random.nextInt(0x80);
                    case 1 -> random.nextInt(0x800);
                    case 2 -> random.nextInt(0x10000);
                    default -> 0x10000 + random.nextInt(0x100000);
                };
            } while (!Character.isValidCodePoint(cp));
            s.appendCodePoint(cp);
        }
        return s.toString();
    }

    static String decode(String line) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c != '\\' || i + 1 >= line.length()) {
                out.append(c);
                continue;
            }
            char n = line.charAt(++i);
            switch (n) {
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case '\\' -> out.append('\\');
                case 'u' -> {
                    out.append((char) Integer.parseInt(line.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                case 'U' -> {
                    out.appendCodePoint(Integer.parseInt(line.substring(i + 1, i + 9), 16));
                    i += 8;
                }
                default -> out.append('\\').append(n);
            }
        }
        return out.toString();
    }
}
