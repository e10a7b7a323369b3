package io.mosaic.dashboard.jobs;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Jobs' stalls as they begin and end, from successive looks at the jobs table: a job the tracker
 * calls stalled begins a stall; the stall ends when the job moves again, completes, or is no
 * longer listed. The dashboard's webhooks and {@code mosaic chaos} read stalls this way.
 */
public final class JobStalls {

    /**
     * A stall that began ({@code ended} false) or ended.
     *
     * @param job          the job as last seen; null when it is no longer listed
     * @param quietSinceMs when the job's last result came before the stall (the dashboard's clock)
     * @param timeMs       when the change was seen
     */
    public record Change(String jobId, boolean ended, JobProgress job, long quietSinceMs, long timeMs) {

        /** How long the job had gone without a result when the change was seen. */
        public long quietMs() {
            return Math.max(0, timeMs - quietSinceMs);
        }
    }

    /** Per stalled job: when its last result came. */
    private final Map<String, Long> quietSince = new HashMap<>();

    /** The stalls that began or ended since the last look, given every listed job and which are stalled at {@code nowMs}. */
    public synchronized List<Change> update(Collection<JobProgress> jobs, Predicate<JobProgress> stalled, long nowMs) {
        List<Change> changes = new ArrayList<>();
        Set<String> listed = new HashSet<>();
        for (JobProgress job : jobs) {
            listed.add(job.jobId());
            Long since = quietSince.get(job.jobId());
            boolean stalledNow = stalled.test(job);
            if (stalledNow && since == null) {
                quietSince.put(job.jobId(), job.resultAt());
                changes.add(new Change(job.jobId(), false, job, job.resultAt(), nowMs));
            } else if (!stalledNow && since != null) {
                quietSince.remove(job.jobId());
                changes.add(new Change(job.jobId(), true, job, since, nowMs));
            }
        }
        for (Iterator<Map.Entry<String, Long>> it = quietSince.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Long> gone = it.next();
            if (!listed.contains(gone.getKey())) {
                changes.add(new Change(gone.getKey(), true, null, gone.getValue(), nowMs));
                it.remove();
            }
        }
        return changes;
    }

    /** Jobs whose stall has not ended. */
    public synchronized int stalledNow() {
        return quietSince.size();
    }
}
