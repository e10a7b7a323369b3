package io.mosaic.dashboard.lag;

import io.mosaic.dashboard.lag.OffsetSnapshot.GroupOffsets;
import io.mosaic.dashboard.lag.OffsetSnapshot.Owner;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.DescribeConsumerGroupsOptions;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one {@link OffsetSnapshot} with the Admin client, in five requests whatever the number of
 * groups: list the consumer groups, describe the matching ones (members and assignments), fetch
 * their committed offsets, then the log-end and log-start offsets of every partition they read.
 *
 * <p>Log-end offsets are read with read_uncommitted isolation, so they are the high watermark, as
 * {@code kafka-consumer-groups.sh} and kafka-lag-exporter report them. Groups of the Streams
 * rebalance protocol (KIP-1071) are not listed; Kafka Streams applications on the default classic
 * protocol are consumer groups and are.
 */
public final class AdminOffsetReader {

    private static final Logger log = LoggerFactory.getLogger(AdminOffsetReader.class);

    private final Admin admin;
    private final Pattern groupFilter;
    private final Duration timeout;
    private final Clock clock;

    public AdminOffsetReader(Admin admin, Pattern groupFilter, Duration timeout, Clock clock) {
        this.admin = admin;
        this.groupFilter = groupFilter;
        this.timeout = timeout;
        this.clock = clock;
    }

    /** One round; throws when the cluster cannot be read at all. */
    public OffsetSnapshot read() throws ExecutionException, InterruptedException, TimeoutException {
        int timeoutMs = (int) timeout.toMillis();
        List<String> groupIds = new ArrayList<>();
        Map<String, Boolean> simple = new HashMap<>();
        for (GroupListing listing : get(admin.listGroups(ListGroupsOptions.forConsumerGroups().timeoutMs(timeoutMs)).all())) {
            if (groupFilter.matcher(listing.groupId()).matches()) {
                groupIds.add(listing.groupId());
                simple.put(listing.groupId(), listing.isSimpleConsumerGroup());
            }
        }
        if (groupIds.isEmpty()) {
            return new OffsetSnapshot(clock.millis(), Map.of(), Map.of(), List.of());
        }

        Map<String, KafkaFuture<ConsumerGroupDescription>> descriptions = admin.describeConsumerGroups(groupIds,
                new DescribeConsumerGroupsOptions().timeoutMs(timeoutMs)).describedGroups();
        Map<String, ListConsumerGroupOffsetsSpec> specs = new HashMap<>();
        groupIds.forEach(g -> specs.put(g, new ListConsumerGroupOffsetsSpec()));
        var offsetsResult = admin.listConsumerGroupOffsets(specs, new ListConsumerGroupOffsetsOptions().timeoutMs(timeoutMs));

        List<GroupOffsets> groups = new ArrayList<>(groupIds.size());
        Set<TopicPartition> partitions = new HashSet<>();
        for (String group : groupIds) {
            ConsumerGroupDescription description;
            Map<TopicPartition, OffsetAndMetadata> committed;
            try {
                description = get(descriptions.get(group));
                committed = get(offsetsResult.partitionsToOffsetAndMetadata(group));
            } catch (ExecutionException e) {
                log.debug("cannot read group {}: {}", group, e.getCause().toString());
                groups.add(GroupOffsets.failed(group, e.getCause().getMessage()));
                continue;
            }
            Map<TopicPartition, Long> offsets = new HashMap<>();
            committed.forEach((tp, om) -> {
                if (om != null) {
                    offsets.put(tp, om.offset());
                }
            });
            Map<TopicPartition, Owner> owners = new HashMap<>();
            for (MemberDescription member : description.members()) {
                Owner owner = new Owner(member.consumerId(), member.clientId(), member.host());
                member.assignment().topicPartitions().forEach(tp -> owners.put(tp, owner));
            }
            partitions.addAll(offsets.keySet());
            partitions.addAll(owners.keySet());
            groups.add(new GroupOffsets(group, description.groupState().toString(),
                    simple.getOrDefault(group, description.isSimpleConsumerGroup()), offsets, owners,
                    description.members().size(), null));
        }

        // Read both ends at about the same instant, and take the snapshot's time after them: the
        // committed offsets were read just before, so none is newer than the log ends it is compared to.
        ListOffsetsOptions options = new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED).timeoutMs(timeoutMs);
        ListOffsetsResult latest = admin.listOffsets(specFor(partitions, tp -> OffsetSpec.latest()), options);
        ListOffsetsResult earliest = admin.listOffsets(specFor(partitions, tp -> OffsetSpec.earliest()), options);
        Map<TopicPartition, Long> latestOffsets = offsetsOf(latest, partitions);
        Map<TopicPartition, Long> earliestOffsets = offsetsOf(earliest, partitions);
        return new OffsetSnapshot(clock.millis(), latestOffsets, earliestOffsets, groups);
    }

    private Map<TopicPartition, OffsetSpec> specFor(Collection<TopicPartition> partitions, Function<TopicPartition, OffsetSpec> spec) {
        Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
        partitions.forEach(tp -> specs.put(tp, spec.apply(tp)));
        return specs;
    }

    /** Offsets of the partitions that answered; a deleted topic's partitions are left out. */
    private Map<TopicPartition, Long> offsetsOf(ListOffsetsResult result, Collection<TopicPartition> partitions)
            throws InterruptedException, TimeoutException {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        for (TopicPartition tp : partitions) {
            try {
                offsets.put(tp, get(result.partitionResult(tp)).offset());
            } catch (ExecutionException e) {
                log.debug("no offsets for {}: {}", tp, e.getCause().toString());
            }
        }
        return offsets;
    }

    private <T> T get(KafkaFuture<T> future) throws ExecutionException, InterruptedException, TimeoutException {
        return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
