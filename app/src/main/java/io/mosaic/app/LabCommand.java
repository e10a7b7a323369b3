package io.mosaic.app;

import io.mosaic.app.lab.Experiment;
import io.mosaic.app.lab.Lab;
import io.mosaic.app.lab.LabResult;
import io.mosaic.app.lab.LabRun;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mosaic lab}: runs one distributed-systems experiment on a real cluster and prints what it measured. */
@Command(name = "lab", header = "Run a distributed-systems experiment on a real cluster and print what it measured.", mixinStandardHelpOptions = true,
        description = {"Each experiment starts its own embedded Kafka cluster (brokers as child processes where one must be paused or cut "
                + "off), does one thing the field's ideas are about, prints a small table of what it measured and a few lines on "
                + "what the numbers show, and removes every process, port and folder it made. Where Kafka cannot show an idea, "
                + "the table says which rows come from a model fed with the same data.",
                "",
                "'mosaic lab list' names the experiments; see docs/lab.md for each one explained."})
final class LabCommand extends CommandBase.Local implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "NAME", description = "'list', or the experiment to run: ${COMPLETION-CANDIDATES}.",
            completionCandidates = Names.class)
    String name;

    @Mixin
    SeedOption seed;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = out();
        if (name.equals("list")) {
            int width = Lab.EXPERIMENTS.stream().mapToInt(e -> e.name().length()).max().orElse(0);
            for (Experiment experiment : Lab.EXPERIMENTS) {
                out.printf("%-" + width + "s  %s%n", experiment.name(), experiment.summary());
            }
            out.flush();
            return 0;
        }
        Experiment experiment = Lab.find(name)
                .orElseThrow(() -> usageError("no experiment '" + name + "'; the experiments are " + Lab.names() + " (or 'list')"));
        Logging.configure(verbose);
        long chosen = seed.value();
        out.printf("mosaic lab %s --seed %d%n", experiment.name(), chosen);
        out.flush();
        Path directory = Files.createTempDirectory("mosaic-lab-");
        try {
            long started = System.nanoTime();
            LabResult result = experiment.run(new LabRun(chosen, directory, line -> {
                out.printf("[%5.1fs] %s%n", (System.nanoTime() - started) / 1e9, line);
                out.flush();
            }));
            out.println();
            out.print(result.render());
            out.flush();
        } finally {
            deleteRecursively(directory);
            Logging.quietForShutdown();
        }
        return 0;
    }

    /** The experiments' names, for --help. */
    static final class Names implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return Lab.EXPERIMENTS.stream().map(Experiment::name).iterator();
        }
    }
}
