package io.mosaic.app.lab;

/**
 * One experiment of {@code mosaic lab}: an idea of distributed systems, run on a real cluster (or,
 * where Kafka cannot show it, on a small model fed by real measurements, and saying so), measured,
 * and explained in a few lines.
 */
public interface Experiment {

    /** The name {@code mosaic lab NAME} takes, e.g. "partitioning". */
    String name();

    /** One line for {@code mosaic lab list}. */
    String summary();

    /** Runs the experiment, cleaning up every process, port and folder it made, and returns what it measured. */
    LabResult run(LabRun run) throws Exception;
}
