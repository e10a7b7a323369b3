package io.mosaic.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mosaic.app.plan.CapacityPlan;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mosaic plan}: worker cores, partitions and brokers for a job and a deadline, from measured costs. */
@Command(name = "plan", header = "Plan the cores, partitions and brokers a job needs to meet a deadline.", mixinStandardHelpOptions = true,
        description = "From the per-image costs mosaic bench measures (analysis CPU, the pipeline's own CPU, broker CPU, "
                + "record sizes), prints the worker cores and machines, the partitions of the tasks topic, the brokers, "
                + "and with Little's law (L = lambda W) the lag to expect, each with what it assumed. Give --deadline, "
                + "or --machines to learn how long the job takes on that many. Example: mosaic plan --images 1000000000 "
                + "--machines 1000")
final class PlanCommand extends CommandBase implements Callable<Integer> {

    @Option(names = "--images", paramLabel = "N", required = true, description = "Images in the job.")
    long images;

    @ArgGroup(multiplicity = "1")
    Goal goal;

    static final class Goal {
        @Option(names = "--deadline", paramLabel = "D", description = "Time the job may take: 90m, 24h, 7d or ISO-8601 (PT6H).")
        String deadline;

        @Option(names = "--machines", paramLabel = "M", description = "Worker machines there are; the plan says how long the job takes.")
        Long machines;
    }

    @Option(names = "--image-ms", paramLabel = "MS", description = "Analysis CPU per image in ms. Default: 17.7 (640x480, measured).")
    Double imageMs;

    @Option(names = "--cores", paramLabel = "N", defaultValue = "8", description = "Cores per machine. Default: ${DEFAULT-VALUE}.")
    int cores;

    @Option(names = "--utilisation", paramLabel = "U", defaultValue = "0.7",
            description = "Share of the cores to count on, above 0 and at most 1. Default: ${DEFAULT-VALUE}.")
    double utilisation;

    @Option(names = "--bench-json", paramLabel = "FILE",
            description = "Costs from a mosaic bench --json file of this cluster (analysis CPU per image, the pipeline's own CPU per image).")
    Path benchJson;

    @Override
    public Integer call() throws IOException {
        if (images < 1 || cores < 1 || !(utilisation > 0 && utilisation <= 1) || (imageMs != null && !(imageMs > 0))) {
            throw usageError("--images and --cores must be at least 1, --utilisation in (0, 1], --image-ms above 0");
        }
        CapacityPlan.Costs costs = CapacityPlan.Costs.measured();
        String source = "costs measured by mosaic bench on a 2-core machine (BENCHMARKS.md)";
        if (benchJson != null) {
            costs = fromBench(costs, new ObjectMapper().readTree(benchJson.toFile()));
            source = "costs from " + benchJson;
        }
        if (imageMs != null) {
            costs = costs.withAnalysisMs(imageMs);
        }
        CapacityPlan.Machine machine = new CapacityPlan.Machine(cores, utilisation, CapacityPlan.Machine.typical().brokerMBps());
        CapacityPlan plan;
        if (goal.deadline != null) {
            Duration deadline;
            try {
                deadline = CapacityPlan.parseDuration(goal.deadline);
            } catch (IllegalArgumentException | java.time.format.DateTimeParseException e) {
                throw usageError("--deadline: " + e.getMessage());
            }
            if (deadline.isZero() || deadline.isNegative()) {
                throw usageError("--deadline must be positive");
            }
            plan = new CapacityPlan(images, deadline, costs, machine);
        } else {
            if (goal.machines < 1) {
                throw usageError("--machines must be at least 1");
            }
            plan = CapacityPlan.forMachines(images, goal.machines, costs, machine);
        }
        PrintWriter out = out();
        if (goal.machines != null) {
            out.printf("%,d machines of %d cores finish %,d images in %s%n", goal.machines, cores, images, CapacityPlan.human(plan.deadline()));
        }
        plan.lines().forEach(out::println);
        out.println("(" + source + "; --image-ms, --cores, --utilisation and --bench-json change them)");
        out.flush();
        return 0;
    }

    /** The analysis and pipeline costs of a bench run: direct CPU per image, and the pipeline's own at the largest scale size. */
    private CapacityPlan.Costs fromBench(CapacityPlan.Costs costs, JsonNode bench) {
        double analysis = costs.analysisMs();
        double pipeline = costs.pipelineUs();
        int largest = -1;
        for (JsonNode line : bench.path("lines")) {
            String name = line.path("line").asText();
            if (name.startsWith("analysis pipeline: CPU per image") && line.has("baseline")) {
                analysis = line.get("baseline").asDouble();
            }
            java.util.regex.Matcher scale = java.util.regex.Pattern.compile("scale ([\\d,]+) images.*CPU per image the pipeline adds").matcher(name);
            if (scale.lookingAt()) {
                int size = Integer.parseInt(scale.group(1).replace(",", ""));
                if (size > largest) {
                    largest = size;
                    pipeline = line.get("mosaic").asDouble();
                }
            }
        }
        return new CapacityPlan.Costs(analysis, pipeline, costs.brokerUs(), costs.taskBytes(), costs.resultBytes(), costs.inSystemMs());
    }
}
