package io.mosaic.dashboard.lag;

import io.mosaic.dashboard.lag.OffsetSnapshot.GroupOffsets;
import io.mosaic.dashboard.lag.OffsetSnapshot.Owner;
import io.mosaic.dashboard.metrics.LagMetrics;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.common.TopicPartition;

/**
 * How long one monitoring round's evaluation takes for 50 groups of 500 partitions each, with
 * the Admin client's answers already in hand (the I/O of a round is the cluster's, not ours).
 *
 * <p>Each group reads its own 500-partition topic; producers append 0 to 40 records per partition
 * between rounds and consumers commit most of it, some fall behind, some stop. After enough
 * rounds to fill every health window and offset table, it times {@value #MEASURED} rounds of
 * <ol>
 *   <li>the baseline, computed in the same run on the same snapshots: lag = log end - committed,
 *       summed per group, which is all {@code kafka-consumer-groups.sh} does;</li>
 *   <li>the full evaluation: lag in records and seconds, rates, health, Little's law, history;</li>
 *   <li>the full evaluation plus publishing the round to the Prometheus metrics.</li>
 * </ol>
 * and prints the medians and their ratio to the baseline. {@code mosaic bench} runs it as its
 * lag-evaluation line; alone, {@code mvn -pl dashboard compile exec:java}, which exits with status
 * 1 if a full round takes a second or more.
 */
public final class LagEvaluationBenchmark {

    static final int GROUPS = 50;
    static final int PARTITIONS = 500;
    static final int WARMUP = 40;
    static final int MEASURED = 30;
    private static final int MEMBERS = 10;

    private final Random random = new Random(42);
    private final long[][] logEnd = new long[GROUPS][PARTITIONS];
    private final long[][] committed = new long[GROUPS][PARTITIONS];
    private final TopicPartition[][] partitions = new TopicPartition[GROUPS][PARTITIONS];
    private final Owner[][] owners = new Owner[GROUPS][MEMBERS];
    private long now = 1_700_000_000_000L;

    private LagEvaluationBenchmark() {
        for (int g = 0; g < GROUPS; g++) {
            for (int p = 0; p < PARTITIONS; p++) {
                partitions[g][p] = new TopicPartition("topic-" + g, p);
                logEnd[g][p] = random.nextInt(1_000_000);
                committed[g][p] = logEnd[g][p] - random.nextInt(100);
            }
            for (int m = 0; m < MEMBERS; m++) {
                owners[g][m] = new Owner("consumer-" + g + "-" + m + "-5f1c", "consumer-" + g + "-" + m, "/10.0.0." + m);
            }
        }
    }

    /** Median milliseconds of one round: the baseline, the full evaluation, and it with the metrics update. */
    public record Result(double baselineMs, double fullMs, double withMetricsMs, double scrapeMs, int scrapedBytes) {
    }

    public static void main(String[] args) {
        Result r = measure(WARMUP, MEASURED);
        System.out.printf(Locale.ROOT, "Lag evaluation: %d groups x %d partitions = %d group partitions, window 10, offset table %d (%d warm-up rounds, %d measured, Java %s, %d cores)%n",
                GROUPS, PARTITIONS, GROUPS * PARTITIONS, LagEvaluator.TABLE_SIZE, WARMUP, MEASURED,
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors());
        System.out.printf(Locale.ROOT, "  baseline: lag = log end - committed, summed per group   median %8.2f ms%n", r.baselineMs());
        System.out.printf(Locale.ROOT, "  full evaluation (lag, seconds, rates, health, history)  median %8.2f ms  %6.1f x baseline%n",
                r.fullMs(), r.fullMs() / r.baselineMs());
        System.out.printf(Locale.ROOT, "  full evaluation + Prometheus metrics update            median %8.2f ms  %6.1f x baseline%n",
                r.withMetricsMs(), r.withMetricsMs() / r.baselineMs());
        System.out.printf(Locale.ROOT, "  /metrics scrape (%d kB)                                 %8.2f ms%n", r.scrapedBytes() / 1024, r.scrapeMs());
        boolean pass = r.withMetricsMs() < 1_000;
        System.out.printf(Locale.ROOT, "  %s: one round %s under one second%n", pass ? "PASS" : "FAIL", pass ? "is" : "is NOT");
        if (!pass) {
            System.exit(1);
        }
    }

