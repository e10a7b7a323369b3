package io.mosaic.dashboard.lag;

import io.mosaic.dashboard.lag.LagReport.GroupLag;
import io.mosaic.dashboard.lag.LagReport.LittlesLaw;
import io.mosaic.dashboard.lag.LagReport.PartitionLag;
import io.mosaic.dashboard.lag.LagReport.PartitionOffsets;
import io.mosaic.dashboard.lag.OffsetSnapshot.GroupOffsets;
import io.mosaic.dashboard.lag.OffsetSnapshot.Owner;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.TopicPartition;

/**
 * Turns one {@link OffsetSnapshot} after another into {@link LagReport}s: lag in records and in
 * seconds per partition, topic and group, production and consumption rates, Little's-law drain
 * time, and health by {@link HealthRules}. Keeps what that needs between rounds: an
 * {@link OffsetTable} per partition, a health window per group partition, and the history the
 * charts draw (per group, an hour; per partition, the last {@value #PARTITION_HISTORY} rounds).
 *
 * <p>No I/O: the benchmark and the tests drive it with hand-made snapshots. {@link #evaluate} is
 * called from one thread at a time; the histories may be read from any thread.
 */
public final class LagEvaluator {

    /** Samples per partition's offset table: kafka-lag-exporter's default. */
    public static final int TABLE_SIZE = 60;
    /** Rounds of history kept per partition. */
    public static final int PARTITION_HISTORY = 60;
    /** Group history spans at least this long. */
    public static final long GROUP_HISTORY_MS = 3_600_000;

    private final int windowSize;
    private final int groupHistorySize;
    private final Map<TopicPartition, OffsetTable> tables = new HashMap<>();
    private final Map<String, GroupState> groups = new ConcurrentHashMap<>();

    /**
     * @param windowSize samples in the health window ({@code lag.window})
     * @param intervalMs time between rounds, which sizes the hour of group history
     */
    public LagEvaluator(int windowSize, long intervalMs) {
        if (windowSize < 2) {
            throw new IllegalArgumentException("the health window needs at least 2 samples, got " + windowSize);
        }
        if (intervalMs < 1) {
            throw new IllegalArgumentException("the interval must be positive, got " + intervalMs);
        }
        this.windowSize = windowSize;
        this.groupHistorySize = (int) Math.max(60, GROUP_HISTORY_MS / intervalMs + 1);
    }

    /** Evaluates one round. {@code markers} tells which lags are only transaction markers. */
    public LagReport evaluate(OffsetSnapshot snapshot, TransactionMarkers markers) {
        long start = System.nanoTime();
        long now = snapshot.timeMs();
        updateTables(snapshot);

        List<GroupLag> results = new ArrayList<>(snapshot.groups().size());
        Set<String> seen = new HashSet<>();
        for (GroupOffsets group : snapshot.groups()) {
            seen.add(group.group());
            GroupState state = groups.computeIfAbsent(group.group(), g -> new GroupState(groupHistorySize));
            results.add(evaluateGroup(group, state, snapshot, markers, now));
        }
        groups.keySet().retainAll(seen);
        results.sort(Comparator.comparing(GroupLag::group));

        Map<TopicPartition, PartitionOffsets> partitions = new HashMap<>(snapshot.latestOffsets().size() * 2);
        snapshot.latestOffsets().forEach((tp, latest) ->
                partitions.put(tp, new PartitionOffsets(snapshot.earliestOffsets().getOrDefault(tp, -1L), latest)));
        long durationMs = (System.nanoTime() - start) / 1_000_000;
        return new LagReport(now, durationMs, List.copyOf(results), Collections.unmodifiableMap(partitions), null);
    }

    /** A group's history after {@code sinceMs}: every {@link History.Column}. */
    public Optional<History.Series> groupHistory(String group, long sinceMs) {
        GroupState state = groups.get(group);
        return state == null ? Optional.empty() : Optional.of(state.history.since(sinceMs));
    }

