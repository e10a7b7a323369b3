package io.mosaic.app.chaos;

import io.mosaic.platform.config.MosaicConfig;
import io.mosaic.platform.kafka.KafkaClients;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;

/**
 * What the cluster says about consumer groups and replicas, through the Admin client: who is in
 * a group and owns which partition, whether a group has consumed everything, whether every
 * replica is back in sync. This is how a chaos run sees failure detection and rebalancing from
 * the outside, as an operator would.
 */
public final class GroupWatch implements AutoCloseable {

    private static final long TIMEOUT_SECONDS = 10;

    /** One member of a group and the partitions it was assigned. */
    public record Member(String memberId, String clientId, Set<TopicPartition> partitions) {
    }

    /** A group as its coordinator describes it. */
    public record GroupView(GroupState state, List<Member> members) {

        static final GroupView UNKNOWN = new GroupView(GroupState.UNKNOWN, List.of());

        Set<String> memberIds(String clientIdPrefix) {
            return members.stream().filter(m -> m.clientId().startsWith(clientIdPrefix)).map(Member::memberId)
                    .collect(Collectors.toSet());
        }

        boolean containsAny(Set<String> memberIds) {
            return members.stream().anyMatch(m -> memberIds.contains(m.memberId()));
        }

        /** Stable, and every partition of {@code topic} is assigned to a member. */
        boolean stableOwning(String topic, int partitions) {
            Set<Integer> owned = members.stream().flatMap(m -> m.partitions().stream())
                    .filter(tp -> tp.topic().equals(topic)).map(TopicPartition::partition).collect(Collectors.toSet());
            return state == GroupState.STABLE && owned.size() == partitions;
        }

        Optional<Member> owner(TopicPartition partition) {
            return members.stream().filter(m -> m.partitions().contains(partition)).findFirst();
        }
    }

    private final Admin admin;

    GroupWatch(MosaicConfig config) {
        this(config, "chaos-admin");
    }

    /** @param role names the Admin client ({@code mosaic-<role>-<instance>}) */
    public GroupWatch(MosaicConfig config, String role) {
        Map<String, Object> props = KafkaClients.base(config, role);
        // A paused broker accepts connections and never answers: a short request timeout sends the
        // next try to another broker instead of spending the whole question on the silent one.
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3_000);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
        this.admin = Admin.create(KafkaClients.withOverrides(props, config));
    }

    /** The group now; {@link GroupView#UNKNOWN} while its coordinator cannot answer (a broker is down). */
    public GroupView describe(String groupId) throws InterruptedException {
        try {
            ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(groupId))
                    .describedGroups().get(groupId).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            List<Member> members = description.members().stream()
                    .map(m -> new Member(m.consumerId(), m.clientId(), Set.copyOf(m.assignment().topicPartitions())))
                    .toList();
            return new GroupView(description.groupState(), members);
        } catch (ExecutionException | TimeoutException e) {
            return GroupView.UNKNOWN;
        }
    }

    /** Whether the group has committed an offset at the end of every partition of {@code topic}. */
    boolean caughtUp(String groupId, String topic, int partitions) throws InterruptedException {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(groupId)
                    .partitionsToOffsetAndMetadata().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < partitions; p++) {
                latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest).all()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> end : ends.entrySet()) {
                OffsetAndMetadata offset = committed.get(end.getKey());
                long position = offset == null ? 0 : offset.offset();
                if (position < end.getValue().offset()) {
                    return false;
                }
            }
            return true;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        }
    }

    /** The log-end offset of {@code partition}: every record written later lies at or after it. */
    public long endOffset(TopicPartition partition) throws InterruptedException, ExecutionException, TimeoutException {
        return admin.listOffsets(Map.of(partition, OffsetSpec.latest())).partitionResult(partition)
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS).offset();
    }

    /**
     * Whether every partition of every topic, internal ones included, has all its replicas in
     * sync; throws when the cluster cannot say, which is neither answer.
     */
    boolean fullyReplicated() throws InterruptedException, ExecutionException, TimeoutException {
        Set<String> names = admin.listTopics(new ListTopicsOptions().listInternal(true)).names()
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        Collection<TopicDescription> topics = admin.describeTopics(names).allTopicNames()
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS).values();
        return topics.stream().flatMap(t -> t.partitions().stream())
                .allMatch(p -> p.leader() != null && new HashSet<>(p.isr()).containsAll(p.replicas()));
    }

    /** The broker leading {@code partition}, as the brokers this client asks see it; empty when it has none. */
    Optional<Integer> leader(TopicPartition partition) throws InterruptedException, ExecutionException, TimeoutException {
        TopicDescription topic = admin.describeTopics(List.of(partition.topic())).allTopicNames()
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS).get(partition.topic());
        return topic.partitions().stream().filter(p -> p.partition() == partition.partition()).findFirst()
                .flatMap(p -> Optional.ofNullable(p.leader())).filter(node -> !node.isEmpty()).map(org.apache.kafka.common.Node::id);
    }

    @Override
    public void close() {
        admin.close();
    }
}
