package io.mosaic.platform.config;

import io.mosaic.schemas.JobPriority;
import java.util.List;

/**
 * How jobs share the workers. Submitters publish a job's tasks to the backlog topic, keyed by job;
 * the dispatcher (run by every aggregator) lets each job's tasks into the tasks topic a window at a
 * time, as its results come back, so the queue in front of the workers holds at most a window of
 * each running job and a job submitted behind a big one waits for one window, not for the whole
 * big job. Both sides read these settings: the submitter whether to use the backlog, the
 * dispatcher how wide a window is.
 */
public final class DispatchSettings {

    public static final Setting<Boolean> ENABLED = Setting.flag("dispatch.enabled", true,
            "publish tasks to the backlog topic, from which the dispatcher lets each job into the tasks topic a window at a time,"
                    + " so that jobs share the workers; false publishes them straight to the tasks topic, first come first served");
    public static final Setting<Integer> WINDOW = Setting.integer("dispatch.window", 1_000, 1, 1_000_000,
            "most tasks of one NORMAL job in the workers' queue at once (HIGH: twice as many, BATCH: half); large enough to keep"
                    + " the workers busy for one round trip (release, analysis, result), small enough that a new job waits little");

    public static final Setting<Integer> EXPRESS = Setting.integer("dispatch.express", 50, 0, 1_000_000,
            "the first tasks of each HIGH or NORMAL job go to the express lane, which the workers take before the tasks topic:"
                    + " a small job does not even wait for the big jobs' windows (0: no express lane)");

    public static final List<Setting<?>> SETTINGS = List.of(ENABLED, WINDOW, EXPRESS);

    private DispatchSettings() {
    }

    /**
     * The window of a job of {@code priority} when a NORMAL job's is {@code normal}: a job's share of
     * the workers is its window over the sum of the running jobs' windows (the queue is first in,
     * first out, so each job's throughput is proportional to its part of the queue), which makes
     * the shares of HIGH, NORMAL and BATCH 4 : 2 : 1.
     */
    public static int window(JobPriority priority, int normal) {
        return switch (priority == null ? JobPriority.NORMAL : priority) {
            case HIGH -> (int) Math.min(Integer.MAX_VALUE, 2L * normal);
            case NORMAL -> normal;
            case BATCH -> Math.max(1, normal / 2);
        };
    }
}
