package io.mosaic.dashboard.web;

import io.mosaic.dashboard.jobs.JobProgress;
import io.mosaic.dashboard.lag.History;
import io.mosaic.dashboard.lag.LagEvaluator;
import io.mosaic.dashboard.lag.LagReport;
import io.mosaic.dashboard.lag.LagReport.GroupLag;
import io.mosaic.dashboard.lag.LagReport.LittlesLaw;
import io.mosaic.dashboard.lag.LagReport.PartitionLag;
import io.mosaic.dashboard.lag.Status;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;
import org.apache.kafka.common.TopicPartition;

/**
 * The JSON API's documents, as maps for Jackson. Numbers that are unknown (NaN) or unbounded
 * (a drain time when nothing is consumed) are written as null, since JSON has no such numbers.
 */
final class ApiViews {

    private ApiViews() {
    }

    /** {@code GET /api/groups}. */
    static Map<String, Object> groups(LagReport report, String cluster, long intervalMs) {
        Map<String, Object> doc = header(report, cluster, intervalMs);
        List<Map<String, Object>> groups = new ArrayList<>();
        for (GroupLag g : report.groups()) {
            groups.add(group(g));
        }
        doc.put("groups", groups);
        return doc;
    }

    /** {@code GET /api/groups/{group}}: the group, its partitions with their recent lag, and its history. */
    static Map<String, Object> groupDetail(LagReport report, GroupLag g, LagEvaluator evaluator, String cluster,
                                           long intervalMs, long sinceMs) {
        Map<String, Object> doc = header(report, cluster, intervalMs);
        Map<String, Object> group = group(g);
        Map<TopicPartition, History.Series> histories = evaluator.partitionHistory(g.group());
        List<Map<String, Object>> partitions = new ArrayList<>();
        for (PartitionLag p : g.partitions()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("topic", p.topic());
            m.put("partition", p.partition().partition());
            m.put("status", p.status().name());
            m.put("committedOffset", p.committed() < 0 ? null : p.committed());
            m.put("latestOffset", p.latest());
            m.put("earliestOffset", p.earliest() < 0 ? null : p.earliest());
            m.put("lag", p.lag() < 0 ? null : p.lag());
            m.put("markers", p.markers());
            m.put("lagSeconds", num(p.lagSeconds()));
            m.put("consumeRate", num(p.consumeRate()));
            m.put("produceRate", num(p.produceRate()));
            m.put("owner", p.owner().consumerId().isEmpty() ? null
                    : Map.of("consumerId", p.owner().consumerId(), "clientId", p.owner().clientId(), "host", p.owner().host()));
            History.Series h = histories.get(p.partition());
            if (h != null) {
                m.put("history", Map.of("time", h.times(), "lag", nums(h.column(History.Column.LAG)),
                        "lagSeconds", nums(h.column(History.Column.LAG_SECONDS))));
            }
            partitions.add(m);
        }
        group.put("partitions", partitions);
        evaluator.groupHistory(g.group(), sinceMs).ifPresent(h -> group.put("history", history(h)));
        doc.put("group", group);
        return doc;
    }

    /** {@code GET /api/history?since=ms}: every group's history after {@code since}. */
    static Map<String, Object> history(LagReport report, LagEvaluator evaluator, String cluster, long intervalMs, long sinceMs) {
        Map<String, Object> doc = header(report, cluster, intervalMs);
        Map<String, Object> groups = new LinkedHashMap<>();
        for (GroupLag g : report.groups()) {
            evaluator.groupHistory(g.group(), sinceMs).ifPresent(h -> groups.put(g.group(), history(h)));
        }
        doc.put("groups", groups);
        return doc;
    }

