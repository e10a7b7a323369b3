package io.mosaic.dashboard.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.mosaic.dashboard.jobs.JobProgress;
import io.mosaic.dashboard.lag.LagEvaluator;
import io.mosaic.dashboard.lag.LagReport;
import io.mosaic.dashboard.lag.OffsetSnapshot;
import io.mosaic.dashboard.lag.OffsetSnapshot.GroupOffsets;
import io.mosaic.dashboard.lag.OffsetSnapshot.Owner;
import io.mosaic.dashboard.lag.TransactionMarkers;
import io.mosaic.schemas.JobTimes;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class LagMetricsTest {

    private static final TopicPartition T0 = new TopicPartition("mosaic.image-tasks", 0);
    private static final TopicPartition T1 = new TopicPartition("mosaic.image-tasks", 1);
    private static final Owner OWNER = new Owner("analyzer-0-1f2e", "mosaic-analyzer-demo-0", "/127.0.0.1");
    private static final Owner OWNER_1 = new Owner("analyzer-1-9a9a", "mosaic-analyzer-demo-1", "/127.0.0.2");

    private final LagMetrics metrics = new LagMetrics("mosaic", () -> 2, () -> 12.5, () -> 1);
    private final LagEvaluator evaluator = new LagEvaluator(5, 1_000);

    @Test
    void exposesKafkaLagExporterMetricsWithItsLabels() {
        metrics.update(round(1_000, 100, 90));
        metrics.update(round(2_000, 120, 90));
        String text = metrics.scrape();

        Map<String, String> partition0 = Map.of("cluster_name", "mosaic", "group", "mosaic-analyzers", "topic", "mosaic.image-tasks",
                "partition", "0", "member_host", "/127.0.0.1", "consumer_id", "analyzer-0-1f2e", "client_id", "mosaic-analyzer-demo-0");
        assertThat(value(text, "kafka_consumergroup_group_offset", partition0)).hasValue(90.0);
        assertThat(value(text, "kafka_consumergroup_group_lag", partition0)).hasValue(30.0);
        // 90 is older than the table (100 at 1 s, 120 at 2 s): 20 records a second put it at 0.5 s.
        assertThat(value(text, "kafka_consumergroup_group_lag_seconds", partition0)).hasValue(1.5);

        Map<String, String> partition1 = Map.of("cluster_name", "mosaic", "group", "mosaic-analyzers", "topic", "mosaic.image-tasks",
                "partition", "1", "member_host", "/127.0.0.2", "consumer_id", "analyzer-1-9a9a", "client_id", "mosaic-analyzer-demo-1");
        // Assigned but never committed: unknown, as kafka-lag-exporter reports it.
        assertThat(value(text, "kafka_consumergroup_group_offset", partition1)).hasValue(Double.NaN);
        assertThat(value(text, "kafka_consumergroup_group_lag", partition1)).hasValue(Double.NaN);

        Map<String, String> group = Map.of("cluster_name", "mosaic", "group", "mosaic-analyzers");
        Map<String, String> groupWithSimple = Map.of("cluster_name", "mosaic", "group", "mosaic-analyzers", "is_simple_consumer", "false");
        assertThat(value(text, "kafka_consumergroup_group_max_lag", groupWithSimple)).hasValue(30.0);
        assertThat(value(text, "kafka_consumergroup_group_max_lag_seconds", groupWithSimple)).hasValue(1.5);
        assertThat(value(text, "kafka_consumergroup_group_sum_lag", group)).hasValue(30.0);
        assertThat(value(text, "kafka_consumergroup_group_topic_sum_lag",
                Map.of("cluster_name", "mosaic", "group", "mosaic-analyzers", "topic", "mosaic.image-tasks"))).hasValue(30.0);
        assertThat(value(text, "kafka_partition_latest_offset",
                Map.of("cluster_name", "mosaic", "topic", "mosaic.image-tasks", "partition", "0"))).hasValue(120.0);
        assertThat(value(text, "kafka_partition_earliest_offset",
                Map.of("cluster_name", "mosaic", "topic", "mosaic.image-tasks", "partition", "0"))).hasValue(3.0);
        assertThat(value(text, "mosaic_consumergroup_status", group)).hasValue(0.0);
        assertThat(value(text, "mosaic_consumergroup_produce_rate", group)).hasValue(20.0);
        assertThat(value(text, "mosaic_jobs_running", Map.of("cluster_name", "mosaic"))).hasValue(2.0);
        assertThat(value(text, "mosaic_images_per_second", Map.of("cluster_name", "mosaic"))).hasValue(12.5);
        assertThat(value(text, "mosaic_jobs_stalled", Map.of("cluster_name", "mosaic"))).hasValue(1.0);
        assertThat(text).contains("# TYPE kafka_consumergroup_group_lag gauge");
    }

    @Test
    void dropsTheSeriesOfGroupsThatAreGoneAndFollowsOwnerChanges() {
        metrics.update(round(1_000, 100, 90));
        assertThat(metrics.scrape()).contains("consumer_id=\"analyzer-0-1f2e\"");

        LagReport empty = evaluator.evaluate(new OffsetSnapshot(2_000, Map.of(), Map.of(), List.of()), TransactionMarkers.NONE);
        metrics.update(empty);

        assertThat(metrics.scrape()).doesNotContain("mosaic-analyzers").doesNotContain("kafka_partition_latest_offset{");
    }

    @Test
    void exposesJobProgress() {
        metrics.updateJobs(List.of(new JobProgress("job-1", "RUNNING", "file:/x", 40, 9, 1, 0, 0, 1L, 2L, null, "NORMAL", 0, 0, JobTimes.NONE, 2L)));

        assertThat(value(metrics.scrape(), "mosaic_job_progress", Map.of("cluster_name", "mosaic", "job_id", "job-1"))).hasValue(0.25);

        metrics.updateJobs(List.of());
        assertThat(metrics.scrape()).doesNotContain("job-1");
    }

    private LagReport round(long now, long logEnd, long committed) {
        return evaluator.evaluate(new OffsetSnapshot(now, Map.of(T0, logEnd, T1, 5L), Map.of(T0, 3L, T1, 0L),
                List.of(new GroupOffsets("mosaic-analyzers", "Stable", false, Map.of(T0, committed), Map.of(T0, OWNER, T1, OWNER_1), 2, null))),
                TransactionMarkers.NONE);
    }

    /** The value of the one sample of {@code name} with exactly {@code labels}. */
    static Optional<Double> value(String exposition, String name, Map<String, String> labels) {
        Map<String, String> wanted = new TreeMap<>(labels);
        for (String line : exposition.split("\n")) {
            if (!line.startsWith(name + "{")) {
                continue;
            }
            int close = line.lastIndexOf('}');
            Map<String, String> found = Arrays.stream(line.substring(name.length() + 1, close).split(",(?=[a-z_]+=\")"))
                    .filter(s -> !s.isBlank())
                    .map(s -> s.split("=", 2))
                    .collect(Collectors.toMap(kv -> kv[0], kv -> kv[1].substring(1, kv[1].length() - 1), (a, b) -> b, TreeMap::new));
            if (found.equals(wanted)) {
                return Optional.of(Double.parseDouble(line.substring(close + 1).trim()));
            }
        }
        return Optional.empty();
    }
}
