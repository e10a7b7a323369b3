package io.mosaic.dashboard.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.mosaic.dashboard.jobs.JobProgress;
import io.mosaic.dashboard.lag.LagReport;
import io.mosaic.dashboard.lag.LagReport.GroupLag;
import io.mosaic.dashboard.lag.LagReport.PartitionLag;
import io.mosaic.dashboard.lag.LagReport.PartitionOffsets;
import io.mosaic.dashboard.lag.OffsetSnapshot.Owner;
import io.mosaic.platform.metrics.ServiceMetrics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleSupplier;
import java.util.function.ToDoubleFunction;
import org.apache.kafka.common.TopicPartition;

/**
 * The dashboard's Prometheus metrics, served at {@code /metrics}.
 *
 * <p>The consumer-group metrics carry kafka-lag-exporter's names, labels and meanings, so that
 * dashboards and alert rules written for it work unchanged: {@code kafka_consumergroup_group_offset},
 * {@code _lag} and {@code _lag_seconds} per group partition (labels cluster_name, group, topic,
 * partition, member_host, consumer_id, client_id), {@code _max_lag} and {@code _max_lag_seconds}
 * per group (cluster_name, group, is_simple_consumer), {@code _sum_lag} per group,
 * {@code _topic_sum_lag} per group and topic, {@code kafka_partition_latest_offset} and
 * {@code kafka_partition_earliest_offset} per partition, and {@code kafka_consumergroup_poll_time_ms}.
 * A partition the group has not committed an offset for reports NaN, as kafka-lag-exporter does.
 *
 * <p>Mosaic adds {@code mosaic_consumergroup_status} (0 OK, 1 WARN, 2 STALL, 3 STOP, 4 REWIND,
 * 5 ERR), consumption and production rates and drain time per group, and job progress.
 *
 * <p>Gauges read the latest report through an index swapped in one write, so a scrape never sees
 * half a round; the set of series is re-registered only when groups, partitions or owners change.
 */
public final class LagMetrics {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final String cluster;
    private volatile Index index = new Index(LagReport.EMPTY);
    private volatile Map<String, JobProgress> jobIndex = Map.of();

    private final MultiGauge groupOffset;
    private final MultiGauge groupLag;
    private final MultiGauge groupLagSeconds;
    private final MultiGauge maxLag;
    private final MultiGauge maxLagSeconds;
    private final MultiGauge sumLag;
    private final MultiGauge topicSumLag;
    private final MultiGauge latestOffset;
    private final MultiGauge earliestOffset;
    private final MultiGauge groupStatus;
    private final MultiGauge consumeRate;
    private final MultiGauge produceRate;
    private final MultiGauge drainSeconds;
    private final MultiGauge jobProgress;

    /** What the registered series were built from; when the next round matches, nothing is re-registered. */
    private Map<GroupPartition, Owner> registeredPartitions = Map.of();
    private Map<String, Boolean> registeredGroups = Map.of();
    private List<GroupTopic> registeredTopics = List.of();
    private List<TopicPartition> registeredOffsets = List.of();
    private List<String> registeredJobs = List.of();

    record GroupPartition(String group, TopicPartition partition) {
    }

    record GroupTopic(String group, String topic) {
    }

