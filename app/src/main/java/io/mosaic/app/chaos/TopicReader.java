package io.mosaic.app.chaos;

import io.mosaic.platform.config.MosaicConfig;
import io.mosaic.platform.kafka.TopicFollower;
import io.mosaic.platform.lifecycle.Lifecycle;
import io.mosaic.schemas.Topics;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Reads the backlog, tasks, results and summaries topics from the beginning, as any read_committed client
 * would, into {@link JobRecords}. Either follows them in the background while the run goes on
 * (progress, recovery times), or reads once up to the end (the checker's own, fresh view).
 * Uses no consumer group, so reading changes nothing in the pipeline.
 */
final class TopicReader implements Lifecycle {

    private final MosaicConfig config;
    private final Topics topics;
    private final JobRecords records;
    private final TopicFollower following;

    TopicReader(MosaicConfig config, Topics topics, JobRecords records) {
        this.config = config;
        this.topics = topics;
        this.records = records;
        this.following = new TopicFollower(config, "chaos-observer", names(), this::take);
    }

    @Override
    public String name() {
        return "topic reader";
    }

    JobRecords records() {
        return records;
    }

    /** Follows the topics in the background until stopped. */
    @Override
    public void start() {
        following.start();
    }

    @Override
    public void stop() {
        following.stop();
    }

    /** Reads every topic once, up to its last committed record, into this reader's records. */
    void readToEnd(Duration timeout) throws TimeoutException {
        TopicFollower.readToEnd(config, "chaos-checker", names(), this::take, timeout);
    }

    private List<String> names() {
        return List.of(topics.taskBacklog().name(), topics.imageTasks().name(), topics.expressTasks().name(), topics.imageResults().name(),
                topics.jobSummaries().name());
    }

    private void take(ConsumerRecord<byte[], byte[]> record) {
        long receivedNanos = System.nanoTime();
        String topic = record.topic();
        if (topic.equals(topics.taskBacklog().name())) {
            records.addSubmitted(topics.taskBacklog().value(record));
        } else if (topic.equals(topics.imageTasks().name()) || topic.equals(topics.expressTasks().name())) {
            records.addTask(topics.imageTasks().value(record));
        } else if (topic.equals(topics.imageResults().name())) {
            records.addResult(topics.imageResults().value(record), record.partition());
        } else if (topic.equals(topics.jobSummaries().name())) {
            records.addSummary(topics.jobSummaries().value(record), record.partition(), record.offset(), receivedNanos);
        }
    }
}
