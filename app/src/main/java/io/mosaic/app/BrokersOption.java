package io.mosaic.app;

import io.mosaic.platform.kafka.ClusterSize;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code --brokers 1|3}: how many brokers a command that starts its own cluster starts; anything else is a usage error. */
final class BrokersOption {

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    private int count = 3;

    @Option(names = "--brokers", paramLabel = "1|3", defaultValue = "3",
            description = "Kafka brokers to start: 3 (replication factor 3, min.insync.replicas 2) or 1 (lighter). Default: ${DEFAULT-VALUE}.")
    void set(int brokers) {
        try {
            this.count = ClusterSize.require(brokers, "--brokers");
        } catch (IllegalArgumentException e) {
            throw new ParameterException(mixee.commandLine(), e.getMessage());
        }
    }

    int count() {
        return count;
    }
}