    /**
     * @param clusterName     the cluster_name label
     * @param runningJobs     jobs running now
     * @param imagesPerSecond images analysed per second
     */
    public LagMetrics(String clusterName, DoubleSupplier runningJobs, DoubleSupplier imagesPerSecond, DoubleSupplier stalledJobs) {
        this.cluster = clusterName;
        groupOffset = multi("kafka_consumergroup_group_offset", "Last group consumed offset of a partition");
        groupLag = multi("kafka_consumergroup_group_lag", "Group offset lag of a partition");
        groupLagSeconds = multi("kafka_consumergroup_group_lag_seconds", "Group time lag of a partition");
        maxLag = multi("kafka_consumergroup_group_max_lag", "Max group offset lag");
        maxLagSeconds = multi("kafka_consumergroup_group_max_lag_seconds", "Max group time lag");
        sumLag = multi("kafka_consumergroup_group_sum_lag", "Sum of group offset lag");
        topicSumLag = multi("kafka_consumergroup_group_topic_sum_lag", "Sum of group offset lag across topic partitions");
        latestOffset = multi("kafka_partition_latest_offset", "Latest offset of a partition");
        earliestOffset = multi("kafka_partition_earliest_offset", "Earliest offset of a partition");
        groupStatus = multi("mosaic_consumergroup_status",
                "Burrow-style health of the group: 0 OK, 1 WARN, 2 STALL, 3 STOP, 4 REWIND, 5 ERR");
        consumeRate = multi("mosaic_consumergroup_consume_rate", "Records the group committed per second, over the health window");
        produceRate = multi("mosaic_consumergroup_produce_rate", "Records appended per second to the partitions the group reads");
        drainSeconds = multi("mosaic_consumergroup_drain_seconds", "Little's law: group lag / consumption rate (+Inf when nothing is consumed)");
        jobProgress = multi("mosaic_job_progress", "Share of a job's tasks with a counted result, 0 to 1");

        Tags clusterTag = Tags.of("cluster_name", clusterName);
        Gauge.builder("kafka_consumergroup_poll_time_ms", this, m -> m.index.report.durationMs())
                .description("Time to read and evaluate all consumer group offsets, in milliseconds")
                .tags(clusterTag).register(registry);
        Gauge.builder("mosaic_jobs_running", runningJobs, DoubleSupplier::getAsDouble)
                .description("Jobs not completed yet").tags(clusterTag).strongReference(true).register(registry);
        Gauge.builder("mosaic_jobs_stalled", stalledJobs, DoubleSupplier::getAsDouble)
                .description("Running jobs with no result for dashboard.job.stall.ms while tasks of theirs are out of the dispatcher's hands")
                .tags(clusterTag).strongReference(true).register(registry);
        Gauge.builder("mosaic_images_per_second", imagesPerSecond, DoubleSupplier::getAsDouble)
                .description("Images analysed per second across jobs, over the last ten seconds")
                .tags(clusterTag).strongReference(true).register(registry);
        ServiceMetrics.bindProcessMeters(registry);
    }

    /** Publishes a monitoring round. Called from one thread at a time. */
    public synchronized void update(LagReport report) {
        Index next = new Index(report);
        index = next;

        Map<GroupPartition, Owner> partitions = new HashMap<>();
        Map<String, Boolean> groups = new HashMap<>();
        List<GroupTopic> topics = new ArrayList<>();
        for (GroupLag g : report.groups()) {
            groups.put(g.group(), g.simple());
            g.topicLag().keySet().forEach(t -> topics.add(new GroupTopic(g.group(), t)));
            for (PartitionLag p : g.partitions()) {
                partitions.put(new GroupPartition(g.group(), p.partition()), p.owner());
            }
        }
        List<TopicPartition> offsets = List.copyOf(report.partitions().keySet());

        if (!partitions.equals(registeredPartitions)) {
            List<MultiGauge.Row<?>> offsetRows = new ArrayList<>();
            List<MultiGauge.Row<?>> lagRows = new ArrayList<>();
            List<MultiGauge.Row<?>> secondsRows = new ArrayList<>();
            partitions.forEach((key, owner) -> {
                Tags tags = Tags.of("cluster_name", cluster, "group", key.group(), "topic", key.partition().topic(),
                        "partition", Integer.toString(key.partition().partition()), "member_host", owner.host(),
                        "consumer_id", owner.consumerId(), "client_id", owner.clientId());
                offsetRows.add(partitionRow(tags, key, p -> p.committed() < 0 ? Double.NaN : p.committed()));
                lagRows.add(partitionRow(tags, key, p -> p.lag() < 0 ? Double.NaN : p.lag()));
                secondsRows.add(partitionRow(tags, key, PartitionLag::lagSeconds));
            });
            groupOffset.register(offsetRows, false);
            groupLag.register(lagRows, false);
            groupLagSeconds.register(secondsRows, false);
            registeredPartitions = partitions;
        }
        if (!groups.equals(registeredGroups)) {
            List<MultiGauge.Row<?>> max = new ArrayList<>();
            List<MultiGauge.Row<?>> maxSeconds = new ArrayList<>();
            List<MultiGauge.Row<?>> sum = new ArrayList<>();
            List<MultiGauge.Row<?>> status = new ArrayList<>();
            List<MultiGauge.Row<?>> consume = new ArrayList<>();
            List<MultiGauge.Row<?>> produce = new ArrayList<>();
            List<MultiGauge.Row<?>> drain = new ArrayList<>();
            groups.forEach((group, simple) -> {
                Tags tags = Tags.of("cluster_name", cluster, "group", group);
                Tags withSimple = tags.and("is_simple_consumer", Boolean.toString(simple));
                max.add(groupRow(withSimple, group, g -> g.maxLag()));
                maxSeconds.add(groupRow(withSimple, group, GroupLag::maxLagSeconds));
                sum.add(groupRow(tags, group, g -> g.lag()));
                status.add(groupRow(tags, group, g -> g.status().ordinal()));
                consume.add(groupRow(tags, group, GroupLag::consumeRate));
                produce.add(groupRow(tags, group, GroupLag::produceRate));
                drain.add(groupRow(tags, group, GroupLag::drainSeconds));
            });
            maxLag.register(max, false);
            maxLagSeconds.register(maxSeconds, false);
            sumLag.register(sum, false);
            groupStatus.register(status, false);
            consumeRate.register(consume, false);
            produceRate.register(produce, false);
            drainSeconds.register(drain, false);
            registeredGroups = groups;
        }
        if (!topics.equals(registeredTopics)) {
            List<MultiGauge.Row<?>> rows = new ArrayList<>();
            for (GroupTopic key : topics) {
                rows.add(MultiGauge.Row.of(Tags.of("cluster_name", cluster, "group", key.group(), "topic", key.topic()), key,
                        k -> {
                            Long lag = index.topicLag.get(k);
                            return lag == null ? Double.NaN : lag;
                        }));
            }
            topicSumLag.register(rows, false);
            registeredTopics = topics;
        }
        if (!offsets.equals(registeredOffsets)) {
            List<MultiGauge.Row<?>> latest = new ArrayList<>();
            List<MultiGauge.Row<?>> earliest = new ArrayList<>();
            for (TopicPartition tp : offsets) {
                Tags tags = Tags.of("cluster_name", cluster, "topic", tp.topic(), "partition", Integer.toString(tp.partition()));
                latest.add(offsetRow(tags, tp, PartitionOffsets::latest));
                earliest.add(offsetRow(tags, tp, PartitionOffsets::earliest));
            }
            latestOffset.register(latest, false);
            earliestOffset.register(earliest, false);
            registeredOffsets = offsets;
        }
    }

