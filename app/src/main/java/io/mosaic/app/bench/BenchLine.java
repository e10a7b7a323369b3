package io.mosaic.app.bench;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * One line of {@code mosaic bench}: Mosaic's value in each round, its baseline's in the same
 * rounds (none for lines that have no baseline), the medians, their ratio and the target.
 *
 * @param name     what was measured, as the table shows it
 * @param unit     of the values, e.g. {@code images/s} or {@code ms}
 * @param mosaic   Mosaic's value per round
 * @param baseline the baseline's value per round; empty when the line has none
 * @param target   what the line should show
 */
public record BenchLine(String name, String unit, double[] mosaic, double[] baseline, Target target) {

    /** What a line should show: a ratio to its baseline at least so much, or a value at most so much. */
    public record Target(Kind kind, double bound) {

        public enum Kind { RATIO_AT_LEAST, RATIO_AT_MOST, AT_MOST, AT_LEAST, REPORT }

        public static Target ratioAtLeast(double ratio) {
            return new Target(Kind.RATIO_AT_LEAST, ratio);
        }

        public static Target ratioAtMost(double ratio) {
            return new Target(Kind.RATIO_AT_MOST, ratio);
        }

        public static Target atMost(double value) {
            return new Target(Kind.AT_MOST, value);
        }

        public static Target atLeast(double value) {
            return new Target(Kind.AT_LEAST, value);
        }

        public static Target report() {
            return new Target(Kind.REPORT, Double.NaN);
        }

        String describe(String unit) {
            return switch (kind) {
                case RATIO_AT_LEAST -> String.format(Locale.ROOT, ">= %.2fx", bound);
                case RATIO_AT_MOST -> String.format(Locale.ROOT, "<= %.2fx", bound);
                case AT_MOST -> String.format(Locale.ROOT, "<= %s %s", number(bound), unit);
                case AT_LEAST -> String.format(Locale.ROOT, ">= %s %s", number(bound), unit);
                case REPORT -> "report";
            };
        }
    }

    public BenchLine {
        if (mosaic.length == 0) {
            throw new IllegalArgumentException("a line needs at least one round: " + name);
        }
        mosaic = mosaic.clone();
        baseline = baseline.clone();
    }

    /** A line with no baseline. */
    public static BenchLine alone(String name, String unit, double[] mosaic, Target target) {
        return new BenchLine(name, unit, mosaic, new double[0], target);
    }

    public double mosaicMedian() {
        return median(mosaic);
    }

    public Optional<Double> baselineMedian() {
        return baseline.length == 0 ? Optional.empty() : Optional.of(median(baseline));
    }

    /** Mosaic's median over the baseline's; empty without a baseline. */
    public Optional<Double> ratio() {
        return baselineMedian().map(b -> mosaicMedian() / b);
    }

    /** Whether the target is met; empty for lines that only report. */
    public Optional<Boolean> met() {
        return switch (target.kind()) {
            case RATIO_AT_LEAST -> ratio().map(r -> r >= target.bound());
            case RATIO_AT_MOST -> ratio().map(r -> r <= target.bound());
            case AT_MOST -> Optional.of(mosaicMedian() <= target.bound());
            case AT_LEAST -> Optional.of(mosaicMedian() >= target.bound());
            case REPORT -> Optional.empty();
        };
    }

    public String targetText() {
        return target.describe(unit);
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** A percentile of {@code values} by the nearest-rank method; {@code p} from 0 to 100. */
    static double percentile(double[] values, double p) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    static String number(double value) {
        if (Double.isNaN(value)) {
            return "-";
        }
        return Math.abs(value) >= 100 ? String.format(Locale.ROOT, "%.0f", value) : String.format(Locale.ROOT, "%.2f", value);
    }
}
