package io.mosaic.app.lab;

import com.sun.management.OperatingSystemMXBean;
import io.mosaic.analysis.ImageAnalyzer;
import io.mosaic.analysis.samples.SampleImages;
import io.mosaic.app.Pipeline;
import io.mosaic.app.Wiring;
import io.mosaic.app.bench.AnalysisBench;
import io.mosaic.app.chaos.ChildJvm;
import io.mosaic.consumers.worker.AnalyzerWorker;
import io.mosaic.consumers.worker.WorkerSettings;
import io.mosaic.platform.config.DispatchSettings;
import io.mosaic.platform.config.KafkaSettings;
import io.mosaic.platform.config.MosaicConfig;
import io.mosaic.platform.config.SourceRoots;
import io.mosaic.platform.kafka.TopicFollower;
import io.mosaic.platform.progress.Progress;
import io.mosaic.producers.JobSubmitter;
import io.mosaic.schemas.ImageResult;
import io.mosaic.schemas.ImageTask;
import io.mosaic.schemas.Topics;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * One process against several: the same images analysed three ways on two threads. Direct calls
 * of the analyzer in this process (no messaging at all); the pipeline in one process (the broker,
 * the registry's client and two analyzer threads in this JVM); and two worker processes of one
 * thread each, of which one is killed with SIGKILL a third of the way through. Measured: the
 * latency of one task (the call, or from the task being readable in its topic to its result
 * being readable in the results topic), images per second, CPU per image of every process
 * involved (this one and its children: the registry, the workers), and what a crash takes down.
 * The direct calls and the pipeline in one process each do the work once unmeasured first, so both
 * are measured warm, and their rows are medians of a few rounds; the worker processes start cold,
 * as new processes do.
 */
final class ScaleExperiment implements Experiment.Trial {

    static final int IMAGES = 240;
    static final int THREADS = 2;
    /** Jobs of one image, sent one after another into an idle pipeline: the latency of one task alone. */
    static final int LONE_TASKS = 10;
    /** Rounds of direct calls over the job's images; the direct row is their median. */
    private static final int DIRECT_ROUNDS = 5;
    /** Jobs through the worker in this process, after its warm-up; its row is their median. */
    private static final int PIPELINE_ROUNDS = 3;
    private static final int WIDTH = 320;
    private static final int HEIGHT = 240;
    /** A task alone is a small image, so that what it costs besides the analysis shows. */
    private static final int LONE_SIZE = 96;
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final Duration SESSION_TIMEOUT = Duration.ofSeconds(6);

    /** One way of running the job: rate, CPU per image, and results; and the median latency of a task alone. */
    private record Run(double imagesPerSecond, double cpuMillisPerImage, int results, double latencyMicros) {

        Run withLatency(double micros) {
            return new Run(imagesPerSecond, cpuMillisPerImage, results, micros);
        }
    }

    @Override
    public LabResult run(LabRun run) throws Exception {
        Path root = run.directory().resolve("images");
        Path images = Files.createDirectories(root.resolve("job"));
        for (int i = 0; i < IMAGES; i++) {
            String format = i % 2 == 0 ? "jpg" : "png";
            SampleImages.write(SampleImages.scene(run.seed() * 1_000 + i, WIDTH, HEIGHT), format,
                    images.resolve(String.format(Locale.ROOT, "scene-%04d.%s", i, format)));
        }
        List<Path> lone = new ArrayList<>();
        for (int i = 0; i < 3 * LONE_TASKS; i++) {
            Path dir = Files.createDirectories(root.resolve(String.format(Locale.ROOT, "lone-%02d", i)));
            SampleImages.write(SampleImages.scene(run.seed() * 1_000 + IMAGES + i, LONE_SIZE, LONE_SIZE), "jpg", dir.resolve("scene.jpg"));
            lone.add(dir);
        }
        try (Pipeline pipeline = Pipeline.builder().brokers(1).services(false).images(root)
                .reportDir(run.directory().resolve("reports")).workDir(run.directory().resolve("work")).instanceId("lab").start()) {
            // Tasks straight into the workers' topic, as the dispatcher would let them in: no aggregator needed.
            MosaicConfig config = pipeline.config().with(DispatchSettings.ENABLED, "false");
            run.say("1 broker and the schema registry are up; %d images of %dx%d, %d threads each way", IMAGES, WIDTH, HEIGHT, THREADS);
            direct(config, images, 1, List.of()); // warms the analyzer's code up, as the pipeline runs below find it
            Run direct = direct(config, images, DIRECT_ROUNDS, lone.subList(2 * LONE_TASKS, 3 * LONE_TASKS));
            run.say("direct calls: %.0f images/s", direct.imagesPerSecond());
            Timeline timeline = new Timeline(pipeline.topics());
            TopicFollower follower = new TopicFollower(config, "lab-scale",
                    List.of(pipeline.topics().imageTasks().name(), pipeline.topics().imageResults().name()), timeline);
            follower.start();
            try {
                Run oneProcess = inProcess(config, pipeline.topics(), images, lone.subList(0, LONE_TASKS), timeline);
                run.say("one process through the broker: %.0f images/s", oneProcess.imagesPerSecond());
                ProcessRun processes = workerProcesses(config, pipeline.topics(), images, lone.subList(LONE_TASKS, 2 * LONE_TASKS), timeline, run);
                run.say("two worker processes: %.0f images/s, one killed; %d of %d results", processes.run().imagesPerSecond(),
                        processes.run().results(), IMAGES);
                return result(direct, oneProcess, processes);
            } finally {
                follower.stop();
            }
        }
    }

    /** The analyzer called on a pool of {@link #THREADS}, as the workers' threads call it, {@code rounds} times; then on each of {@code lone} alone. */
    private static Run direct(MosaicConfig config, Path images, int rounds, List<Path> lone) throws Exception {
        ImageAnalyzer analyzer = new ImageAnalyzer(WorkerSettings.from(config).limits());
        List<Path> files;
        try (Stream<Path> list = Files.list(images)) {
            files = list.sorted().toList();
        }
        Run calls = rounds(rounds, files.size(), round -> AnalysisBench.direct(analyzer, files, THREADS).imagesPerSecond());
        List<Long> micros = new ArrayList<>();
        for (Path dir : lone) {
            Path file = dir.resolve("scene.jpg");
            long t = System.nanoTime();
            analyzer.analyze(file);
            micros.add((System.nanoTime() - t) / 1_000);
        }
        return calls.withLatency(median(micros));
    }

    /** An analyzer worker of {@link #THREADS} threads in this process, beside the broker. */
    private static Run inProcess(MosaicConfig config, Topics topics, Path images, List<Path> lone, Timeline timeline) throws Exception {
        MosaicConfig own = config.with(KafkaSettings.INSTANCE_ID, "in-process").with(WorkerSettings.THREADS, Integer.toString(THREADS));
        AnalyzerWorker worker = new AnalyzerWorker(own, topics, Wiring.taskProcessor(own));
        try {
            worker.start();
            // The job and the tasks alone once unmeasured: the client's, the broker's and the transactions'
            // code is compiled by then, as the analyzer's is for the direct calls.
            String warmUp = submit(config, topics, images, "scale-one-process-warm-up");
            Waits.until(WAIT, () -> timeline.results(warmUp) >= IMAGES, "every result of the warm-up job in one process");
            alone(config, topics, lone, timeline, "scale-warm-up-");
            Run jobs = rounds(PIPELINE_ROUNDS, IMAGES, round -> {
                String job = submit(config, topics, images, "scale-one-process-" + round);
                Waits.until(WAIT, () -> timeline.results(job) >= IMAGES, "every result of the job in one process");
                return timeline.run(job, 0).imagesPerSecond();
            });
            return jobs.withLatency(alone(config, topics, lone, timeline, "scale-"));
        } finally {
            worker.stop();
        }
    }

    /** One round of a way of running the job: its images per second. */
    private interface Round {
        double imagesPerSecond(int round) throws Exception;
    }

    /**
     * {@code rounds} rounds of {@code images} images: the median rate and the median CPU per image of
     * every process of the run (this one and its children), measured around each round. One round is
     * a second or two of work, which one JIT compilation or collection can move by a third.
     */
    private static Run rounds(int rounds, int images, Round round) throws Exception {
        List<Double> rates = new ArrayList<>();
        List<Double> cpuPerImage = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            Map<Long, Long> cpu = cpuByProcess();
            rates.add(round.imagesPerSecond(i));
            cpuPerImage.add(cpuSince(cpu) / 1e6 / images);
        }
        return new Run(median(rates), median(cpuPerImage), images, 0);
    }

    /** What two worker processes did, one of them killed: the run, and how long after the kill the job was done. */
    private record ProcessRun(Run run, int resultsAfterKill, double finishedAfterKillSeconds) {
    }

    /**
     * Two worker processes of one thread each: a job, tasks alone, then the same job again, the
     * first worker killed once a third of its results are in.
     */
    private static ProcessRun workerProcesses(MosaicConfig config, Topics topics, Path images, List<Path> lone, Timeline timeline, LabRun run)
            throws Exception {
        List<ChildJvm> workers = new ArrayList<>();
        for (String name : List.of("w1", "w2")) {
            List<String> args = new ArrayList<>(ChildJvm.connection(config));
            args.addAll(List.of("--threads", "1", "--http-port", "0",
                    "--set", KafkaSettings.INSTANCE_ID.key() + "=" + name,
                    "--set", SourceRoots.FILE_ALLOWED_ROOTS.key() + "=" + images.toAbsolutePath(),
                    "--set", "kafka.session.timeout.ms=" + SESSION_TIMEOUT.toMillis(),
                    "--set", "kafka.heartbeat.interval.ms=" + SESSION_TIMEOUT.toMillis() / 3));
            workers.add(new ChildJvm(name, "worker", args, "256m", run.directory().resolve(name + ".log")));
        }
        try {
            for (ChildJvm worker : workers) {
                worker.start();
            }
            for (ChildJvm worker : workers) {
                worker.awaitRunning(Duration.ofSeconds(60));
            }
            Map<Long, Long> cpu = cpuByProcess();
            String first = submit(config, topics, images, "scale-processes");
            Waits.until(WAIT, () -> timeline.results(first) >= IMAGES, "every result of the job from two processes");
            Run whole = timeline.run(first, cpuSince(cpu) / 1e6 / IMAGES).withLatency(alone(config, topics, lone, timeline, "scale-"));
            String job = submit(config, topics, images, "scale-processes-crash");
            Waits.until(WAIT, () -> timeline.results(job) >= IMAGES / 3, "a third of the results from two processes");
            workers.get(0).kill();
            long killed = System.nanoTime();
            Waits.until(WAIT, () -> timeline.results(job) >= IMAGES, "every result of the job after the kill");
            double finished = (System.nanoTime() - killed) / 1e9;
            return new ProcessRun(whole, timeline.results(job), finished);
        } finally {
            workers.forEach(ChildJvm::destroy);
        }
    }

    /** Jobs of one image each, one after another: the median time from a task readable to its result readable. */
    private static double alone(MosaicConfig config, Topics topics, List<Path> lone, Timeline timeline, String jobPrefix)
            throws InterruptedException {
        List<Long> micros = new ArrayList<>();
        for (Path dir : lone) {
            String job = submit(config, topics, dir, jobPrefix + dir.getFileName());
            Waits.until(WAIT, () -> timeline.results(job) >= 1, "the result of a task alone");
            micros.add((long) timeline.run(job, 0).latencyMicros());
        }
        return median(micros);
    }

    private static String submit(MosaicConfig config, Topics topics, Path images, String jobId) {
        try (JobSubmitter submitter = new JobSubmitter(config, topics)) {
            return submitter.submit(images, jobId, Progress.none()).jobId();
        }
    }

    /** When each task and each result of the job became readable, as a consumer sees them. */
    private static final class Timeline implements TopicFollower.Handler {

        private final Topics topics;
        private final Map<String, Long> taskSeen = new ConcurrentHashMap<>();
        private final Map<String, Long> resultSeen = new ConcurrentHashMap<>();
        private final Map<String, String> jobOf = new ConcurrentHashMap<>();

        Timeline(Topics topics) {
            this.topics = topics;
        }

        @Override
        public void accept(org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]> record) {
            long now = System.nanoTime();
            if (record.topic().equals(topics.imageTasks().name())) {
                ImageTask task = topics.imageTasks().valueSerde().deserializer().deserialize(record.topic(), record.value());
                taskSeen.putIfAbsent(task.getTaskId(), now);
                jobOf.put(task.getTaskId(), task.getJobId());
            } else {
                ImageResult result = topics.imageResults().valueSerde().deserializer().deserialize(record.topic(), record.value());
                resultSeen.putIfAbsent(result.getTaskId(), now);
                jobOf.put(result.getTaskId(), result.getJobId());
            }
        }

        int results(String job) {
            return (int) resultSeen.keySet().stream().filter(task -> job.equals(jobOf.get(task))).count();
        }

        Run run(String job, double cpuMillisPerImage) {
            List<Long> micros = new ArrayList<>();
            long first = Long.MAX_VALUE;
            long last = Long.MIN_VALUE;
            for (Map.Entry<String, Long> result : resultSeen.entrySet()) {
                Long task = taskSeen.get(result.getKey());
                if (job.equals(jobOf.get(result.getKey())) && task != null) {
                    micros.add((result.getValue() - task) / 1_000);
                    first = Math.min(first, task);
                    last = Math.max(last, result.getValue());
                }
            }
            return new Run(micros.size() / ((last - first) / 1e9), cpuMillisPerImage, results(job), median(micros));
        }
    }

    /** CPU time so far of this process and of every process it started (the registry, the workers), by process id. */
    private static Map<Long, Long> cpuByProcess() {
        Map<Long, Long> cpu = new HashMap<>();
        cpu.put(ProcessHandle.current().pid(), ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime());
        ProcessHandle.current().descendants().forEach(p -> p.info().totalCpuDuration().ifPresent(d -> cpu.put(p.pid(), d.toNanos())));
        return cpu;
    }

    /**
     * CPU time spent since {@code before} by the processes alive now. Not the difference of two sums:
     * a process that ended in between (a child of an earlier experiment, still exiting when this one
     * began) would take all of its CPU time out of the second sum.
     */
    private static long cpuSince(Map<Long, Long> before) {
        return cpuByProcess().entrySet().stream().mapToLong(e -> e.getValue() - before.getOrDefault(e.getKey(), 0L)).sum();
    }

    private static double median(List<? extends Number> values) {
        List<Double> sorted = values.stream().map(Number::doubleValue).sorted().toList();
        return sorted.isEmpty() ? 0 : sorted.get(sorted.size() / 2);
    }

    private static LabResult result(Run direct, Run oneProcess, ProcessRun processes) {
        Run several = processes.run();
        return LabResult.builder("one process vs several: " + IMAGES + " images of " + WIDTH + "x" + HEIGHT + " on " + THREADS
                        + " threads, three ways; one task alone is a " + LONE_SIZE + "x" + LONE_SIZE + " image", "deployment", "one task alone (median)", "images/s", "CPU per image", "images per CPU-second",
                        "what one crash takes down")
                .row("one process, direct calls", micros(direct.latencyMicros()), rate(direct.imagesPerSecond()),
                        cpu(direct.cpuMillisPerImage()), rate(1000 / direct.cpuMillisPerImage()), "everything")
                .row("one process, through the broker", micros(oneProcess.latencyMicros()), rate(oneProcess.imagesPerSecond()),
                        cpu(oneProcess.cpuMillisPerImage()), rate(1000 / oneProcess.cpuMillisPerImage()), "every worker thread and the broker")
                .row("two worker processes", micros(several.latencyMicros()), rate(several.imagesPerSecond()),
                        cpu(several.cpuMillisPerImage()), rate(1000 / several.cpuMillisPerImage()),
                        String.format(Locale.ROOT, "one worker: the other finished %.1f s later, %d of %d results", processes.finishedAfterKillSeconds(),
                                processes.resultsAfterKill(), IMAGES))
                .lesson("A task alone handed to a thread in the same process costs the work and nothing else: %s. Through a broker"
                        + " it is written, fetched, answered in a transaction and fetched again: %s, %s times as long.",
                        micros(direct.latencyMicros()), micros(oneProcess.latencyMicros()),
                        String.format(Locale.ROOT, "%.0f", oneProcess.latencyMicros() / direct.latencyMicros()))
                .lesson("The messaging costs CPU too: %s per image through the broker against %s called directly (the rows count"
                        + " every process on the machine: this one and the registry, and the workers where they are processes)."
                        + " Most of that is a cold broker and client compiling their code; once every JVM is warm it is a few"
                        + " hundred microseconds, as `mosaic bench` measures over long jobs.",
                        cpu(oneProcess.cpuMillisPerImage()), cpu(direct.cpuMillisPerImage()))
                .lesson("Separate processes each warm their own JIT and hold their own heap: the two cold workers reached %s images/s"
                        + " where the warm threads of one process reached %s.", rate(several.imagesPerSecond()), rate(oneProcess.imagesPerSecond()))
                .lesson("What the broker buys is what fails together. In one process a crash stops everything; with two worker"
                        + " processes one was killed and the other finished the job once the group had noticed (session timeout %d s),"
                        + " nothing lost.", SESSION_TIMEOUT.toSeconds())
                .measure("images", IMAGES)
                .measure("directMicros", direct.latencyMicros())
                .measure("oneProcessMicros", oneProcess.latencyMicros())
                .measure("processesMicros", several.latencyMicros())
                .measure("directCpuMs", direct.cpuMillisPerImage())
                .measure("oneProcessCpuMs", oneProcess.cpuMillisPerImage())
                .measure("processesResultsAfterKill", processes.resultsAfterKill())
                .measure("finishedAfterKillSeconds", processes.finishedAfterKillSeconds())
                .build();
    }

    private static String micros(double micros) {
        return micros >= 10_000 ? String.format(Locale.ROOT, "%.0f ms", micros / 1000) : String.format(Locale.ROOT, "%,.0f µs", micros);
    }

    private static String rate(double perSecond) {
        return String.format(Locale.ROOT, "%.0f", perSecond);
    }

    private static String cpu(double millis) {
        return String.format(Locale.ROOT, "%.1f ms", millis);
    }
}
