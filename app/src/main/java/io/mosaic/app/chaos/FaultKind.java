package io.mosaic.app.chaos;

/** The faults a chaos run injects; each is something that happens to real deployments. */
public enum FaultKind {

    /** SIGKILL a worker mid-transaction; restart it once its group has noticed. */
    KILL_WORKER("kill-worker", "kill -9 a worker"),
    /** SIGKILL the aggregator instance that owns the job's partition; restart it at once. */
    KILL_AGGREGATOR("kill-aggregator", "kill -9 the aggregator that owns the job"),
    /** SIGSTOP a worker past max.poll.interval.ms, so it is fenced as a zombie, then SIGCONT. */
    PAUSE_WORKER("pause-worker", "SIGSTOP a worker past max.poll.interval.ms, then SIGCONT"),
    /** SIGKILL one broker, then start it again on its old data. */
    KILL_BROKER("kill-broker", "kill -9 a broker, then restart it"),
    /** Publish the whole job again: same job id, same task ids. */
    RESUBMIT("resubmit", "submit the whole job again"),
    /** SIGTERM a worker, wait for its clean exit, start it again. */
    RESTART_WORKER("restart-worker", "restart a worker gracefully (SIGTERM)");

    private final String label;
    private final String description;

    FaultKind(String label, String description) {
        this.label = label;
        this.description = description;
    }

    public String label() {
        return label;
    }

    public String description() {
        return description;
    }
}
