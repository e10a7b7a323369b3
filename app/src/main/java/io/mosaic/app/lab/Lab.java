package io.mosaic.app.lab;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** Every experiment of {@code mosaic lab}, in the order {@code mosaic lab list} shows them. */
public final class Lab {

    public static final List<Experiment> EXPERIMENTS = List.of(
            new PartitioningExperiment(),
            new ReplicationExperiment(),
            new CapExperiment(),
            new ConsistencyExperiment(),
            new FailureDetectionExperiment(),
            new ExactlyOnceExperiment(),
            new ClocksExperiment(),
            new LittlesLawExperiment(),
            new RetriesExperiment(),
            new CommunicationExperiment(),
            new LeaderlessExperiment());

    private Lab() {
    }

    public static Optional<Experiment> find(String name) {
        return EXPERIMENTS.stream().filter(e -> e.name().equals(name)).findFirst();
    }

    /** "partitioning, replication, ...". */
    public static String names() {
        return EXPERIMENTS.stream().map(Experiment::name).collect(Collectors.joining(", "));
    }
}
