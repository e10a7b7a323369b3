package io.mosaic.app.lab;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * What an experiment measured: a small table for people, the lines that say what it shows, and
 * the same numbers by name, for the tests that check which way they point.
 */
public record LabResult(String title, List<String> columns, List<List<String>> rows, List<String> lessons, Map<String, Double> measures) {

    public LabResult {
        columns = List.copyOf(columns);
        rows = rows.stream().map(List::copyOf).toList();
        lessons = List.copyOf(lessons);
        measures = Map.copyOf(measures);
    }

    /** A number the experiment measured, by name. */
    public double measure(String name) {
        Double value = measures.get(name);
        if (value == null) {
            throw new NoSuchElementException("no measure '" + name + "'; the measures are " + measures.keySet());
        }
        return value;
    }

    /** The title, the table with its columns aligned, then the lessons. */
    public String render() {
        List<List<String>> lines = withHeader();
        int[] widths = new int[columns.size()];
        for (List<String> row : lines) {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        StringBuilder out = new StringBuilder(title).append("\n\n");
        for (int r = 0; r < lines.size(); r++) {
            appendRow(out, lines.get(r), widths);
            if (r == 0) {
                List<String> rule = new ArrayList<>();
                for (int width : widths) {
                    rule.add("-".repeat(width));
                }
                appendRow(out, rule, widths);
            }
        }
        out.append('\n');
        lessons.forEach(lesson -> out.append(lesson).append('\n'));
        return out.toString();
    }

    private List<List<String>> withHeader() {
        List<List<String>> all = new ArrayList<>();
        all.add(columns);
        all.addAll(rows);
        return all;
    }

    private static void appendRow(StringBuilder out, List<String> row, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < row.size(); i++) {
            String cell = row.get(i);
            // Text left, numbers right, as a reader scans them.
            boolean number = !cell.isEmpty() && (Character.isDigit(cell.charAt(0)) || cell.charAt(0) == '-' && cell.length() > 1);
            line.append(i == 0 ? "" : "  ").append(number ? pad(cell, widths[i], true) : pad(cell, widths[i], false));
        }
        out.append(line.toString().stripTrailing()).append('\n');
    }

    private static String pad(String text, int width, boolean left) {
        String spaces = " ".repeat(Math.max(0, width - text.length()));
        return left ? spaces + text : text + spaces;
    }

    /** Formats a ratio or a share with two decimals, as every table of the lab does. */
    public static String decimal(double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }

    /** Formats a share as a percentage with one decimal. */
    public static String percent(double share) {
        return String.format(Locale.ROOT, "%.1f%%", share * 100);
    }

    public static Builder builder(String title, String... columns) {
        return new Builder(title, List.of(columns));
    }

    /** Rows, lessons and measures, added as the experiment goes. */
    public static final class Builder {
        private final String title;
        private final List<String> columns;
        private final List<List<String>> rows = new ArrayList<>();
        private final List<String> lessons = new ArrayList<>();
        private final Map<String, Double> measures = new LinkedHashMap<>();

        private Builder(String title, List<String> columns) {
            this.title = title;
            this.columns = columns;
        }

        public Builder row(String... cells) {
            if (cells.length != columns.size()) {
                throw new IllegalArgumentException("a row of " + columns + " has " + columns.size() + " cells, got " + cells.length);
            }
            rows.add(List.of(cells));
            return this;
        }

        public Builder lesson(String format, Object... args) {
            lessons.add(String.format(Locale.ROOT, format, args));
            return this;
        }

        public Builder measure(String name, double value) {
            measures.put(name, value);
            return this;
        }

        public LabResult build() {
            return new LabResult(title, columns, rows, lessons, measures);
        }
    }
}
