package io.mosaic.dashboard.lag;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;

/**
 * The result of one monitoring round: every monitored group with its partitions, immutable, so
 * the web server, the metrics and the alerts can all read the same round without locks.
 *
 * @param timeMs     when the offsets were read
 * @param durationMs how long reading and evaluating took
 * @param groups     groups sorted by name
 * @param partitions log-start and log-end offsets of every partition read
 * @param error      why the round failed (the groups are then those of the last good round), or null
 */
public record LagReport(long timeMs, long durationMs, List<GroupLag> groups,
                        Map<TopicPartition, PartitionOffsets> partitions, String error) {

    public static final LagReport EMPTY = new LagReport(0, 0, List.of(), Map.of(), null);

    public Optional<GroupLag> group(String group) {
        return groups.stream().filter(g -> g.group().equals(group)).findFirst();
    }

    /** The same round, marked as failed at {@code timeMs} with {@code error}. */
    public LagReport failed(long timeMs, String error) {
        return new LagReport(timeMs, durationMs, groups, partitions, error);
    }

    public record PartitionOffsets(long earliest, long latest) {
    }

    /**
     * One group's lag, health and rates.
     *
     * @param lag            sum of partition lags, in records
     * @param maxLag         largest partition lag
     * @param maxLagSeconds  largest partition lag in seconds (NaN when unknown)
     * @param consumeRate    records committed per second over the health window
     * @param produceRate    records appended per second to the partitions it reads
     * @param drainSeconds   Little's law: lag / consumption rate, the time to work off the backlog
     *                       at the current pace (infinite when nothing is consumed)
     * @param catchUpSeconds lag / (consumption rate - production rate): when the group catches up
     *                       if arrivals continue (infinite when it does not gain)
     * @param topicLag       sum of lags per topic
     */
    public record GroupLag(String group, String state, boolean simple, int members, Status status, long statusSinceMs,
                           long lag, long maxLag, double maxLagSeconds, double consumeRate, double produceRate,
                           double drainSeconds, double catchUpSeconds, LittlesLaw little,
                           Map<String, Long> topicLag, List<PartitionLag> partitions, String error) {
    }

    /**
     * Little's law, L = λW, measured over the health window: L is the mean backlog, λ the arrival
     * rate and W the mean age of the oldest unread record (the lag in seconds), weighted by each
     * partition's arrivals. In a steady state the ratio L / (λW) is close to 1.
     */
    public record LittlesLaw(double meanLag, double arrivalRate, double meanWaitSeconds, double ratio) {
        public static final LittlesLaw UNKNOWN = new LittlesLaw(Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }

    /**
     * One partition as one group consumes it.
     *
     * @param committed   committed offset, -1 when the group has not committed one
     * @param lag         records to read; -1 when unknown (no committed offset, and a log that is not
     *                    empty); records that are only transaction
     *                    markers are not counted (see {@link TransactionMarkers})
     * @param markers     offsets between the committed offset and the log end that hold no record
     *                    a read_committed consumer would get, and are left out of {@code lag}
     * @param lagSeconds  how long ago the next record to read was produced; 0 when caught up
     */
    public record PartitionLag(TopicPartition partition, Status status, long committed, long latest, long earliest,
                               long lag, long markers, double lagSeconds, double consumeRate, double produceRate,
                               OffsetSnapshot.Owner owner) {

        public String topic() {
            return partition.topic();
        }
    }
}
