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
            for (String noisy : new String[] {"org.apache.kafka", "kafka", "org.apache.zookeeper", "state.change.logger"}) {
                ((Logger) LoggerFactory.getLogger(noisy)).setLevel(Level.ERROR);
            }
        }
    }

    static boolean isVerbose() {
        return verbose;
    }
}
