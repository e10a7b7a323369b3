package io.mosaic.app.plan;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How many worker cores, partitions and brokers a job of {@code images} needs to finish within a
 * deadline, from per-image costs that {@code mosaic bench} measures. Arithmetic, not simulation:
 * every line of {@link #lines()} says what it assumed.
 *
 * @param images images in the job
 * @param deadline time the job may take, submit to COMPLETED
 * @param costs what one image costs (analysis, pipeline, brokers, bytes)
 * @param machine cores of one machine and how busy it may run
 */
public record CapacityPlan(long images, Duration deadline, Costs costs, Machine machine) {

    /** Most partitions one broker should lead and follow: the usual guidance for KRaft clusters. */
    public static final int PARTITIONS_PER_BROKER = 4_000;
    /** Replicas of every topic, as Mosaic creates them on three or more brokers. */
    public static final int REPLICATION_FACTOR = 3;

    /**
     * What one image costs.
     *
     * @param analysisMs CPU milliseconds of analysis (the analyzer called directly)
     * @param pipelineUs CPU microseconds the pipeline adds per image in the worker (fetch, serde,
     *     consumer, transactional producer), beyond analysis
     * @param brokerUs broker CPU microseconds per image (task and result written, read, replicated,
     *     transaction markers)
     * @param taskBytes bytes of a task record on the wire
     * @param resultBytes bytes of a result record on the wire
     * @param inSystemMs time an image spends in the pipeline besides its analysis: waiting for the
     *     worker's transaction to commit and the aggregator's to count it
     */
    public record Costs(double analysisMs, double pipelineUs, double brokerUs, int taskBytes, int resultBytes, double inSystemMs) {

        /**
         * Measured on a 2-core machine by {@code mosaic bench}: 640 x 480 images (direct analysis
         * CPU), the pipeline's own cost at 100,000 images ({@code --scale}), the brokers' request
         * threads per image, Avro records of a typical file URI.
         */
        public static Costs measured() {
            return new Costs(17.7, 153, 120, 160, 330, 250);
        }

        /** CPU seconds one image costs a worker: analysis and the pipeline's own. */
        public double workerSeconds() {
            return analysisMs / 1e3 + pipelineUs / 1e6;
        }

        public Costs withAnalysisMs(double ms) {
            return new Costs(ms, pipelineUs, brokerUs, taskBytes, resultBytes, inSystemMs);
        }
    }

    /**
     * @param cores cores of one machine
     * @param utilisation the share of those cores a plan may count on (queues grow without bound
     *     as it nears 1)
     * @param brokerMBps bytes per second one broker's disks and network take, in MB/s
     */
    public record Machine(int cores, double utilisation, double brokerMBps) {

        public static Machine typical() {
            return new Machine(8, 0.7, 100);
        }
    }

    public CapacityPlan {
        if (images < 1 || deadline.isNegative() || deadline.isZero()) {
            throw new IllegalArgumentException("a plan needs at least one image and a positive deadline");
        }
        if (machine.cores() < 1 || machine.utilisation() <= 0 || machine.utilisation() > 1) {
            throw new IllegalArgumentException("cores must be at least 1 and utilisation in (0, 1]");
        }
    }

    /** The plan for {@code machines} worker machines: the deadline is the time they take. */
    public static CapacityPlan forMachines(long images, long machines, Costs costs, Machine machine) {
        double busyCores = machines * machine.cores() * machine.utilisation();
        double seconds = images * costs.workerSeconds() / busyCores;
        return new CapacityPlan(images, Duration.ofMillis(Math.max(1, Math.round(seconds * 1000))), costs, machine);
    }

    /** The images per second the deadline asks for: lambda. */
    public double rate() {
        return images / (deadline.toMillis() / 1000.0);
    }

    /** CPU seconds one image costs a worker. */
    public double workerSecondsPerImage() {
        return costs.workerSeconds();
    }

    /** Worker cores: rate x CPU per image, at the planned utilisation. */
    public long workerCores() {
        return (long) Math.ceil(rate() * workerSecondsPerImage() / machine.utilisation());
    }

    public long workerMachines() {
        return ceilDiv(workerCores(), machine.cores());
    }

    /** Analyzer threads: one per worker core, each a consumer of the group, each needing a partition of its own. */
    public long partitions() {
        return Math.max(12, workerCores());
    }

    /** Brokers: enough CPU, enough disk and network for the replicated bytes, few enough partitions each; never fewer than three. */
    public long brokers() {
        long forCpu = (long) Math.ceil(rate() * costs.brokerUs() / 1e6 / machine.utilisation() / machine.cores());
        long forBytes = (long) Math.ceil(bytesPerSecond() * REPLICATION_FACTOR / (machine.brokerMBps() * 1e6 * machine.utilisation()));
        long forPartitions = ceilDiv(partitions() * 2L * REPLICATION_FACTOR, PARTITIONS_PER_BROKER);
        return Math.max(REPLICATION_FACTOR, Math.max(forCpu, Math.max(forBytes, forPartitions)));
    }

    /** Bytes per second written by producers: a task and a result per image. */
    public double bytesPerSecond() {
        return rate() * (costs.taskBytes() + costs.resultBytes());
    }

    /** W: seconds an image spends in the system when images arrive steadily at the planned rate. */
    public double secondsInSystem() {
        return costs.workerSeconds() + costs.inSystemMs() / 1e3;
    }

    /** Little's law, L = lambda W: images in the system (lag plus in analysis) at a steady rate. */
    public double imagesInSystem() {
        return rate() * secondsInSystem();
    }

    /** The plan as lines for a terminal, each with what it assumed. */
    public List<String> lines() {
        List<String> lines = new ArrayList<>();
        lines.add(f("job: %,d images within %s: lambda = %,.0f images/s", images, human(deadline), rate()));
        lines.add(f("one image: %.2f ms of analysis + %.0f us of pipeline = %.2f ms of worker CPU; %.0f us of broker CPU;"
                        + " %d + %d bytes (task, result)", costs.analysisMs(), costs.pipelineUs(), workerSecondsPerImage() * 1e3,
                costs.brokerUs(), costs.taskBytes(), costs.resultBytes()));
        lines.add(f("worker cores: %,.0f images/s x %.2f ms / %.0f%% utilisation = %,d cores: %,d machines of %d cores",
                rate(), workerSecondsPerImage() * 1e3, machine.utilisation() * 100, workerCores(), workerMachines(), machine.cores()));
        lines.add(f("partitions of mosaic.image-tasks: %,d (one per analyzer thread: a partition feeds one consumer of a group)",
                partitions()));
        lines.add(f("brokers: %,d (CPU %.0f us x %,.0f/s; %.1f MB/s written x %d replicas at %.0f MB/s each; %,d partition replicas"
                        + " of tasks and results at most %,d a broker; at least %d)", brokers(), costs.brokerUs(), rate(),
                bytesPerSecond() / 1e6, REPLICATION_FACTOR, machine.brokerMBps(), partitions() * 2L * REPLICATION_FACTOR,
                PARTITIONS_PER_BROKER, REPLICATION_FACTOR));
        lines.add(f("Little's law, images arriving steadily at lambda: W = %.0f ms in the system (analysis + %.0f ms of commits),"
                + " L = lambda W = %,.0f images in flight: the lag to expect", secondsInSystem() * 1e3, costs.inSystemMs(), imagesInSystem()));
        lines.add(f("submitted at once (mosaic submit): the lag starts at %,d and falls by about lambda a second; an image waits"
                + " %s on average (L/lambda with L averaging half the job)", images, human(Duration.ofMillis(deadline.toMillis() / 2))));
        lines.add("assumed: analysis scales with cores (one analyzer thread per core, images read from where every worker can);"
                + " the costs are those given or measured by mosaic bench on its machine; brokers and workers on separate machines");
        return lines;
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }

    /** 90 s, 25 min, 6.5 h, 3 d. */
    public static String human(Duration d) {
        double s = d.toMillis() / 1000.0;
        if (s < 120) {
            return f("%.0f s", s);
        } else if (s < 7_200) {
            return f("%.0f min", s / 60);
        } else if (s < 172_800) {
            return f("%.1f h", s / 3_600);
        }
        return f("%.1f d", s / 86_400);
    }

    /** "90s", "25m", "6h", "3d", or ISO-8601 ("PT6H"). */
    public static Duration parseDuration(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.startsWith("p")) {
            return Duration.parse(text.trim().toUpperCase(Locale.ROOT));
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(s|m|min|h|d)").matcher(t);
        if (!m.matches()) {
            throw new IllegalArgumentException("a duration is a number and a unit (s, m, h, d), e.g. 90m or 24h; got '" + text + "'");
        }
        double value = Double.parseDouble(m.group(1));
        double seconds = switch (m.group(2)) {
            case "s" -> value;
            case "m", "min" -> value * 60;
            case "h" -> value * 3_600;
            default -> value * 86_400;
        };
        return Duration.ofMillis(Math.round(seconds * 1000));
    }
}
