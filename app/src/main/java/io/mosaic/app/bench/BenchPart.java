package io.mosaic.app.bench;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** The parts a run may be limited to. */
public enum BenchPart {
    SUBMIT, ANALYSIS, LATENCY, AGGREGATOR, FAIRNESS, SCALING, LAG, COLD_START,
    /** Jobs of growing size ({@code --scale}); not part of a run unless asked for. */
    SCALE;

    /** The lines a run has when none are named. */
    public static Set<BenchPart> standard() {
        return EnumSet.complementOf(EnumSet.of(SCALE));
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Optional<BenchPart> named(String label) {
        return Arrays.stream(values()).filter(p -> p.label().equals(label.trim().toLowerCase(Locale.ROOT))).findFirst();
    }

    public static String names() {
        return Arrays.stream(values()).map(BenchPart::label).collect(Collectors.joining(", "));
    }
}
