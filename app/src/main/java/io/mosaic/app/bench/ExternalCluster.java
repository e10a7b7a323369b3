package io.mosaic.app.bench;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.RemoveMembersFromConsumerGroupOptions;

/**
 * What {@code mosaic bench} asks of a cluster it did not start: how many brokers it has, and, at
 * the end, that everything named in the run's namespace is gone again.
 */
final class ExternalCluster {

    private static final long TIMEOUT_SECONDS = 30;

    private ExternalCluster() {
    }

    /** The cluster's brokers; a clear error when it cannot be reached. */
    static int brokers(Bench.External cluster) throws InterruptedException {
        try (Admin admin = admin(cluster)) {
            return admin.describeCluster().nodes().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).size();
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot reach Kafka at " + cluster.bootstrapServers() + " within " + TIMEOUT_SECONDS
                    + " s: " + (e.getCause() != null ? e.getCause() : e), e);
        }
    }

    /**
     * Deletes the topics (the run's own, and its Streams applications' changelogs) and consumer
     * groups whose names carry {@code namespace}; says what it deleted, and what it could not.
     */
    static void deleteNamespace(Bench.External cluster, String namespace, PrintWriter out) {
        try (Admin admin = admin(cluster)) {
            List<String> topics = admin.listTopics(new ListTopicsOptions().listInternal(false)).names()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS).stream().filter(name -> name.contains(namespace)).sorted().toList();
            List<String> groups = admin.listGroups().all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).stream()
                    .map(GroupListing::groupId).filter(id -> id.contains(namespace)).sorted().toList();
            for (String group : groups) {
                // A Kafka Streams member does not leave its group on close: it stays until its
                // session times out, and a group with members cannot be deleted.
                try {
                    admin.removeMembersFromConsumerGroup(group, new RemoveMembersFromConsumerGroupOptions()).all()
                            .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    // Already empty.
                }
            }
            if (!groups.isEmpty()) {
                admin.deleteConsumerGroups(groups).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            }
            if (!topics.isEmpty()) {
                admin.deleteTopics(topics).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            }
            out.printf("  deleted the run's %d topics and %d groups (%s*) from %s%n", topics.size(), groups.size(), namespace,
                    cluster.bootstrapServers());
        } catch (ExecutionException | TimeoutException e) {
            out.printf("  could not delete everything named %s* from %s: %s%n", namespace, cluster.bootstrapServers(),
                    e.getCause() != null ? e.getCause() : e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        out.flush();
    }

    private static Admin admin(Bench.External cluster) {
        return Admin.create(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
                CommonClientConfigs.CLIENT_ID_CONFIG, "mosaic-bench-admin"));
    }
}
