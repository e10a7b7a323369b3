package io.mosaic.dashboard.lag;

import org.apache.kafka.common.TopicPartition;

/**
 * Answers whether a range of offsets holds nothing a read_committed consumer would read.
 *
 * <p>Every transaction writes a commit or abort marker into each partition it touched, and a
 * marker takes an offset. A consumer that read everything commits the offset after the last
 * record, not after the marker, so on a topic written in transactions (Mosaic's results and
 * summaries) a group that is fully caught up can show a lag of 1, forever. Counted as lag, that
 * marker would also make the lag in seconds grow while the partition is idle and turn a healthy
 * consumer STALL or STOP. The dashboard therefore leaves such offsets out of the lag, and says so
 * in the partition's {@code markers} field; the committed offset it reports is the group's own.
 */
@FunctionalInterface
public interface TransactionMarkers {

    /** For tests and when the check is off: every offset counts as lag. */
    TransactionMarkers NONE = (partition, from, to) -> false;

    /** True when offsets {@code [from, to)} of {@code partition} hold only markers or aborted records. */
    boolean onlyMarkers(TopicPartition partition, long from, long to);
}
