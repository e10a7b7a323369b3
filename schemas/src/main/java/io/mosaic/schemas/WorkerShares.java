package io.mosaic.schemas;

import java.util.HashMap;
import java.util.Map;

/**
 * Each job's share of the workers, from its summary's {@code inFlightTasks}: its tasks in the
 * workers' queue over every job's. The queue is first in, first out, so that is the part of the
 * workers' time each job gets (Little's law with one waiting time for all). A job with nothing
 * in the queue (completed, or submitted straight to the tasks topic, which the dispatcher does not
 * count) has no share. The jobs API and the dashboard both answer with this.
 */
public final class WorkerShares {

    private WorkerShares() {
    }

    /** The share, 0 to 1, of each job in {@code inFlightByJob} with tasks in the queue. */
    public static Map<String, Double> of(Map<String, Integer> inFlightByJob) {
        long all = inFlightByJob.values().stream().mapToLong(n -> Math.max(0, n)).sum();
        Map<String, Double> shares = new HashMap<>();
        inFlightByJob.forEach((jobId, inFlight) -> {
            if (inFlight > 0) {
                shares.put(jobId, (double) inFlight / all);
            }
        });
        return shares;
    }
}
