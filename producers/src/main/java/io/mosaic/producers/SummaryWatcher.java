package io.mosaic.producers;

import io.mosaic.platform.config.MosaicConfig;
import io.mosaic.platform.kafka.KafkaClients;
import io.mosaic.schemas.JobState;
import io.mosaic.schemas.JobSummary;
import io.mosaic.schemas.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Follows one job's summaries on {@code mosaic.job-summaries} until it ends. Reads the whole
 * topic without a consumer group (it is compacted and small), so watching changes no offsets.
 */
public final class SummaryWatcher {

    private final MosaicConfig config;
    private final Topics topics;

    public SummaryWatcher(MosaicConfig config, Topics topics) {
        this.config = config;
        this.topics = topics;
    }

    /**
     * Calls {@code onUpdate} with each new summary of {@code jobId} and returns the first one that
     * is no longer PENDING or RUNNING, or empty after {@code timeout}.
     */
    public Optional<JobSummary> awaitEnd(String jobId, Duration timeout, Consumer<JobSummary> onUpdate) {
        Map<String, Object> props = KafkaClients.base(config, "watch");
        // Only summaries of committed aggregator transactions are real.
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.name().toLowerCase(Locale.ROOT));
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(KafkaClients.withOverrides(props, config),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            String topic = topics.jobSummaries().name();
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(250))) {
                    if (!jobId.equals(topics.jobSummaries().key(record))) {
                        continue;
                    }
                    JobSummary summary = topics.jobSummaries().value(record);
                    if (summary == null) {
                        continue;
                    }
                    onUpdate.accept(summary);
                    if (summary.getState() != JobState.PENDING && summary.getState() != JobState.RUNNING) {
                        return Optional.of(summary);
                    }
                }
            }
            return Optional.empty();
        }
    }
}
