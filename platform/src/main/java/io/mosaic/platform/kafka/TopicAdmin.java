package io.mosaic.platform.kafka;

import io.mosaic.platform.config.MosaicConfig;
import io.mosaic.platform.lifecycle.Poll;
import io.mosaic.schemas.Topic;
import io.mosaic.schemas.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates the pipeline's topics with their configured partitions and replication. */
public final class TopicAdmin {

    private static final Logger log = LoggerFactory.getLogger(TopicAdmin.class);
    private static final int ATTEMPTS = 5;
    private static final Duration RETRY = Duration.ofSeconds(2);

    private TopicAdmin() {
    }

    /**
     * Creates every topic of {@code configured} that does not exist yet, with the replication the
     * cluster can hold ({@link #fitToCluster}), and says what it created. Existing topics are left
     * alone, so running it twice is safe.
     */
    public static Created createTopics(MosaicConfig config, Topics configured) {
        for (int attempt = 1; ; attempt++) {
            try {
                return createOnce(config, configured);
            } catch (IllegalStateException e) {
                if (attempt == ATTEMPTS || !retriable(e)) {
                    throw e;
                }
                // Just after a cluster starts, a broker may not know yet a topic another one created.
                log.info("creating topics failed ({}); trying again in {} ms", e.getMessage(), RETRY.toMillis());
                try {
                    Thread.sleep(RETRY.toMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /**
     * What {@link #createTopics} did.
     *
     * @param topics the topics as created, with the replication the cluster can hold
     * @param names the topics that did not exist before and were created
     */
    public record Created(Topics topics, List<String> names) {
    }

    /** Whether a failure is one Kafka calls transient (a retriable error or a timeout) anywhere in its causes. */
    static boolean retriable(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof RetriableException || cause instanceof TimeoutException) {
                return true;
            }
        }
        return false;
    }

    private static Created createOnce(MosaicConfig config, Topics configured) {
        Map<String, Object> props = KafkaClients.withOverrides(KafkaClients.base(config, "admin"), config);
        try (Admin admin = Admin.create(props)) {
            Topics topics = fitted(admin, configured);
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (Topic<?, ?> topic : topics.all()) {
                if (!existing.contains(topic.name())) {
                    Map<String, String> topicConfig = new HashMap<>(topic.config());
                    // With factor 3, two in-sync replicas must take every acks=all write: one broker
                    // may fail without loss, and losing two refuses writes rather than losing them.
                    topicConfig.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, String.valueOf(topics.minInSyncReplicas()));
                    missing.add(new NewTopic(topic.name(), topic.partitions(), topics.replicationFactor()).configs(topicConfig));
                }
            }
            List<String> created = new ArrayList<>();
            for (Map.Entry<String, ?> result : admin.createTopics(missing).values().entrySet()) {
                try {
                    ((org.apache.kafka.common.KafkaFuture<?>) result.getValue()).get(60, TimeUnit.SECONDS);
                    created.add(result.getKey());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + result.getKey() + ": " + e.getCause().getMessage(), e.getCause());
                    }
                }
            }
            awaitLeaders(admin, topics.all().stream().map(Topic::name).toList());
            return new Created(topics, List.copyOf(created));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot reach Kafka at " + config.bootstrapServers() + " to create topics: " + e, e);
        }
    }

    /**
     * {@code topics} with replication the cluster at {@code bootstrap.servers} can hold (see
     * {@link Topics#fittedTo}): a one-broker cluster gets factor 1 instead of a topic, changelog or
     * repartition topic that can never be created. Logs a line when it had to shrink.
     */
    public static Topics fitToCluster(MosaicConfig config, Topics topics) {
        Map<String, Object> props = KafkaClients.withOverrides(KafkaClients.base(config, "admin"), config);
        try (Admin admin = Admin.create(props)) {
            return fitted(admin, topics);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while describing the cluster", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot reach Kafka at " + config.bootstrapServers() + " to describe the cluster: " + e, e);
        }
    }

    private static Topics fitted(Admin admin, Topics topics) throws InterruptedException, ExecutionException, TimeoutException {
        int brokers = admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).size();
        Topics fitted = topics.fittedTo(brokers);
        if (fitted != topics) {
            log.warn("replication.factor {} is more than the {} broker(s) of this cluster: using replication factor {} and"
                            + " min.insync.replicas {} (set replication.factor and min.insync.replicas to choose)",
                    topics.replicationFactor(), brokers, fitted.replicationFactor(), fitted.minInSyncReplicas());
        }
        return fitted;
    }

    /**
     * Creates topics that are not the pipeline's (a benchmark's baseline, a lab experiment's) as
     * given, and returns once every partition of each has a leader: a producer that starts before
     * then only retries, and on a loaded machine can run out its delivery timeout doing so.
     * A topic that exists already is an error.
     */
    public static void createAndAwaitLeaders(Admin admin, NewTopic... topics) throws InterruptedException, ExecutionException, TimeoutException {
        admin.createTopics(List.of(topics)).all().get(60, TimeUnit.SECONDS);
        awaitLeaders(admin, Stream.of(topics).map(NewTopic::name).toList());
    }

    /** New topics take a moment to elect leaders; producing before that only adds retries. */
    private static void awaitLeaders(Admin admin, List<String> names) throws InterruptedException, ExecutionException, TimeoutException {
        if (!Poll.within(Duration.ofSeconds(60), Duration.ofMillis(100), () -> leadersElected(admin, names))) {
            throw new TimeoutException("topics have partitions without a leader after 60 s");
        }
    }

    /** Whether every partition of {@code names} has a leader; false while the broker asked does not know them yet, or is slow to say. */
    private static boolean leadersElected(Admin admin, List<String> names) throws ExecutionException, InterruptedException {
        try {
            Map<String, TopicDescription> described = admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS);
            return described.values().stream()
                    .allMatch(d -> d.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty()));
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                throw e;
            }
            // The broker answering has not received the new topics' metadata yet.
            return false;
        } catch (TimeoutException slow) {
            return false;
        }
    }
}
