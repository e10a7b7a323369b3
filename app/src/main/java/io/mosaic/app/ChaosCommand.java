package io.mosaic.app;

import io.mosaic.app.chaos.ChaosRun;
import io.mosaic.app.chaos.ChaosSettings;
import io.mosaic.app.chaos.FaultKind;
import io.mosaic.app.chaos.FaultTable;
import io.mosaic.platform.net.IsolatedNetwork;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code mosaic chaos}: proves exactly-once under faults. Runs a job through separate processes,
 * injects faults from a seed, and checks the job's summary against the truth from its input.
 */
@Command(name = "chaos", header = "Run a job through separate processes under injected faults and check it was counted exactly once.", mixinStandardHelpOptions = true,
        description = {"Run a job of generated images through separate processes (3 brokers, the schema registry, "
                + "workers, 2 aggregators with a standby replica), inject faults at moments drawn from a seed, restart what was "
                + "killed, heal what was cut, and check that every task was counted exactly once.",
                "",
                "Fault kinds: processes (kill -9 a worker or the aggregator that owns the job, SIGSTOP a worker until it is "
                + "fenced, restart a worker, resubmit the job, kill the schema registry), brokers (kill -9 one, SIGSTOP one, "
                + "kill -9 two of three) and the network, with every broker, worker and aggregator in a network namespace of "
                + "its own (cut one broker off from everyone; cut the results leader off from its followers and the controller "
                + "while clients still reach it; cut a worker or aggregator off from the brokers; slow one broker's link). "
                + "Network faults need root, iproute2 and nftables; where the machine has none, they are left out with a line "
                + "saying why.",
                "",
                "Prints one line 'faults=K lost=L duplicated=D ...' per seed with the measured recovery times, and with "
                + "--seeds a table per fault kind; exits 1 unless every seed passes every check."})
final class ChaosCommand extends CommandBase.Local implements Callable<Integer> {

    @Option(names = "--images", paramLabel = "N", defaultValue = "500", description = "Images in the job (one in 20 broken on purpose). Default: ${DEFAULT-VALUE}.")
    int images;

    @Option(names = "--faults", paramLabel = "K", defaultValue = "10", description = "Faults to inject. Default: ${DEFAULT-VALUE}.")
    int faults;

    @Mixin
    SeedOption seed;

    @Option(names = "--unsafe", description = "Turn the protections off (workers acks=1 without transactions, the aggregator at least once without de-duplication, unclean leader election): the checker must then find duplicates or losses.")
    boolean unsafe;

    @Option(names = "--workers", paramLabel = "W", defaultValue = "2", description = "Worker processes (2 analyzer threads each). Default: ${DEFAULT-VALUE}.")
    int workers;

    @Option(names = "--standby-replicas", paramLabel = "0|1", defaultValue = "1",
            description = "Warm copies of the aggregator's state on the other instance; 0 to measure fail-over without. Default: ${DEFAULT-VALUE}.")
    int standbyReplicas;

    @Option(names = "--publish-over", paramLabel = "SECONDS",
            description = "Spread the publishing of the job's tasks over this long, so that faults strike while work is in flight. Default: "
                    + ChaosSettings.PUBLISH_SECONDS_PER_FAULT + " s per fault, at least 20 s.")
    Long publishOverSeconds;

    @Option(names = "--isolated", description = "Run every broker, worker and aggregator in a network namespace of its own, at its own"
            + " address, even when no network fault is drawn (network faults imply it; needs root, iproute2 and nftables).")
    boolean isolated;

    @Option(names = "--keep", description = "Keep the run's directory (every process's log, the brokers' data) even when the check passes.")
    boolean keep;

    @Option(names = "--kinds", paramLabel = "KIND", split = ",",
            description = "Fault kinds to draw from, comma-separated: ${COMPLETION-CANDIDATES}. Default: every kind this machine can inject.",
            completionCandidates = KindLabels.class)
    List<String> kinds;

    @Option(names = "--seeds", paramLabel = "N", defaultValue = "1",
            description = "Runs, one after another, with seeds S, S+1, ...; prints a table per fault kind at the end. Default: ${DEFAULT-VALUE}.")
    int seeds;

