package io.mosaic.jmh;

import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.Warmup;

/**
 * How every benchmark of this module is measured, set once: the mean time of a call, 3 warm-up
 * and 5 measured iterations of a second, in one forked JVM. JMH's annotations are inherited, so a
 * benchmark class that extends this keeps only its state and its time unit.
 */
@BenchmarkMode(Mode.AverageTime)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public abstract class MeasuredAlike {
}
