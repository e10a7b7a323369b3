package io.mosaic.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/** Log levels for the command line: warnings only unless the user asks for more. */
final class Logging {

    private static volatile boolean verbose;

    private Logging() {
    }

    static void configure(boolean verboseOutput) {
        verbose = verboseOutput;
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(verboseOutput ? Level.INFO : Level.WARN);
        if (!verboseOutput) {
            // Brokers shutting down in the same JVM warn about peers that are already gone;
            // expected at the end of a demo, and noise to its user.
            for (String noisy : new String[] {"org.apache.kafka", "kafka", "state.change.logger"}) {
                ((Logger) LoggerFactory.getLogger(noisy)).setLevel(Level.ERROR);
            }
            // Under transactions v2 a broker rejects a batch that overtakes the first of its
            // producer, with a retriable error that the client retries (KAFKA-18202), yet logs
            // it at ERROR. Several transactional workers writing one job's partition trigger it.
            ((Logger) LoggerFactory.getLogger("kafka.server.ReplicaManager")).setLevel(Level.OFF);
            // A broker given new partitions of an existing topic logs "Expected partition ... to
            // exist, but it was missing. Creating..." at ERROR: the normal way they are created.
            ((Logger) LoggerFactory.getLogger("state.change.logger")).setLevel(Level.OFF);
        }
    }

    /**
     * Brokers stopping one after another in one JVM log errors about partitions whose leader
     * just left; once the work is done they tell the user nothing.
     */
    static void quietForShutdown() {
        if (!verbose) {
            for (String noisy : new String[] {"org.apache.kafka", "kafka", "state.change.logger"}) {
                ((Logger) LoggerFactory.getLogger(noisy)).setLevel(Level.OFF);
            }
        }
    }

    static boolean isVerbose() {
        return verbose;
    }
}
