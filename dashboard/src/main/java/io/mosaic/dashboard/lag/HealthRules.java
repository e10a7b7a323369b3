package io.mosaic.dashboard.lag;

import java.util.List;

/**
 * Burrow's consumer-lag evaluation rules, as pure functions of a window of offset samples.
 *
 * <p>Burrow judges a partition from the consumer's last few offset commits. The dashboard cannot
 * see commits, only the committed offset each time it looks, so its window is the last
 * {@code lag.window} samples of (time, committed offset, lag), taken every {@code lag.interval.ms}.
 * The rules, checked in Burrow's order, the first that matches wins:
 *
 * <ol>
 *   <li>The lag was zero at some sample in the window, or is zero now: {@link Status#OK}
 *       (Burrow rule 1). Fewer than two samples: OK, nothing can be judged yet.</li>
 *   <li>The committed offset went down between two samples: {@link Status#REWIND} (rule 2).</li>
 *   <li>The window is not full yet: OK; the remaining rules need the whole window.</li>
 *   <li>The committed offset did not move across the whole window: {@link Status#STOP} if no live
 *       group member owns the partition; OK if its owner committed progress on another of its
 *       partitions within the window (the partition is waiting its turn: a consumer works through
 *       one partition's fetched records at a time, so under a large backlog the others stand still
 *       for a while although nothing is wrong); otherwise {@link Status#STALL}. The group's lag need
 *       not fall: while a big job is still being published it grows although every member works.
 *       Burrow calls a consumer that commits the same offset stalled and one that stopped
 *       committing stopped; ownership, and the time since the owner last committed anything, are
 *       what tell these apart when commits themselves are not visible (rules 3 and 4).</li>
 *   <li>The offset moved but the lag never went down from one sample to the next:
 *       {@link Status#WARN}, the consumer is not keeping up (rule 5).</li>
 *   <li>Otherwise OK.</li>
 * </ol>
 */
public final class HealthRules {

    private HealthRules() {
    }

    /** A window of samples, oldest first. */
    public interface Window {
        int size();

        long time(int i);

        long offset(int i);

        long lag(int i);

        /** A window of the given samples, for tests and tools. */
        static Window of(List<Sample> samples) {
            return new Window() {
                @Override
                public int size() {
                    return samples.size();
                }

                @Override
                public long time(int i) {
                    return samples.get(i).timeMs();
                }

                @Override
                public long offset(int i) {
                    return samples.get(i).offset();
                }

                @Override
                public long lag(int i) {
                    return samples.get(i).lag();
                }
            };
        }
    }

    /** One observation of a partition: when, the group's committed offset, and its lag in records. */
    public record Sample(long timeMs, long offset, long lag) {
    }

    /**
     * What a partition's own offsets cannot tell: who holds it and how that owner and its group fare.
     *
     * @param owned a live group member holds the partition now
     * @param ownerCommitting that member's committed offset moved on another of its partitions within the window
     * @param groupConsuming the group's committed offsets moved forward within the window
     */
    public record Context(boolean owned, boolean ownerCommitting, boolean groupConsuming) {

        public static final Context UNOWNED = new Context(false, false, false);

        /** Owned, with nothing known of the owner's other partitions. */
        public static Context owned(boolean owned) {
            return new Context(owned, false, false);
        }

        boolean waitingItsTurn() {
            return owned && ownerCommitting && groupConsuming;
        }
    }

    /**
     * The status of a partition, judged from {@code window} (oldest first), which is full when it
     * holds {@code windowSize} samples, and from what {@code context} says of its owner and group.
     */
    public static Status evaluate(Window window, int windowSize, Context context) {
        boolean owned = context.owned();
        int n = window.size();
        if (n < 2 || lagWasZero(window)) {
            return Status.OK;
        }
        if (rewound(window)) {
            return Status.REWIND;
        }
        if (n < windowSize) {
            return Status.OK;
        }
        if (offsetNeverMoved(window)) {
            if (!owned) {
                return Status.STOP;
            }
            return context.waitingItsTurn() ? Status.OK : Status.STALL;
        }
        if (lagNeverDecreased(window)) {
            return Status.WARN;
        }
        return Status.OK;
    }

    /** Rule 1: a consumer that caught up at any point of the window is fine. */
    static boolean lagWasZero(Window window) {
        for (int i = 0; i < window.size(); i++) {
            if (window.lag(i) == 0) {
                return true;
            }
        }
        return false;
    }

    /** Rule 2: a committed offset lower than the one before it. */
    static boolean rewound(Window window) {
        for (int i = 1; i < window.size(); i++) {
            if (window.offset(i) < window.offset(i - 1)) {
                return true;
            }
        }
        return false;
    }

    /** Rules 3 and 4: no progress at all over the window. */
    static boolean offsetNeverMoved(Window window) {
        for (int i = 1; i < window.size(); i++) {
            if (window.offset(i) != window.offset(0)) {
                return false;
            }
        }
        return true;
    }

    /** Whether the committed offset moved between the window's first sample and its last. */
    static boolean moved(Window window) {
        return window.size() > 1 && window.offset(window.size() - 1) != window.offset(0);
    }

    /** Rule 5: progress, but the backlog never shrank. */
    static boolean lagNeverDecreased(Window window) {
        for (int i = 1; i < window.size(); i++) {
            if (window.lag(i) < window.lag(i - 1)) {
                return false;
            }
        }
        return true;
    }
}
