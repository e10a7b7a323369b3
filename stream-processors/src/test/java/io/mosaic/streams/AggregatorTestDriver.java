package io.mosaic.streams;

import io.mosaic.schemas.ImageJob;
import io.mosaic.schemas.ImageResult;
import io.mosaic.schemas.JobAdmission;
import io.mosaic.schemas.JobSummary;
import io.mosaic.schemas.NearDuplicateGroups;
import io.mosaic.schemas.TopicSettings;
import io.mosaic.schemas.Topics;
import io.mosaic.schemas.registry.InMemorySchemaRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/** The aggregator's topology under {@link TopologyTestDriver}, with its input and output topics; no broker. */
final class AggregatorTestDriver implements AutoCloseable {

    /** Where the tests' wall clock starts. */
    static final Instant T0 = Instant.parse("2025-01-01T10:00:00Z");
    /** How often the aggregator emits progress by default. */
    static final Duration PROGRESS = AggregatorSettings.defaults().progressInterval();

    final Topics topics = Topics.create(TopicSettings.defaults(), new InMemorySchemaRegistry());
    final TopologyTestDriver driver;
    final TestInputTopic<String, ImageJob> jobs;
    final TestInputTopic<String, ImageResult> results;
    final TestInputTopic<String, JobAdmission> admissions;
    final TestOutputTopic<String, JobSummary> summaries;
    final TestOutputTopic<String, NearDuplicateGroups> groupChunks;

    /** Starts the topology at wall-clock time {@code start}, keeping its stores in {@code stateDir}. */
    AggregatorTestDriver(AggregatorSettings settings, Path stateDir, Instant start) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "mosaic-aggregator-test");
        // Never contacted: the test driver runs the topology without a broker.
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(JobAggregatorTopology.build(new StreamsBuilder(), topics, settings), props, start);
        jobs = driver.createInputTopic(topics.jobs().name(), topics.jobs().keySerde().serializer(), topics.jobs().valueSerde().serializer());
        results = driver.createInputTopic(topics.imageResults().name(),
                topics.imageResults().keySerde().serializer(), topics.imageResults().valueSerde().serializer());
        admissions = driver.createInputTopic(topics.jobAdmissions().name(),
                topics.jobAdmissions().keySerde().serializer(), topics.jobAdmissions().valueSerde().serializer());
        summaries = driver.createOutputTopic(topics.jobSummaries().name(),
                topics.jobSummaries().keySerde().deserializer(), topics.jobSummaries().valueSerde().deserializer());
        groupChunks = driver.createOutputTopic(topics.nearDuplicateGroups().name(),
                topics.nearDuplicateGroups().keySerde().deserializer(), topics.nearDuplicateGroups().valueSerde().deserializer());
    }

    @Override
    public void close() {
        driver.close();
    }
}
