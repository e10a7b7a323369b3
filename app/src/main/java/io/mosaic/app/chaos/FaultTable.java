package io.mosaic.app.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The faults of several chaos runs, per kind: how many were injected, how many the pipeline
 * recovered from, recovery time p50 and max; and per run, what was lost and duplicated.
 */
public final class FaultTable {

    /** One run's part: its seed, what it found, and its faults. */
    public record Run(long seed, int lost, int duplicated, boolean passed, List<FaultRecord> faults) {
    }

    private final List<Run> runs = new ArrayList<>();

    public void add(Run run) {
        runs.add(run);
    }

    public List<Run> runs() {
        return List.copyOf(runs);
    }

    public int faults() {
        return runs.stream().mapToInt(r -> r.faults().size()).sum();
    }

    /** A Markdown table, one row per kind injected, and a total row. */
    public String markdown() {
        Map<FaultKind, List<FaultRecord>> byKind = new EnumMap<>(FaultKind.class);
        for (Run run : runs) {
            for (FaultRecord fault : run.faults()) {
                byKind.computeIfAbsent(fault.kind(), k -> new ArrayList<>()).add(fault);
            }
        }
        StringBuilder out = new StringBuilder();
        out.append("| fault | injected | recovered | recovery p50 | recovery max |\n");
        out.append("|---|---:|---:|---:|---:|\n");
        byKind.forEach((kind, faults) -> {
            List<Duration> times = faults.stream().flatMap(f -> f.recovery().stream()).sorted().toList();
            out.append(String.format(Locale.ROOT, "| %s | %d | %d | %s | %s |%n", kind.label(), faults.size(), times.size(),
                    times.isEmpty() ? "-" : Recovery.seconds(times.get((times.size() - 1) / 2)),
                    times.isEmpty() ? "-" : Recovery.seconds(times.get(times.size() - 1))));
        });
        int lost = runs.stream().mapToInt(Run::lost).sum();
        int duplicated = runs.stream().mapToInt(Run::duplicated).sum();
        long passed = runs.stream().filter(Run::passed).count();
        out.append(String.format(Locale.ROOT, "%n%d run(s), %d passed; %d faults; lost=%d duplicated=%d in all%n",
                runs.size(), passed, faults(), lost, duplicated));
        return out.toString();
    }
}
