package io.mosaic.app.lab;

/**
 * One experiment of {@code mosaic lab}: an idea of distributed systems, run on a real cluster (or,
 * where Kafka cannot show it, on a small model fed by real measurements, and saying so), measured,
 * and explained in a few lines.
 *
 * @param name    what {@code mosaic lab NAME} takes, e.g. "partitioning"
 * @param summary one line for {@code mosaic lab list}
 * @param trial   what runs it
 */
public record Experiment(String name, String summary, Trial trial) {

    /** What an experiment does when it runs. */
    @FunctionalInterface
    public interface Trial {

        /** Runs the experiment, cleaning up every process, port and folder it made, and returns what it measured. */
        LabResult run(LabRun run) throws Exception;
    }

    public LabResult run(LabRun run) throws Exception {
        return trial.run(run);
    }
}