    @Option(names = "--markdown", paramLabel = "FILE", description = "Also write the table per fault kind, with the command, to FILE (e.g. RELIABILITY.md).")
    Path markdown;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "600", description = "Longest wait for the job after it is submitted. Default: ${DEFAULT-VALUE}.")
    long timeoutSeconds;

    @Override
    public Integer call() throws Exception {
        if (seeds < 1 || seeds > 1_000) {
            throw usageError("--seeds must be between 1 and 1000, got " + seeds);
        }
        Optional<String> noNetwork = IsolatedNetwork.unavailable();
        Set<FaultKind> chosen = chosenKinds(noNetwork);
        if (isolated && noNetwork.isPresent()) {
            throw usageError("--isolated needs network namespaces, which this machine cannot make: " + noNetwork.get());
        }
        long first = seed.value();
        List<ChaosSettings> runs = new ArrayList<>();
        try {
            for (int i = 0; i < seeds; i++) {
                runs.add(new ChaosSettings(images, faults, first + i, unsafe, workers, standbyReplicas,
                        publishOverSeconds != null ? Duration.ofSeconds(publishOverSeconds) : ChaosSettings.defaultPublishOver(faults),
                        keep, Duration.ofSeconds(timeoutSeconds), chosen, isolated));
            }
        } catch (IllegalArgumentException e) {
            throw usageError(e.getMessage());
        }
        Logging.configure(verbose);
        PrintWriter out = out();
        FaultTable table = new FaultTable();
        for (ChaosSettings settings : runs) {
            ChaosRun.Outcome outcome = new ChaosRun(settings, out).run();
            table.add(new FaultTable.Run(settings.seed(), outcome.verdict().lost(), outcome.verdict().duplicated(), outcome.passed(), outcome.faults()));
            if (markdown != null) {
                // After every seed, so that a long run stopped early keeps what it measured.
                writeMarkdown(table, first, settings.seed());
            }
        }
        if (seeds > 1 || markdown != null) {
            out.println();
            out.print(table.markdown());
            out.flush();
        }
        if (markdown != null) {
            out.println("wrote " + markdown);
        }
        Logging.quietForShutdown();
        return table.runs().stream().allMatch(FaultTable.Run::passed) ? 0 : 1;
    }

    private void writeMarkdown(FaultTable table, long first, long last) throws java.io.IOException {
        StringBuilder seedLines = new StringBuilder("| seed | faults | lost | duplicated | passed |\n|---:|---:|---:|---:|---|\n");
        for (FaultTable.Run run : table.runs()) {
            seedLines.append("| ").append(run.seed()).append(" | ").append(run.faults().size()).append(" | ").append(run.lost())
                    .append(" | ").append(run.duplicated()).append(" | ").append(run.passed() ? "yes" : "NO").append(" |\n");
        }
        Files.writeString(markdown, "# Reliability\n\nWritten by `./mosaic " + String.join(" ", spec.commandLine().getParseResult().originalArgs())
                + "` on " + LocalDate.now() + ": seeds " + first + " to " + last + ", " + table.faults() + " faults.\n\n"
                + "Recovery is the time from the end of a fault (restart, SIGCONT, heal) until the pipeline is whole again:"
                + " every replica in sync for broker and network faults, every worker back in its group, the job's summary"
                + " moving again after an aggregator's kill.\n\n" + table.markdown() + "\n" + seedLines);
    }

    /** The kinds asked for, or every kind this machine can inject; network kinds need namespaces and nftables. */
    private Set<FaultKind> chosenKinds(Optional<String> noNetwork) {
        if (kinds == null || kinds.isEmpty()) {
            Set<FaultKind> all = EnumSet.allOf(FaultKind.class);
            noNetwork.ifPresent(reason -> {
                all.removeIf(FaultKind::network);
                out().println("network faults left out: " + reason);
            });
            return all;
        }
        Set<FaultKind> chosen = EnumSet.noneOf(FaultKind.class);
        for (String label : kinds) {
            FaultKind kind = FaultKind.labelled(label.trim())
                    .orElseThrow(() -> usageError("--kinds: no fault kind '" + label + "'; the kinds are " + FaultKind.labels()));
            if (kind.network() && noNetwork.isPresent()) {
                throw usageError("--kinds: " + label + " cuts the network, which this machine cannot do: " + noNetwork.get());
            }
            chosen.add(kind);
        }
        return chosen;
    }

    /** The fault kinds' labels, for --help. */
    static final class KindLabels implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return Arrays.stream(FaultKind.values()).map(FaultKind::label).iterator();
        }
    }
}
