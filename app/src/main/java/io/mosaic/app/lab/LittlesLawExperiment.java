package io.mosaic.app.lab;

import static io.mosaic.app.lab.LabResult.decimal;

import io.mosaic.analysis.samples.SampleImages;
import io.mosaic.app.Pipeline;
import io.mosaic.platform.kafka.TopicFollower;
import io.mosaic.platform.lifecycle.Poll;
import io.mosaic.platform.progress.Progress;
import io.mosaic.schemas.ImageResult;
import io.mosaic.schemas.ImageTask;
import io.mosaic.schemas.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Little's law on the image pipeline itself (one broker, the dispatcher, two analyzer threads, the
 * aggregator, all in this process): small jobs arrive at random moments at a steady average rate.
 * Measured three ways at once: the arrival rate λ (tasks submitted per second), the number of
 * tasks in the system L (submitted and not yet answered, sampled every 50 ms from the topics, as a
 * lag is), and each task's time in the system W (from when its task could be read in the topics to
 * when its result could: the same boundary as L, transactions' commit delays included).
 * Little's law says L = λ × W whatever the distributions: L / λ predicts W.
 */
final class LittlesLawExperiment implements Experiment.Trial {

    static final int JOBS = 30;
    static final Duration MEAN_GAP = Duration.ofMillis(250);
    static final int WORKER_THREADS = 2;
    private static final Duration SAMPLE_EVERY = Duration.ofMillis(50);

