package io.mosaic.platform.kafka;

/** One KRaft node (controller or broker) of an {@link EmbeddedKafkaCluster}, wherever it runs. */
interface KafkaNode {

    int nodeId();

    /** Starts the node; for a broker, returns once the controller has unfenced it or the process is up. */
    void start() throws Exception;

    /** Controlled shutdown; waits for it. Never throws. */
    void stop();

    /** Stops the node without any shutdown work, as a crash would: SIGKILL for a process. */
    void kill();

    boolean isAlive();

    /** Pauses the node (SIGSTOP): alive to the kernel, silent to everyone, as in a long GC pause. */
    default void pause() throws Exception {
        throw new UnsupportedOperationException("node " + nodeId() + " runs in this JVM; only a node in a process of its own can be paused");
    }

    /** Resumes a paused node (SIGCONT). */
    default void resume() throws Exception {
        throw new UnsupportedOperationException("node " + nodeId() + " runs in this JVM; only a node in a process of its own can be paused");
    }

    /** The operating-system process, when the node runs in one of its own. */
    default java.util.Optional<ProcessHandle> process() {
        return java.util.Optional.empty();
    }
}