    /** Each partition's recent history in a group: {@link History.Column#LAG} and {@link History.Column#LAG_SECONDS}. */
    public Map<TopicPartition, History.Series> partitionHistory(String group) {
        GroupState state = groups.get(group);
        if (state == null) {
            return Map.of();
        }
        Map<TopicPartition, History.Series> result = new HashMap<>();
        state.partitions.forEach((tp, p) -> result.put(tp, p.history.since(Long.MIN_VALUE)));
        return result;
    }

    private void updateTables(OffsetSnapshot snapshot) {
        tables.keySet().retainAll(snapshot.latestOffsets().keySet());
        snapshot.latestOffsets().forEach((tp, latest) ->
                tables.computeIfAbsent(tp, p -> new OffsetTable(TABLE_SIZE)).add(latest, snapshot.timeMs()));
    }

    private GroupLag evaluateGroup(GroupOffsets group, GroupState state, OffsetSnapshot snapshot,
                                   TransactionMarkers markers, long now) {
        if (group.error() != null) {
            // Keep the partitions' windows: the group is still there, only this read failed.
            Status status = state.transition(Status.ERR, now);
            state.history.add(now, Double.NaN, Double.NaN, Double.NaN, Double.NaN, status.ordinal());
            return new GroupLag(group.group(), group.state(), group.simple(), group.members(), status, state.statusSince,
                    0, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, LittlesLaw.UNKNOWN,
                    Map.of(), List.of(), group.error());
        }

        Set<TopicPartition> assigned = new LinkedHashSet<>(group.committed().keySet());
        assigned.addAll(group.owners().keySet());
        state.partitions.keySet().retainAll(assigned);

        List<PartitionLag> partitions = new ArrayList<>(assigned.size());
        Map<String, Long> topicLag = new TreeMap<>();
        Status worst = Status.OK;
        long sumLag = 0;
        long maxLag = 0;
        double maxLagSeconds = Double.NaN;
        double consumeRate = 0;
        double produceRate = 0;
        double meanLag = 0;
        double arrivals = 0;
        double arrivalsTimesWait = 0;
        // First every partition's window takes this round's sample; then each is judged, knowing
        // which owners committed progress anywhere and whether the group consumed at all.
        List<Judged> judged = new ArrayList<>(assigned.size());
        Set<String> committingOwners = new HashSet<>();
        long consumed = 0;
        for (TopicPartition tp : assigned) {
            Long latestBoxed = snapshot.latestOffsets().get(tp);
            if (latestBoxed == null) {
                continue;
            }
            long latest = latestBoxed;
            long earliest = snapshot.earliestOffsets().getOrDefault(tp, -1L);
            Owner owner = group.owners().getOrDefault(tp, Owner.NONE);
            Long committedBoxed = group.committed().get(tp);
            if (committedBoxed == null) {
                // Assigned but never committed: where the consumer starts is its own setting
                // (auto.offset.reset), unknown here, so the lag is unknown, unless the log is empty
                // and there is nothing to read from any position.
                boolean empty = earliest >= 0 && earliest == latest;
                partitions.add(new PartitionLag(tp, Status.OK, -1, latest, earliest, empty ? 0 : -1, 0,
                        empty ? 0 : Double.NaN, Double.NaN, Double.NaN, owner));
                continue;
            }
            long committed = committedBoxed;
            long rawLag = Math.max(0, latest - committed);
            long lag = rawLag > 0 && markers.onlyMarkers(tp, committed, latest) ? 0 : rawLag;
            double lagSeconds = lag == 0 ? 0 : tables.get(tp).lagSeconds(committed, now);

            PartitionState ps = state.partitions.computeIfAbsent(tp, p -> new PartitionState(windowSize));
            ps.window.add(now, committed, latest, lag, lagSeconds);
            ps.history.add(now, lag, lagSeconds);
            if (owner != Owner.NONE && HealthRules.moved(ps.window)) {
                committingOwners.add(owner.consumerId());
            }
            consumed += ps.window.offset(ps.window.size() - 1) - ps.window.offset(0);
            judged.add(new Judged(tp, ps, owner, committed, latest, earliest, lag, rawLag, lagSeconds));
        }
        boolean groupConsuming = consumed > 0;
        for (Judged j : judged) {
            HealthRules.Context context = j.owner == Owner.NONE ? HealthRules.Context.UNOWNED
                    : new HealthRules.Context(true, committingOwners.contains(j.owner.consumerId()), groupConsuming);
            Status status = HealthRules.evaluate(j.ps.window, windowSize, context);
            PartitionState ps = j.ps;
            long lag = j.lag;
            double lagSeconds = j.lagSeconds;
            double partitionConsumeRate = ps.window.consumeRate();
            double partitionProduceRate = ps.window.produceRate();

            partitions.add(new PartitionLag(j.tp, status, j.committed, j.latest, j.earliest, lag, j.rawLag - lag, lagSeconds,
                    partitionConsumeRate, partitionProduceRate, j.owner));
            worst = worst.worst(status);
            sumLag += lag;
            maxLag = Math.max(maxLag, lag);
            if (!Double.isNaN(lagSeconds) && (Double.isNaN(maxLagSeconds) || lagSeconds > maxLagSeconds)) {
                maxLagSeconds = lagSeconds;
            }
            topicLag.merge(j.tp.topic(), lag, Long::sum);
            if (!Double.isNaN(partitionConsumeRate)) {
                consumeRate += partitionConsumeRate;
            }
            if (!Double.isNaN(partitionProduceRate)) {
                produceRate += partitionProduceRate;
                double wait = ps.window.meanLagSeconds();
                if (!Double.isNaN(wait)) {
                    arrivals += partitionProduceRate;
                    arrivalsTimesWait += partitionProduceRate * wait;
                }
            }
            meanLag += ps.window.meanLag();
        }
        partitions.sort(Comparator.comparing(PartitionLag::topic).thenComparingInt(p -> p.partition().partition()));

        Status status = state.transition(worst, now);
        double drain = sumLag == 0 ? 0 : consumeRate > 0 ? sumLag / consumeRate : Double.POSITIVE_INFINITY;
        double catchUp = sumLag == 0 ? 0 : consumeRate > produceRate ? sumLag / (consumeRate - produceRate) : Double.POSITIVE_INFINITY;
        LittlesLaw little = arrivals > 0
                ? new LittlesLaw(meanLag, arrivals, arrivalsTimesWait / arrivals,
                        arrivalsTimesWait > 0 ? meanLag / arrivalsTimesWait : Double.NaN)
                : new LittlesLaw(meanLag, 0, Double.NaN, Double.NaN);
        state.history.add(now, sumLag, maxLagSeconds, consumeRate, produceRate, status.ordinal());
        return new GroupLag(group.group(), group.state(), group.simple(), group.members(), status, state.statusSince,
                sumLag, maxLag, maxLagSeconds, consumeRate, produceRate, drain, catchUp, little,
                Collections.unmodifiableMap(topicLag), List.copyOf(partitions), null);
    }

    /** One partition's sample of this round, waiting to be judged with the rest of its group. */
    private record Judged(TopicPartition tp, PartitionState ps, Owner owner, long committed, long latest, long earliest,
                          long lag, long rawLag, double lagSeconds) {
    }

    private static final class GroupState {
        final Map<TopicPartition, PartitionState> partitions = new ConcurrentHashMap<>();
        final History history;
        Status status;
        long statusSince;

        GroupState(int historySize) {
            this.history = new History(historySize, History.Column.values().length);
        }

        Status transition(Status next, long now) {
            if (next != status) {
                status = next;
                statusSince = now;
            }
            return next;
        }
    }

    private static final class PartitionState {
        final PartitionWindow window;
        final History history = new History(PARTITION_HISTORY, History.Column.OF_A_PARTITION);

        PartitionState(int windowSize) {
            this.window = new PartitionWindow(windowSize);
        }
    }
}
