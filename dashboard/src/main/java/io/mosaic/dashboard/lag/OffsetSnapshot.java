package io.mosaic.dashboard.lag;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * Everything one monitoring round read from the cluster, at one instant: the log-start and
 * log-end offsets of every partition some group reads, and each group's committed offsets and
 * members. The input of {@link LagEvaluator}; built by {@link AdminOffsetReader}, or by hand in
 * tests and the benchmark.
 *
 * @param timeMs          wall time of the read
 * @param latestOffsets   log-end offset (high watermark) per partition
 * @param earliestOffsets log-start offset per partition
 * @param groups          the monitored groups
 */
public record OffsetSnapshot(long timeMs, Map<TopicPartition, Long> latestOffsets,
                             Map<TopicPartition, Long> earliestOffsets, List<GroupOffsets> groups) {

    /**
     * One consumer group as read this round.
     *
     * @param group     group id
     * @param state     the coordinator's state of the group (Stable, Empty, ...)
     * @param simple    true for a group that only commits offsets and has no members protocol
     * @param committed committed offset per partition
     * @param owners    the member that holds each assigned partition
     * @param members   number of live members
     * @param error     why the group's offsets could not be read, or null
     */
    public record GroupOffsets(String group, String state, boolean simple, Map<TopicPartition, Long> committed,
                               Map<TopicPartition, Owner> owners, int members, String error) {

        public static GroupOffsets failed(String group, String error) {
            return new GroupOffsets(group, "Unknown", false, Map.of(), Map.of(), 0, error);
        }
    }

    /** The group member holding a partition, as kafka-lag-exporter labels it. */
    public record Owner(String consumerId, String clientId, String host) {
        public static final Owner NONE = new Owner("", "", "");
    }
}
