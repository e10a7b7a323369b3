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
 *   <li>The committed offset did not move across the whole window: {@link Status#STALL} if a live
 *       group member owns the partition, {@link Status#STOP} if none does. Burrow calls a consumer
 *       that commits the same offset stalled and one that stopped committing stopped; ownership is
 *       what tells the two apart when commits themselves are not visible (rules 3 and 4).</li>
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
     * The status of a partition, judged from {@code window} (oldest first), which is full when it
     * holds {@code windowSize} samples; {@code owned} says whether a live member holds the partition now.
     */
    public static Status evaluate(Window window, int windowSize, boolean owned) {
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
            return owned ? Status.STALL : Status.STOP;
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
