package io.mosaic.app.lab;

import io.mosaic.app.Pipeline;
import io.mosaic.platform.config.KafkaSettings;
import io.mosaic.platform.config.MosaicConfig;
import io.mosaic.platform.kafka.KafkaClients;
import io.mosaic.schemas.ImageResult;
import io.mosaic.schemas.ResultStatus;
import io.mosaic.schemas.Topics;
import io.mosaic.streams.AggregatorSettings;
import io.mosaic.streams.JobAggregator;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** The pipeline's aggregator for experiments about state: results to fold, instances, and what an instance answers. */
final class LabAggregators {

    private LabAggregators() {
    }

    /** {@code perJob} results of each of {@code jobs} jobs named {@code prefix-NN}, written as workers write them. */
    static List<String> publishResults(Pipeline pipeline, String prefix, int jobs, int perJob) {
        Topics topics = pipeline.topics();
        List<String> jobIds = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KafkaClients.base(pipeline.config(), "lab-results"),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            Instant now = Instant.now();
            for (int j = 0; j < jobs; j++) {
                String jobId = String.format("%s-%02d", prefix, j);
                jobIds.add(jobId);
                for (int i = 0; i < perJob; i++) {
                    String taskId = jobId + "-" + i;
                    ImageResult result = ImageResult.newBuilder().setTaskId(taskId).setJobId(jobId).setUri("file:/lab/" + taskId + ".png")
                            .setStatus(ResultStatus.OK).setWidth(640).setHeight(480).setBytes(50_000L).setAnalyzedAt(now).build();
                    producer.send(topics.imageResults().record(jobId, result));
                }
            }
            producer.flush();
        }
        return jobIds;
    }

    /**
     * An aggregator instance named {@code instance} of the application {@code config} names, with a
     * state directory of its own under {@code root}; {@code advertisedUrl} is where it says it
     * serves queries, or null.
     */
    static JobAggregator aggregator(MosaicConfig config, Topics topics, String instance, Path root, String advertisedUrl) {
        MosaicConfig own = config.with(KafkaSettings.INSTANCE_ID, instance)
                .with(AggregatorSettings.STATE_DIR, root.resolve("state").resolve(config.get(KafkaSettings.GROUP_PREFIX))
                        .resolve(instance).toString());
        return new JobAggregator(own, topics, AggregatorSettings.defaults(), true, () -> advertisedUrl);
    }

    /** How many of {@code jobs} this instance answers from its own active store, with all {@code perJob} results folded. */
    static long answering(JobAggregator aggregator, List<String> jobs, int perJob) {
        return jobs.stream().filter(job -> aggregator.localSummary(job).filter(s -> s.getSucceeded() == perJob).isPresent()).count();
    }
}
