package io.github.udptunnel.bench.compare;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The rows of one run, printed as they come and written at the end as Markdown and as JSON. */
final class Results {

    private final String command;
    private final String date = LocalDate.now().toString();
    private final String jdk = System.getProperty("java.vendor") + " " + System.getProperty("java.version");
    private final List<Row> rows = new ArrayList<>();

    Results(String command) {
        this.command = command;
    }

    void add(Row row) {
        rows.add(row);
        System.out.println(markdownRow(row));
    }

    String header() {
        return "| measure | tunnel | peer | peer's value | tunnel / peer | goal | met |\n|---|---|---|---|---|---|---|";
    }

    String markdown() {
        StringBuilder out = new StringBuilder();
        out.append("Measured ").append(date).append(", ").append(jdk).append(", ")
            .append(Runtime.getRuntime().availableProcessors()).append(" CPUs, by `").append(command)
            .append("`. Each cell: median of the runs (min..max).\n");
        String section = null;
        for (Row row : rows) {
            if (!row.section().equals(section)) {
                section = row.section();
                out.append("\n#### ").append(section).append("\n\n").append(header()).append('\n');
            }
            out.append(markdownRow(row)).append('\n');
        }
        return out.toString();
    }

    static String markdownRow(Row r) {
        Boolean met = r.met();
        return "| " + r.what() + " (" + r.unit() + ") | " + cell(r.value()) + " | " + (r.peer() == null ? "" : r.peer())
            + " | " + (r.peerValue() == null ? "" : cell(r.peerValue())) + " | "
            + (r.peerValue() == null ? "" : Double.isInfinite(r.ratio()) ? "∞ (peer's is 0)" : format("%.2f", r.ratio()))
            + " | " + r.goal().text() + " | "
            + (met == null ? "" : met ? "yes" : "**no**") + " |";
    }

    String json() {
        StringBuilder out = new StringBuilder("[\n");
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
                .append(", \"command\": ").append(quote(command))
                .append('}').append(i + 1 < rows.size() ? ",\n" : "\n");
        }
        return out.append("]\n").toString();
    }

    void write(Path json) throws IOException {
        Files.createDirectories(json.toAbsolutePath().getParent());
        Files.writeString(json, json());
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