    /** {@code GET /api/jobs}: each job with whether it is {@link JobProgress#stalled stalled} and how long since its last result. */
    static Map<String, Object> jobs(List<JobProgress> jobs, double imagesPerSecond, boolean tracking, Predicate<JobProgress> stalled,
                                    ToLongFunction<JobProgress> sinceResultMs) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("tracking", tracking);
        doc.put("imagesPerSecond", num(imagesPerSecond));
        List<Map<String, Object>> list = new ArrayList<>();
        Map<String, Double> shares = JobProgress.shares(jobs);
        for (JobProgress j : jobs) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("jobId", j.jobId());
            m.put("state", j.state());
            m.put("source", j.source());
            m.put("taskCount", j.taskCount() < 0 ? null : j.taskCount());
            m.put("done", j.done());
            m.put("succeeded", j.succeeded());
            m.put("failed", j.failed());
            m.put("duplicatesIgnored", j.duplicatesIgnored());
            m.put("blurry", j.blurry());
            m.put("progress", j.progress());
            m.put("startedAt", j.startedAt());
            m.put("updatedAt", j.updatedAt());
            m.put("completedAt", j.completedAt());
            m.put("priority", j.priority());
            // The job's own backlog: held back by the dispatcher, and in the workers' queue.
            m.put("queued", j.queued());
            m.put("inFlight", j.inFlight());
            m.put("share", shares.get(j.jobId()));
            m.put("stalled", stalled.test(j));
            m.put("sinceResultMs", j.running() ? sinceResultMs.applyAsLong(j) : null);
            Map<String, Object> timing = new LinkedHashMap<>();
            timing.put("listingMs", j.timing().listingMs());
            timing.put("fetchMs", j.timing().fetchMs());
            timing.put("decodeMs", j.timing().decodeMs());
            timing.put("analysisMs", j.timing().analysisMs());
            m.put("timing", timing);
            list.add(m);
        }
        doc.put("jobs", list);
        return doc;
    }

    private static Map<String, Object> header(LagReport report, String cluster, long intervalMs) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("cluster", cluster);
        doc.put("time", report.timeMs() == 0 ? null : report.timeMs());
        doc.put("intervalMs", intervalMs);
        doc.put("roundMs", report.durationMs());
        doc.put("error", report.error());
        return doc;
    }

    private static Map<String, Object> group(GroupLag g) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("group", g.group());
        m.put("status", g.status().name());
        m.put("statusSince", g.statusSinceMs());
        m.put("state", g.state());
        m.put("members", g.members());
        m.put("simple", g.simple());
        m.put("topics", List.copyOf(g.topicLag().keySet()));
        m.put("partitionCount", g.partitions().size());
        m.put("lag", g.lag());
        m.put("maxLag", g.maxLag());
        m.put("lagSeconds", num(g.maxLagSeconds()));
        m.put("consumeRate", num(g.consumeRate()));
        m.put("produceRate", num(g.produceRate()));
        m.put("drainSeconds", num(g.drainSeconds()));
        m.put("catchUpSeconds", num(g.catchUpSeconds()));
        LittlesLaw l = g.little();
        Map<String, Object> little = new LinkedHashMap<>();
        little.put("meanLag", num(l.meanLag()));
        little.put("arrivalRate", num(l.arrivalRate()));
        little.put("meanWaitSeconds", num(l.meanWaitSeconds()));
        little.put("lambdaW", Double.isFinite(l.arrivalRate() * l.meanWaitSeconds()) ? l.arrivalRate() * l.meanWaitSeconds() : null);
        little.put("ratio", num(l.ratio()));
        m.put("little", little);
        Map<String, Integer> statuses = new LinkedHashMap<>();
        for (PartitionLag p : g.partitions()) {
            statuses.merge(p.status().name(), 1, Integer::sum);
        }
        m.put("partitionStatus", statuses);
        m.put("topicLag", g.topicLag());
        m.put("error", g.error());
        return m;
    }

    private static Map<String, Object> history(History.Series h) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("time", h.times());
        m.put("lag", nums(h.column(History.Column.LAG)));
        m.put("lagSeconds", nums(h.column(History.Column.LAG_SECONDS)));
        m.put("consumeRate", nums(h.column(History.Column.CONSUME_RATE)));
        m.put("produceRate", nums(h.column(History.Column.PRODUCE_RATE)));
        double[] codes = h.column(History.Column.STATUS);
        String[] statuses = new String[codes.length];
        Status[] all = Status.values();
        for (int i = 0; i < codes.length; i++) {
            statuses[i] = all[(int) codes[i]].name();
        }
        m.put("status", statuses);
        return m;
    }

    static Double num(double value) {
        return Double.isFinite(value) ? value : null;
    }

    private static Double[] nums(double[] values) {
        Double[] boxed = new Double[values.length];
        for (int i = 0; i < values.length; i++) {
            boxed[i] = num(values[i]);
        }
        return boxed;
    }
}
