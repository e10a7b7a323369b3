package io.mosaic.dashboard.lag;

/**
 * The last few samples of one group's partition, oldest first, in primitive arrays: the health
 * window of {@link HealthRules}, and the span over which rates and Little's law are measured.
 */
final class PartitionWindow implements HealthRules.Window {

    private final long[] times;
    private final long[] offsets;
    private final long[] latest;
    private final long[] lags;
    private final double[] lagSeconds;
    private int start;
    private int size;

    PartitionWindow(int capacity) {
        times = new long[capacity];
        offsets = new long[capacity];
        latest = new long[capacity];
        lags = new long[capacity];
        lagSeconds = new double[capacity];
    }

    void add(long timeMs, long offset, long latestOffset, long lag, double seconds) {
        if (size == times.length) {
            start = start + 1 == times.length ? 0 : start + 1;
            size--;
        }
        int i = index(size);
        times[i] = timeMs;
        offsets[i] = offset;
        latest[i] = latestOffset;
        lags[i] = lag;
        lagSeconds[i] = seconds;
        size++;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public long time(int i) {
        return times[index(i)];
    }

    @Override
    public long offset(int i) {
        return offsets[index(i)];
    }

    @Override
    public long lag(int i) {
        return lags[index(i)];
    }

    /** Offsets committed per second from the first to the last sample; NaN with fewer than two. */
    double consumeRate() {
        return rate(offsets);
    }

    /** Offsets appended per second from the first to the last sample; NaN with fewer than two. */
    double produceRate() {
        return rate(latest);
    }

    double meanLag() {
        double sum = 0;
        for (int i = 0; i < size; i++) {
            sum += lags[index(i)];
        }
        return size == 0 ? Double.NaN : sum / size;
    }

    /** Mean lag in seconds over the samples where it was known. */
    double meanLagSeconds() {
        double sum = 0;
        int known = 0;
        for (int i = 0; i < size; i++) {
            double s = lagSeconds[index(i)];
            if (!Double.isNaN(s)) {
                sum += s;
                known++;
            }
        }
        return known == 0 ? Double.NaN : sum / known;
    }

    private double rate(long[] values) {
        if (size < 2) {
            return Double.NaN;
        }
        long dt = time(size - 1) - time(0);
        if (dt <= 0) {
            return Double.NaN;
        }
        long delta = values[index(size - 1)] - values[index(0)];
        // A rewound or truncated offset is not negative throughput; the status reports it.
        return Math.max(0, delta) * 1000.0 / dt;
    }

    private int index(int i) {
        int j = start + i;
        return j >= times.length ? j - times.length : j;
    }
}