    /** Runs {@code warmup} rounds, then times {@code measured}; returns the medians. */
    public static Result measure(int warmup, int measured) {
        return new LagEvaluationBenchmark().run(warmup, measured);
    }

    private Result run(int warmupRounds, int measuredRounds) {
        LagEvaluator evaluator = new LagEvaluator(10, 5_000);
        LagMetrics metrics = new LagMetrics("bench", () -> 0, () -> 0, () -> 0);
        LagEvaluator evaluatorWithMetrics = new LagEvaluator(10, 5_000);
        long sink = 0;
        for (int round = 0; round < warmupRounds; round++) {
            OffsetSnapshot snapshot = nextRound();
            sink += baseline(snapshot);
            sink += evaluator.evaluate(snapshot, TransactionMarkers.NONE).groups().size();
            metrics.update(evaluatorWithMetrics.evaluate(snapshot, TransactionMarkers.NONE));
        }
        long[] base = new long[measuredRounds];
        long[] full = new long[measuredRounds];
        long[] withMetrics = new long[measuredRounds];
        for (int round = 0; round < measuredRounds; round++) {
            OffsetSnapshot snapshot = nextRound();
            long t0 = System.nanoTime();
            sink += baseline(snapshot);
            long t1 = System.nanoTime();
            LagReport report = evaluator.evaluate(snapshot, TransactionMarkers.NONE);
            long t2 = System.nanoTime();
            metrics.update(evaluatorWithMetrics.evaluate(snapshot, TransactionMarkers.NONE));
            long t3 = System.nanoTime();
            base[round] = t1 - t0;
            full[round] = t2 - t1;
            withMetrics[round] = t3 - t2;
            sink += report.groups().get(0).lag();
        }
        long[] scrapes = new long[3];
        int scraped = 0;
        for (int i = 0; i < scrapes.length; i++) {
            long s0 = System.nanoTime();
            scraped = metrics.scrape().length();
            scrapes[i] = System.nanoTime() - s0;
        }

        if (sink == 42) {
            // Keeps the work above from being optimised away.
            System.out.print("");
        }
        return new Result(median(base), median(full), median(withMetrics), median(scrapes), scraped);
    }

    /** What the command-line tool computes: lag per partition, summed per group. */
    private static long baseline(OffsetSnapshot snapshot) {
        long total = 0;
        Map<String, Long> perGroup = new HashMap<>();
        for (GroupOffsets group : snapshot.groups()) {
            long sum = 0;
            for (Map.Entry<TopicPartition, Long> e : group.committed().entrySet()) {
                sum += Math.max(0, snapshot.latestOffsets().get(e.getKey()) - e.getValue());
            }
            perGroup.put(group.group(), sum);
            total += sum;
        }
        return total + perGroup.size();
    }

    /** Advances producers and consumers by one interval and returns what the Admin client would report. */
    private OffsetSnapshot nextRound() {
        now += 5_000;
        Map<TopicPartition, Long> latest = new HashMap<>(GROUPS * PARTITIONS * 2);
        Map<TopicPartition, Long> earliest = new HashMap<>(GROUPS * PARTITIONS * 2);
        List<GroupOffsets> groups = new ArrayList<>(GROUPS);
        for (int g = 0; g < GROUPS; g++) {
            Map<TopicPartition, Long> groupCommitted = new HashMap<>(PARTITIONS * 2);
            Map<TopicPartition, Owner> groupOwners = new HashMap<>(PARTITIONS * 2);
            boolean stopped = g % 10 == 9;
            boolean slow = g % 10 == 8;
            for (int p = 0; p < PARTITIONS; p++) {
                logEnd[g][p] += random.nextInt(41);
                if (!stopped) {
                    long behind = logEnd[g][p] - committed[g][p];
                    committed[g][p] += slow ? behind / 3 : behind - random.nextInt(5);
                }
                TopicPartition tp = partitions[g][p];
                latest.put(tp, logEnd[g][p]);
                earliest.put(tp, 0L);
                groupCommitted.put(tp, committed[g][p]);
                if (!stopped) {
                    groupOwners.put(tp, owners[g][p % MEMBERS]);
                }
            }
            groups.add(new GroupOffsets("group-" + g, stopped ? "Empty" : "Stable", false, groupCommitted, groupOwners,
                    stopped ? 0 : MEMBERS, null));
        }
        return new OffsetSnapshot(now, latest, earliest, groups);
    }

    private static double median(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        double middle = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
        return middle / 1e6;
    }
}
