package io.mosaic.dashboard.lag;

import java.util.Arrays;

/**
 * A bounded, thread-safe ring of time-stamped rows of doubles: one group's lag and rates over the
 * last hour, or one partition's lag over the last minutes. The monitor appends; the web server
 * copies out.
 */
public final class History {

    /**
     * The columns of the lag histories, in the order {@link #add} takes them: a group's history has
     * all of them; a partition's the first two, {@link #LAG} and {@link #LAG_SECONDS}.
     */
    public enum Column {
        LAG, LAG_SECONDS, CONSUME_RATE, PRODUCE_RATE, STATUS;

        /** How many a partition's history keeps. */
        static final int OF_A_PARTITION = 2;
    }

    private final long[] times;
    private final double[][] columns;
    private int start;
    private int size;

    History(int capacity, int columns) {
        this.times = new long[capacity];
        this.columns = new double[columns][capacity];
    }

    synchronized void add(long timeMs, double... values) {
        if (size == times.length) {
            start = (start + 1) % times.length;
            size--;
        }
        int i = (start + size) % times.length;
        times[i] = timeMs;
        for (int c = 0; c < columns.length; c++) {
            columns[c][i] = c < values.length ? values[c] : Double.NaN;
        }
        size++;
    }

    /** The rows after {@code sinceMs}, oldest first. */
    public synchronized Series since(long sinceMs) {
        int first = 0;
        while (first < size && times[(start + first) % times.length] <= sinceMs) {
            first++;
        }
        int n = size - first;
        long[] t = new long[n];
        double[][] values = new double[columns.length][n];
        for (int k = 0; k < n; k++) {
            int i = (start + first + k) % times.length;
            t[k] = times[i];
            for (int c = 0; c < columns.length; c++) {
                values[c][k] = columns[c][i];
            }
        }
        return new Series(t, values);
    }

    public int capacity() {
        return times.length;
    }

    /** Rows copied out of a {@link History}: {@code values[column][row]}. */
    public record Series(long[] times, double[][] values) {

        public int length() {
            return times.length;
        }

        public double[] column(Column c) {
            return values[c.ordinal()];
        }

        @Override
        public String toString() {
            return "Series" + Arrays.toString(times);
        }
    }
}
