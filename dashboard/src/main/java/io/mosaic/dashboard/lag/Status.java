package io.mosaic.dashboard.lag;

/**
 * Health of a consumer on one partition, or of a whole group, with Burrow's names. Declared from
 * least to most severe: a group is as unhealthy as its worst partition.
 *
 * <ul>
 *   <li>{@code OK}: the consumer caught up at some point in the window, or its lag is shrinking.</li>
 *   <li>{@code WARN}: the consumer commits progress, but its lag never shrank over the window.</li>
 *   <li>{@code STALL}: a live group member owns the partition, yet its offset has not moved over
 *       the whole window while there was lag.</li>
 *   <li>{@code STOP}: no member owns the partition and its offset has not moved over the whole
 *       window while there was lag: nobody is consuming it.</li>
 *   <li>{@code REWIND}: the committed offset went backwards inside the window (a reset or a replay).</li>
 *   <li>{@code ERR}: groups only: the group's offsets could not be read this round.</li>
 * </ul>
 */
public enum Status {
    OK, WARN, STALL, STOP, REWIND, ERR;

    /** The more severe of the two. */
    public Status worst(Status other) {
        return other.ordinal() > ordinal() ? other : this;
    }

    /** Unhealthy in the sense of an alert: the consumer is behind and not catching up. */
    public boolean alerting() {
        return this == WARN || this == STALL || this == STOP;
    }
}
