package io.mosaic.dashboard.lag;

import io.mosaic.dashboard.lag.OffsetSnapshot.GroupOffsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds lags made only of transaction markers (see {@link TransactionMarkers}) by reading them:
 * a read_committed consumer, in no group, seeks to the committed offset; if its position reaches
 * the log end without returning a record, the offsets in between are markers or aborted records.
 *
 * <p>Only small lags are probed (at most {@value #MAX_LAG} offsets), at most
 * {@value #MAX_PER_ROUND} partitions a round, and each answer is kept for as long as the group's
 * committed offset and the log end stay where they are, so an idle pipeline is read once, not
 * every round. A partition that could not be probed keeps its lag as it is.
 */
public final class MarkerProbe implements TransactionMarkers, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MarkerProbe.class);

    static final long MAX_LAG = 1_000;
    static final int MAX_PER_ROUND = 100;
    private static final Duration POLL = Duration.ofMillis(100);

    private final Supplier<Consumer<byte[], byte[]>> consumerFactory;
    private final Duration budget;
    private Map<Range, Boolean> answers = new HashMap<>();
    private Consumer<byte[], byte[]> consumer;

    /**
     * @param consumerFactory makes the read_committed consumer, on first use
     * @param budget          longest time one round may spend probing
     */
    public MarkerProbe(Supplier<Consumer<byte[], byte[]>> consumerFactory, Duration budget) {
        this.consumerFactory = consumerFactory;
        this.budget = budget;
    }

    private record Range(TopicPartition partition, long from, long to) {
    }

    @Override
    public synchronized boolean onlyMarkers(TopicPartition partition, long from, long to) {
        return Boolean.TRUE.equals(answers.get(new Range(partition, from, to)));
    }

    /** Probes the small lags of {@code snapshot} not answered yet; forgets answers no longer asked. */
    public synchronized void refresh(OffsetSnapshot snapshot) {
        Map<Range, Boolean> kept = new HashMap<>();
        Set<Range> toProbe = new HashSet<>();
        for (GroupOffsets group : snapshot.groups()) {
            group.committed().forEach((tp, committed) -> {
                Long latest = snapshot.latestOffsets().get(tp);
                if (latest == null || latest <= committed || latest - committed > MAX_LAG) {
                    return;
                }
                Range range = new Range(tp, committed, latest);
                Boolean known = answers.get(range);
                if (known != null) {
                    kept.put(range, known);
                } else if (toProbe.size() < MAX_PER_ROUND) {
                    toProbe.add(range);
                }
            });
        }
        answers = kept;
        if (!toProbe.isEmpty()) {
            try {
                answers.putAll(probe(toProbe));
            } catch (InterruptException e) {
                Thread.currentThread().interrupt();
            } catch (KafkaException e) {
                log.warn("Could not check for transaction markers: {}", e.toString());
                closeConsumer();
            }
        }
    }

    /** Probes ranges, one range per partition at a time. */
    private Map<Range, Boolean> probe(Set<Range> ranges) {
        Map<Range, Boolean> result = new HashMap<>();
        long deadline = System.nanoTime() + budget.toNanos();
        List<Range> remaining = new ArrayList<>(ranges);
        while (!remaining.isEmpty() && System.nanoTime() < deadline) {
            Map<TopicPartition, Range> pass = new LinkedHashMap<>();
            List<Range> later = new ArrayList<>();
            for (Range r : remaining) {
                if (pass.putIfAbsent(r.partition(), r) != null) {
                    later.add(r);
                }
            }
            result.putAll(probePass(pass, deadline));
            remaining = later;
        }
        return result;
    }

    private Map<Range, Boolean> probePass(Map<TopicPartition, Range> pass, long deadline) {
        Consumer<byte[], byte[]> c = consumer();
        c.assign(pass.keySet());
        pass.forEach((tp, r) -> c.seek(tp, r.from()));
        Map<Range, Boolean> result = new HashMap<>();
        Set<TopicPartition> pending = new HashSet<>(pass.keySet());
        try {
            while (!pending.isEmpty() && System.nanoTime() < deadline) {
                ConsumerRecords<byte[], byte[]> records = c.poll(POLL);
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    TopicPartition tp = new TopicPartition(record.topic(), record.partition());
                    Range r = pass.get(tp);
                    if (pending.contains(tp) && record.offset() < r.to()) {
                        result.put(r, false);
                        pending.remove(tp);
                        c.pause(List.of(tp));
                    }
                }
                for (TopicPartition tp : List.copyOf(pending)) {
                    if (c.position(tp, POLL) >= pass.get(tp).to()) {
                        result.put(pass.get(tp), true);
                        pending.remove(tp);
                    }
                }
            }
            // Still short of the log end at the deadline: real records, or an open transaction
            // holding the read_committed position back. Either way it is lag; ask again when it moves.
            pending.forEach(tp -> result.put(pass.get(tp), false));
        } finally {
            c.assign(List.of());
        }
        return result;
    }

    private Consumer<byte[], byte[]> consumer() {
        if (consumer == null) {
            consumer = consumerFactory.get();
        }
        return consumer;
    }

    private void closeConsumer() {
        if (consumer != null) {
            try {
                consumer.close(CloseOptions.timeout(Duration.ofSeconds(1)));
            } catch (KafkaException e) {
                log.debug("closing the probe consumer: {}", e.toString());
            }
            consumer = null;
        }
    }

    @Override
    public synchronized void close() {
        closeConsumer();
    }
}
