package io.mosaic.dashboard.lag;

/**
 * For one partition, a bounded table of (log-end offset, wall time) samples, from which the time
 * an offset was produced is estimated; the consumer's lag in seconds is how long ago the next
 * offset it has to read was produced. This is kafka-lag-exporter's method: no record is read,
 * only offsets already fetched for the lag in records.
 *
 * <p>A sample at (offset o, time t) says that at time t the partition held offsets below o. An
 * offset c between two samples o1 <= c < o2 was produced between t1 and t2, estimated by linear
 * interpolation. Below the oldest sample the trend of the whole table is extrapolated. Runs of the
 * same log-end offset (an idle partition) are compressed to their first and last sample, so that
 * idle periods do not push the older, informative samples out of the table.
 */
public final class OffsetTable {

    private final long[] offsets;
    private final long[] times;
    private int start;
    private int size;

    public OffsetTable(int capacity) {
        if (capacity < 2) {
            throw new IllegalArgumentException("an offset table needs room for at least 2 samples, got " + capacity);
        }
        this.offsets = new long[capacity];
        this.times = new long[capacity];
    }

    /** Records that the partition's log ended at {@code logEndOffset} at {@code timeMs}. */
    public void add(long logEndOffset, long timeMs) {
        if (size > 0) {
            long lastOffset = offset(size - 1);
            if (timeMs <= time(size - 1)) {
                return;
            }
            if (logEndOffset < lastOffset) {
                // The log went backwards: the topic was recreated or an unclean leader election
                // truncated it. The old samples describe another log.
                clear();
            } else if (logEndOffset == lastOffset && size >= 2 && offset(size - 2) == lastOffset) {
                times[index(size - 1)] = timeMs;
                return;
            }
        }
        if (size == offsets.length) {
            start = (start + 1) % offsets.length;
            size--;
        }
        offsets[index(size)] = logEndOffset;
        times[index(size)] = timeMs;
        size++;
    }

    /**
     * Seconds since {@code offset} was produced, seen at {@code nowMs}: 0 when the offset is at or
     * past the log end (nothing to read, however long the partition has been idle); NaN when the
     * table cannot tell yet (fewer than two samples).
     */
    public double lagSeconds(long offset, long nowMs) {
        if (size == 0) {
            return Double.NaN;
        }
        if (offset >= offset(size - 1)) {
            return 0;
        }
        if (size < 2) {
            return Double.NaN;
        }
        return Math.max(0, (nowMs - producedAt(offset)) / 1000.0);
    }

    /** Estimated wall time, in milliseconds, at which {@code offset} was appended. */
    double producedAt(long offset) {
        int left = lastAtOrBelow(offset);
        int first = 0;
        int last = size - 1;
        if (left < 0) {
            if (offset(last) == offset(first)) {
                // No trend to extrapolate: all we know is that it was produced before the first sample.
                return time(first);
            }
            return interpolate(first, last, offset);
        }
        if (left == last) {
            return time(last);
        }
        return interpolate(left, left + 1, offset);
    }

    public int size() {
        return size;
    }

    public long latestOffset() {
        if (size == 0) {
            throw new IllegalStateException("empty table");
        }
        return offset(size - 1);
    }

    private double interpolate(int left, int right, long offset) {
        long dy = offset(right) - offset(left);
        if (dy == 0) {
            return time(right);
        }
        double dx = time(right) - time(left);
        return time(right) - (offset(right) - offset) * dx / dy;
    }

    /** Position of the newest sample whose offset is at most {@code offset}; -1 if none. */
    private int lastAtOrBelow(long offset) {
        int lo = 0;
        int hi = size - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (offset(mid) <= offset) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    private void clear() {
        start = 0;
        size = 0;
    }

    private long offset(int i) {
        return offsets[index(i)];
    }

    private long time(int i) {
        return times[index(i)];
    }

    private int index(int i) {
        int j = start + i;
        return j >= offsets.length ? j - offsets.length : j;
    }
}