    /** Publishes job progress. */
    public synchronized void updateJobs(List<JobProgress> jobs) {
        Map<String, JobProgress> next = new HashMap<>();
        jobs.forEach(j -> next.put(j.jobId(), j));
        jobIndex = next;
        List<String> ids = jobs.stream().map(JobProgress::jobId).sorted().toList();
        if (!ids.equals(registeredJobs)) {
            List<MultiGauge.Row<?>> rows = new ArrayList<>();
            for (String id : ids) {
                rows.add(MultiGauge.Row.of(Tags.of("cluster_name", cluster, "job_id", id), id, k -> {
                    JobProgress job = jobIndex.get(k);
                    return job == null ? Double.NaN : job.progress();
                }));
            }
            jobProgress.register(rows, false);
            registeredJobs = ids;
        }
    }

    /** The Prometheus text exposition of every metric. */
    public String scrape() {
        return registry.scrape();
    }

    /** The content type of {@link #scrape()}. */
    public static String contentType() {
        return "text/plain; version=0.0.4; charset=utf-8";
    }

    private MultiGauge multi(String name, String description) {
        return MultiGauge.builder(name).description(description).register(registry);
    }

    private MultiGauge.Row<GroupPartition> partitionRow(Tags tags, GroupPartition key, ToDoubleFunction<PartitionLag> value) {
        return MultiGauge.Row.of(tags, key, k -> {
            PartitionLag p = index.partitions.get(k);
            return p == null ? Double.NaN : value.applyAsDouble(p);
        });
    }

    private MultiGauge.Row<String> groupRow(Tags tags, String group, ToDoubleFunction<GroupLag> value) {
        return MultiGauge.Row.of(tags, group, k -> {
            GroupLag g = index.groups.get(k);
            return g == null ? Double.NaN : value.applyAsDouble(g);
        });
    }

    private MultiGauge.Row<TopicPartition> offsetRow(Tags tags, TopicPartition tp, ToDoubleFunction<PartitionOffsets> value) {
        return MultiGauge.Row.of(tags, tp, k -> {
            PartitionOffsets o = index.report.partitions().get(k);
            return o == null ? Double.NaN : value.applyAsDouble(o);
        });
    }

    /** One report, indexed for the gauges' lookups. */
    private static final class Index {
        final LagReport report;
        final Map<String, GroupLag> groups = new HashMap<>();
        final Map<GroupPartition, PartitionLag> partitions = new HashMap<>();
        final Map<GroupTopic, Long> topicLag = new HashMap<>();

        Index(LagReport report) {
            this.report = report;
            for (GroupLag g : report.groups()) {
                groups.put(g.group(), g);
                g.topicLag().forEach((t, lag) -> topicLag.put(new GroupTopic(g.group(), t), lag));
                for (PartitionLag p : g.partitions()) {
                    partitions.put(new GroupPartition(g.group(), p.partition()), p);
                }
            }
        }
    }
}