    @Override
    public LabResult run(LabRun run) throws Exception {
        Random random = run.random();
        Path images = Files.createDirectories(run.directory().resolve("images"));
        SampleImages.SampleSet set = SampleImages.writeSampleSet(run.directory().resolve("generated"), 150, run.seed());
        List<Path> files;
        try (Stream<Path> walk = Files.walk(set.directory())) {
            files = walk.filter(Files::isRegularFile).filter(f -> f.getFileName().toString().matches(".*\\.(png|jpg|bmp|gif)$")).sorted().toList();
        }
        List<Path> jobs = new ArrayList<>();
        for (int j = 0; j < JOBS; j++) {
            jobs.add(Files.createDirectories(images.resolve(String.format("job-%02d", j))));
        }
        for (int i = 0; i < files.size(); i++) {
            Files.copy(files.get(i), jobs.get(i % JOBS).resolve(files.get(i).getFileName()));
        }

        Map<String, Long> submitted = new ConcurrentHashMap<>();
        Map<String, Long> answered = new ConcurrentHashMap<>();
        Map<String, Long> serviceMicros = new ConcurrentHashMap<>();
        try (Pipeline pipeline = Pipeline.builder().brokers(1).workers(WORKER_THREADS).images(images)
                .reportDir(run.directory().resolve("reports")).workDir(run.directory().resolve("work")).instanceId("lab").start()) {
            Topics topics = pipeline.topics();
            run.say("the pipeline is up: 1 broker, the dispatcher, %d analyzer threads, the aggregator; %d jobs of about %d images to come",
                    WORKER_THREADS, JOBS, files.size() / JOBS);
            List<String> taskTopics = List.of(topics.taskBacklog().name(), topics.imageTasks().name(), topics.expressTasks().name());
            TopicFollower follower = new TopicFollower(pipeline.config(), "lab-littles-law",
                    List.of(topics.taskBacklog().name(), topics.imageTasks().name(), topics.expressTasks().name(), topics.imageResults().name()),
                    record -> {
                        if (taskTopics.contains(record.topic())) {
                            ImageTask task = topics.imageTasks().valueSerde().deserializer().deserialize(record.topic(), record.value());
                            submitted.merge(task.getTaskId(), System.currentTimeMillis(), Math::min);
                        } else {
                            ImageResult result = topics.imageResults().valueSerde().deserializer().deserialize(record.topic(), record.value());
                            answered.putIfAbsent(result.getTaskId(), System.currentTimeMillis());
                            serviceMicros.putIfAbsent(result.getTaskId(), result.getFetchMicros() + result.getDecodeMicros() + result.getAnalysisMicros());
                        }
                    });
            follower.start();
            List<Integer> samples = new ArrayList<>();
            Thread sampler = new Thread(() -> {
                try {
                    while (!Thread.currentThread().isInterrupted()) {
                        if (!submitted.isEmpty()) {
                            samples.add((int) submitted.keySet().stream().filter(id -> !answered.containsKey(id)).count());
                        }
                        Thread.sleep(SAMPLE_EVERY.toMillis());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "lab-littles-law-sampler");
            try {
                sampler.start();
                for (int j = 0; j < JOBS; j++) {
                    pipeline.submit(jobs.get(j), String.format("littles-law-%02d", j), Progress.none());
                    // Exponential gaps: arrivals as independent as customers at a counter.
                    Thread.sleep(Math.round(-Math.log(1 - random.nextDouble()) * MEAN_GAP.toMillis()));
                }
                run.say("submitted %d jobs, %d tasks; waiting for every result", JOBS, submitted.size());
                Poll.within(Duration.ofSeconds(60), Duration.ofMillis(100), () -> answered.size() >= files.size());
            } finally {
                sampler.interrupt();
                sampler.join();
                follower.stop();
            }
            if (answered.size() < files.size()) {
                throw new IllegalStateException("only " + answered.size() + " of " + files.size() + " tasks were answered within 60 s");
            }
            // The sampler has been joined: its samples are all there.
            return result(submitted, answered, serviceMicros, samples);
        }
    }

    private static LabResult result(Map<String, Long> submitted, Map<String, Long> answered, Map<String, Long> serviceMicros, List<Integer> samples) {
        int n = answered.size();
        long first = submitted.values().stream().mapToLong(Long::longValue).min().orElseThrow();
        long last = answered.values().stream().mapToLong(Long::longValue).max().orElseThrow();
        double window = (last - first) / 1000.0;
        double lambda = n / window;
        double w = answered.entrySet().stream().mapToLong(e -> e.getValue() - submitted.get(e.getKey())).average().orElseThrow() / 1000.0;
        double l = samples.stream().mapToInt(Integer::intValue).average().orElse(0);
        double service = serviceMicros.values().stream().mapToLong(Long::longValue).average().orElse(0) / 1e6;
        double mu = service == 0 ? 0 : WORKER_THREADS / service;
        double predicted = l / lambda;
        return LabResult.builder("little's law: " + n + " tasks in " + JOBS + " jobs arriving at random over " + decimal(window)
                        + " s, measured on the image pipeline", "quantity", "value", "how")
                .row("arrival rate λ", decimal(lambda) + " tasks/s", "tasks / time from first submission to last result")
                .row("service rate μ", decimal(mu) + " tasks/s", "analyzer threads (" + WORKER_THREADS + ") / mean time a worker spent on a task")
                .row("utilisation ρ = λ / μ", decimal(lambda / mu), "")
                .row("tasks in the system L", decimal(l), "submitted, not answered: mean of " + samples.size() + " samples, 50 ms apart")
                .row("time in the system W, observed", decimal(w) + " s", "result readable - task readable, mean over tasks")
                .row("W predicted = L / λ", decimal(predicted) + " s", "Little's law")
                .lesson("Little's law held on the pipeline: W observed %s s, L / λ = %s s (%s apart). It needs no assumption about how"
                        + " arrivals or service times are distributed, only a system that is not growing without bound.", decimal(w),
                        decimal(predicted), LabResult.percent(Math.abs(predicted - w) / w))
                .lesson("So a lag in records (L) divided by the rate records arrive (λ) is the lag in seconds the dashboard shows:"
                        + " how long a task now arriving will wait. At ρ = %s the queue stays short; near 1 it grows without limit.",
                        decimal(lambda / mu))
                .measure("lambda", lambda).measure("mu", mu).measure("L", l).measure("W", w).measure("predictedW", predicted)
                .build();
    }
}
