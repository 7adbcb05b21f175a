package io.mpsaas.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** What each hostile input got: counted per entry point and status; every 5xx kept with its case. */
final class Verdicts {

    private final Figures figures;
    private final Map<String, Integer> byStatus = new TreeMap<>();
    private final List<String> serverErrors = new CopyOnWriteArrayList<>();

    Verdicts(Figures figures) {
        this.figures = figures;
    }

    /** Records one answer; a 5xx is an error (the input was the client's). */
    synchronized void record(String entryPoint, String input, Suite.Answer answer) {
        figures.inc("inputs tried");
        figures.inc("inputs tried: " + entryPoint);
        byStatus.merge(entryPoint + " " + answer.status(), 1, Integer::sum);
        if (answer.status() >= 500) {
            figures.inc("5xx");
            serverErrors.add(entryPoint + " answered " + answer.status() + " to " + abbreviate(input) + ": "
                    + abbreviate(answer.body()));
        }
    }

    void assertNoServerErrors() {
        figures.note("answers by entry point and status", byStatus.toString());
        assertThat(serverErrors).as("5xx answers to client input").isEmpty();
    }

    static String abbreviate(String s) {
        if (s == null) {
            return "null";
        }
        String escaped = s.codePoints().limit(160).collect(StringBuilder::new, (b, cp) -> {
            if (cp < 0x20 || cp == 0x7f || (cp >= 0x202a && cp <= 0x202e) || (cp >= 0xd800 && cp <= 0xdfff)) {
                b.append(String.format("\\u%04x", cp));
            } else {
                b.appendCodePoint(cp);
            }
        }, StringBuilder::append).toString();
        return s.length() > 160 ? escaped + "...(" + s.length() + " chars)" : escaped;
    }
}
