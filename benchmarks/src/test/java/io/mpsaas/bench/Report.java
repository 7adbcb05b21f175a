package io.mpsaas.bench;

import java.util.ArrayList;
import java.util.List;

/** The benchmark's result table, as Markdown ready to paste into BENCHMARKS.md. */
public final class Report {

    /** One figure: what, the measurement, what it is judged against, met or not, what limits it. */
    public record Row(String benchmark, String figure, String measured, String target, String verdict,
            String limitedBy) {
    }

    private final List<Row> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    public synchronized void add(String benchmark, String figure, String measured, String target, Boolean met,
            String limitedBy) {
        rows.add(new Row(benchmark, figure, measured, target, met == null ? "" : met ? "met" : "**missed**",
                limitedBy));
    }

    public synchronized void note(String note) {
        notes.add(note);
    }

    public synchronized String markdown(String header) {
        StringBuilder out = new StringBuilder(header).append("\n\n");
        out.append("| benchmark | figure | measured | target / limit | verdict | limited by |\n");
        out.append("|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            out.append("| ").append(r.benchmark()).append(" | ").append(r.figure()).append(" | ")
                    .append(r.measured()).append(" | ").append(r.target()).append(" | ").append(r.verdict())
                    .append(" | ").append(r.limitedBy()).append(" |\n");
        }
        if (!notes.isEmpty()) {
            out.append('\n');
            notes.forEach(n -> out.append("- ").append(n).append('\n'));
        }
        return out.toString();
    }
}
