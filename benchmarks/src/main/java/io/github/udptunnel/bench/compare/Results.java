package io.github.udptunnel.bench.compare;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The rows of one run on one JDK, printed as they come, saved between the runs of {@code run-comparison.sh} (one per
 * JDK), and written at the end as Markdown (one column group per JDK, the rows side by side) and as JSON (every row of
 * every JDK).
 */
final class Results implements Serializable {

    private static final long serialVersionUID = 1L;

    /** How the comparison names the row against the better of QUIC CUBIC and BBR: "the better QUIC: NAME". */
    static final String BETTER_QUIC = "the better QUIC";

    private final String command;
    private final String date = LocalDate.now().toString();
    private final String jdk = System.getProperty("java.vendor") + " " + System.getProperty("java.version");
    private final String jdkShort = "JDK " + Runtime.version().feature();
    private final String salsa20 = io.github.udptunnel.crypto.SecretBox.salsa20Implementation();
    private final List<Row> rows = new ArrayList<>();

    Results(String command) {
        this.command = command;
    }

    void add(Row row) {
        rows.add(row);
        System.out.println(markdownRow(row));
    }

    /** The Markdown tables of one run or more (one per JDK, the same rows in the same order), side by side. */
    static String markdown(List<Results> runs) {
        Results first = runs.get(0);
        for (Results other : runs) {
            if (other.rows.size() != first.rows.size()) {
                throw new IllegalStateException(other.jdk + " has " + other.rows.size() + " rows, " + first.jdk + " "
                    + first.rows.size());
            }
        }
        StringBuilder out = new StringBuilder();
        out.append("Measured ").append(first.date).append(", ").append(Runtime.getRuntime().availableProcessors())
            .append(" CPUs, by `").append(first.command).append("`, once per JDK:");
        for (Results run : runs) {
            out.append(" ").append(run.jdkShort).append(" is ").append(run.jdk).append(" (Salsa20: ")
                .append(run.salsa20).append(");");
        }
        out.setLength(out.length() - 1);
        out.append(". Each cell: median of the runs (min..max); the goal is checked in each JDK's column.\n");
        String section = null;
        for (int i = 0; i < first.rows.size(); i++) {
            Row row = first.rows.get(i);
            if (!row.section().equals(section)) {
                section = row.section();
                out.append("\n#### ").append(section).append("\n\n").append(header(runs)).append('\n');
            }
            // The better QUIC may be CUBIC on one JDK and BBR on the other: then each JDK's cell names its own.
            boolean samePeer = true;
            for (Results run : runs) {
                Row r = run.rows.get(i);
                if (!r.what().equals(row.what()) || !r.goal().text().equals(row.goal().text())) {
                    throw new IllegalStateException("row " + i + " differs between the runs: " + r + " / " + row);
                }
                samePeer &= java.util.Objects.equals(r.peer(), row.peer());
            }
            out.append("| ").append(row.what()).append(" (").append(row.unit()).append(") | ")
                .append(row.peer() == null ? "" : samePeer ? row.peer() : BETTER_QUIC).append(" | ")
                .append(row.goal().text()).append(" |");
            for (Results run : runs) {
                Row r = run.rows.get(i);
                if (!samePeer && !r.peer().startsWith(BETTER_QUIC)) {
                    throw new IllegalStateException("row " + i + " has other peers in the runs: " + r + " / " + row);
                }
                out.append(' ').append(samePeer ? cells(r) : cells(r).replaceFirst(" \\| ",
                    " | " + r.peer().substring(BETTER_QUIC.length() + 2) + ": ")).append(" |");
            }
            out.append('\n');
        }
        return out.toString();
    }

    private static String header(List<Results> runs) {
        StringBuilder h = new StringBuilder("| measure | peer | goal |");
        StringBuilder rule = new StringBuilder("|---|---|---|");
        for (Results run : runs) {
            h.append(" ").append(run.jdkShort).append(": tunnel | peer | tunnel / peer | met |");
            rule.append("---|---|---|---|");
        }
        return h + "\n" + rule;
    }

    /** What is printed as the rows come: one JDK's cells. */
    static String markdownRow(Row r) {
        return "| " + r.what() + " (" + r.unit() + ") | " + (r.peer() == null ? "" : r.peer()) + " | "
            + r.goal().text() + " | " + cells(r) + " |";
    }

    private static String cells(Row r) {
        Boolean met = r.met();
        return cell(r.value()) + " | " + (r.peerValue() == null ? "" : cell(r.peerValue())) + " | "
            + (r.peerValue() == null ? "" : Double.isInfinite(r.ratio()) ? "∞ (peer's is 0)" : format("%.2f", r.ratio()))
            + " | " + (met == null ? "" : met ? "yes" : "**no**");
    }

    /** Every row of every run, each with its JDK. */
    static String json(List<Results> runs) {
        StringBuilder out = new StringBuilder("[\n");
        for (Results run : runs) {
            out.append(run.json());
        }
        if (out.length() > 2) {
            out.setLength(out.length() - 2);
            out.append('\n');
        }
        return out.append("]\n").toString();
    }

    void save(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (ObjectOutputStream out = new ObjectOutputStream(Files.newOutputStream(file))) {
            out.writeObject(this);
        }
    }

    static Results load(Path file) throws IOException, ClassNotFoundException {
        try (ObjectInputStream in = new ObjectInputStream(Files.newInputStream(file))) {
            return (Results) in.readObject();
        }
    }

    /** This run's rows as JSON objects, each followed by a comma and a new line. */
    private String json() {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            out.append("  {\"section\": ").append(quote(r.section()))
                .append(", \"what\": ").append(quote(r.what()))
                .append(", \"unit\": ").append(quote(r.unit()))
                .append(", \"value\": ").append(number(r.value().median()))
                .append(", \"min\": ").append(number(r.value().min()))
                .append(", \"max\": ").append(number(r.value().max()))
                .append(", \"peer\": ").append(r.peer() == null ? "null" : quote(r.peer()))
                .append(", \"peerValue\": ").append(r.peerValue() == null ? "null" : number(r.peerValue().median()))
                .append(", \"peerMin\": ").append(r.peerValue() == null ? "null" : number(r.peerValue().min()))
                .append(", \"peerMax\": ").append(r.peerValue() == null ? "null" : number(r.peerValue().max()))
                .append(", \"ratio\": ").append(number(r.ratio()))
                .append(", \"goal\": ").append(r.goal().text().isEmpty() ? "null" : quote(r.goal().text()))
                .append(", \"met\": ").append(r.met())
                .append(", \"runs\": ").append(r.value().values().length)
                .append(", \"date\": ").append(quote(date))
                .append(", \"jdk\": ").append(quote(jdk))
                .append(", \"salsa20\": ").append(quote(salsa20))
                .append(", \"command\": ").append(quote(command))
                .append("},\n");
        }
        return out.toString();
    }

    private static String cell(Samples s) {
        String f = s.median() >= 100 ? "%.0f" : s.median() >= 10 ? "%.1f" : "%.2f";
        return format(f + " (" + f + ".." + f + ")", s.median(), s.min(), s.max());
    }

    private static String number(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "null" : format("%.4g", v);
    }

    private static String format(String f, Object... args) {
        return String.format(Locale.ROOT, f, args);
    }

    private static String quote(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
