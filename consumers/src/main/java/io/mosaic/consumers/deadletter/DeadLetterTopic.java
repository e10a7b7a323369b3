package io.mosaic.consumers.deadletter;

import io.mosaic.consumers.worker.DeadLetters;
import io.mosaic.platform.config.MosaicConfig;
import io.mosaic.platform.kafka.KafkaClients;
import io.mosaic.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Reads and replays the dead-letter topic, {@code mosaic.image-tasks.dlq}: records the analyzer
 * workers could not read, kept byte for byte with headers saying why and where from (see
 * {@link DeadLetters}).
 *
 * <p>Reading uses no consumer group and commits nothing: listing is a look, not a consumption,
 * and the records stay for the next look. Only committed records are read (the workers write
 * dead letters in their transactions).
 *
 * <p>Replaying sends a dead letter back to its source topic with its original key, value and
 * headers, minus the dead-letter headers, plus {@value #REPLAYED_FROM} and {@value #REPLAYED_AT}.
 * A record that still cannot be read comes back to the dead-letter topic, with fresh headers; the
 * replay header then tells where it had been. The producer is idempotent, so a retried send is not
 * written twice; running a replay twice does send twice (the workers' results are de-duplicated
 * by task id downstream).
 */
public final class DeadLetterTopic {

    /** On a replayed record: the dead letter it came from, as {@code topic-partition@offset}. */
    public static final String REPLAYED_FROM = "mosaic.replayed.from";
    /** On a replayed record: when it was replayed, ISO-8601. */
    public static final String REPLAYED_AT = "mosaic.replayed.at";

    private static final String DEAD_LETTER_HEADER_PREFIX = "mosaic.dlq.";
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(200);

    /** Where a record is in the dead-letter topic: {@code partition@offset}. */
    public record Position(int partition, long offset) implements Comparable<Position> {

        private static final Pattern FORMAT = Pattern.compile("(\\d{1,9})@(\\d{1,18})");

        /** Parses {@code partition@offset}, e.g. {@code 2@17}. */
        public static Position parse(String text) {
            Matcher matcher = FORMAT.matcher(text == null ? "" : text.trim());
            if (!matcher.matches()) {
                throw new IllegalArgumentException("not a position (partition@offset, e.g. 0@12): '" + text + "'");
            }
            return new Position(Integer.parseInt(matcher.group(1)), Long.parseLong(matcher.group(2)));
        }

        @Override
        public int compareTo(Position other) {
            return partition != other.partition ? Integer.compare(partition, other.partition) : Long.compare(offset, other.offset);
        }

        @Override
        public String toString() {
            return partition + "@" + offset;
        }
    }

    /** One record of the dead-letter topic, its bytes untouched. */
    public record DeadLetter(Position position, Instant timestamp, byte[] key, byte[] value, Headers headers) {

        /** Why it could not be read, on one line; "unknown" without the header. */
        public String error() {
            return header(DeadLetters.ERROR).map(e -> e.replaceAll("\\s+", " ").trim()).orElse("unknown");
        }

        public Optional<String> sourceTopic() {
            return header(DeadLetters.SOURCE_TOPIC);
        }

        /** {@code topic-partition@offset} of the record it was, or "unknown". */
        public String source() {
            return sourceTopic().orElse("unknown") + "-" + header(DeadLetters.SOURCE_PARTITION).orElse("?")
                    + "@" + header(DeadLetters.SOURCE_OFFSET).orElse("?");
        }

        /** When the worker gave up on it, from its header, or else the record's timestamp. */
        public Instant failedAt() {
            try {
                return header(DeadLetters.FAILED_AT).map(Instant::parse).orElse(timestamp);
            } catch (DateTimeParseException e) {
                return timestamp;
            }
        }

        /** The last value of header {@code key} as UTF-8, if present. */
        public Optional<String> header(String key) {
            Header header = headers.lastHeader(key);
            return header == null || header.value() == null
                    ? Optional.empty() : Optional.of(new String(header.value(), StandardCharsets.UTF_8));
        }
    }

    /** Where a replayed dead letter went. */
    public record Replayed(Position from, String topic, int partition, long offset) {
    }

    private final MosaicConfig config;
    private final String topic;

    public DeadLetterTopic(MosaicConfig config, Topics topics) {
        this.config = config;
        this.topic = topics.imageTasksDlq().name();
    }

    public String name() {
        return topic;
    }

    /**
     * The first {@code max} dead letters in position order (partition, then offset), reading
     * every partition from its beginning to its end as of now: records written while reading may
     * or may not be included.
     */
    public List<DeadLetter> list(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1, got " + max);
        }
        try (KafkaConsumer<byte[], byte[]> consumer = newConsumer()) {
            Map<TopicPartition, Long> ends = assignFromBeginning(consumer);
            // The first max of each partition are enough to find the first max of all.
            Map<Integer, Integer> keptPerPartition = new HashMap<>();
            List<DeadLetter> found = readUntil(consumer, ends,
                    position -> keptPerPartition.merge(position.partition(), 1, Integer::sum) <= max, Integer.MAX_VALUE);
            return found.stream().sorted((a, b) -> a.position().compareTo(b.position())).limit(max).toList();
        }
    }

    /**
     * The newest dead letters: the last {@code max} offsets of each partition, of which the
     * {@code max} most recent by time (at most {@code max}: transaction markers take offsets too).
     */
    public List<DeadLetter> listLatest(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1, got " + max);
        }
        try (KafkaConsumer<byte[], byte[]> consumer = newConsumer()) {
            Map<TopicPartition, Long> ends = partitionEnds(consumer);
            Map<TopicPartition, Long> beginnings = consumer.beginningOffsets(ends.keySet(), READ_TIMEOUT);
            consumer.assign(ends.keySet());
            ends.forEach((partition, end) -> consumer.seek(partition, Math.max(beginnings.get(partition), end - max)));
            List<DeadLetter> found = readUntil(consumer, ends, position -> true, Integer.MAX_VALUE);
            List<DeadLetter> newestLast = found.stream()
                    .sorted(java.util.Comparator.comparing(DeadLetter::timestamp).thenComparing(DeadLetter::position))
                    .toList();
            return newestLast.subList(Math.max(0, newestLast.size() - max), newestLast.size());
        }
    }

    /**
     * The dead letters at {@code positions}.
     *
     * @throws IllegalArgumentException naming every position that holds no committed record
     */
    public List<DeadLetter> read(Collection<Position> positions) {
        Set<Position> wanted = new TreeSet<>(positions);
        if (wanted.isEmpty()) {
            return List.of();
        }
        try (KafkaConsumer<byte[], byte[]> consumer = newConsumer()) {
            Map<TopicPartition, Long> ends = partitionEnds(consumer);
            Map<TopicPartition, Long> firsts = new HashMap<>();
            for (Position position : wanted) {
                TopicPartition partition = new TopicPartition(topic, position.partition());
                if (!ends.containsKey(partition)) {
                    throw new IllegalArgumentException(topic + " has no partition " + position.partition()
                            + " (it has " + ends.size() + ")");
                }
                firsts.merge(partition, position.offset(), Math::min);
            }
            ends.keySet().retainAll(firsts.keySet());
            consumer.assign(firsts.keySet());
            firsts.forEach(consumer::seek);
            List<DeadLetter> found = readUntil(consumer, ends, wanted::contains, wanted.size());
            Set<Position> missing = new TreeSet<>(wanted);
            found.forEach(letter -> missing.remove(letter.position()));
            if (!missing.isEmpty()) {
                throw new IllegalArgumentException("no dead letter at " + missing + " in " + topic);
            }
            return found.stream().sorted((a, b) -> a.position().compareTo(b.position())).toList();
        }
    }

    /** Sends each dead letter back to its source topic and waits until every send is acknowledged. */
    public List<Replayed> replay(List<DeadLetter> letters) {
        List<DeadLetter> withoutSource = letters.stream().filter(letter -> letter.sourceTopic().isEmpty()).toList();
        if (!withoutSource.isEmpty()) {
            throw new IllegalArgumentException("cannot replay " + withoutSource.stream().map(DeadLetter::position).toList()
                    + ": no " + DeadLetters.SOURCE_TOPIC + " header says where they came from");
        }
        Instant now = Instant.now();
        try (KafkaProducer<byte[], byte[]> producer = newProducer()) {
            List<Future<RecordMetadata>> sends = new ArrayList<>();
            for (DeadLetter letter : letters) {
                sends.add(producer.send(replayRecord(letter, topic, now)));
            }
            List<Replayed> replayed = new ArrayList<>();
            for (int i = 0; i < letters.size(); i++) {
                RecordMetadata sent = sends.get(i).get(READ_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                replayed.add(new Replayed(letters.get(i).position(), sent.topic(), sent.partition(), sent.offset()));
            }
            return replayed;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while replaying dead letters", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot replay dead letters: " + (e.getCause() != null ? e.getCause() : e), e);
        }
    }

    /**
     * The record a replay sends: to the source topic, with the original key and value (the
     * partition follows from the key, as it did originally), the original headers without the
     * dead-letter ones or an earlier replay's, and the replay headers.
     */
    public static ProducerRecord<byte[], byte[]> replayRecord(DeadLetter letter, String dlqTopic, Instant now) {
        Headers headers = new RecordHeaders();
        for (Header header : letter.headers()) {
            String key = header.key();
            if (!key.startsWith(DEAD_LETTER_HEADER_PREFIX) && !key.equals(REPLAYED_FROM) && !key.equals(REPLAYED_AT)) {
                headers.add(header);
            }
        }
        headers.add(REPLAYED_FROM, (dlqTopic + "-" + letter.position()).getBytes(StandardCharsets.UTF_8));
        headers.add(REPLAYED_AT, now.toString().getBytes(StandardCharsets.UTF_8));
        String source = letter.sourceTopic().orElseThrow(() -> new IllegalArgumentException(
                "dead letter " + letter.position() + " has no " + DeadLetters.SOURCE_TOPIC + " header"));
        return new ProducerRecord<>(source, null, letter.key(), letter.value(), headers);
    }

    private Map<TopicPartition, Long> assignFromBeginning(KafkaConsumer<byte[], byte[]> consumer) {
        Map<TopicPartition, Long> ends = partitionEnds(consumer);
        consumer.assign(ends.keySet());
        consumer.seekToBeginning(ends.keySet());
        return ends;
    }

    /** Every partition of the topic with its end offset (the last stable offset: read_committed). */
    private Map<TopicPartition, Long> partitionEnds(KafkaConsumer<byte[], byte[]> consumer) {
        List<PartitionInfo> partitions = consumer.partitionsFor(topic, READ_TIMEOUT);
        if (partitions == null || partitions.isEmpty()) {
            throw new IllegalStateException("topic " + topic + " does not exist; create the topics with 'mosaic topics create'");
        }
        List<TopicPartition> all = partitions.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
        return new HashMap<>(consumer.endOffsets(all, READ_TIMEOUT));
    }

    /**
     * Polls until every partition's position reaches its end offset, or {@code enough} records
     * matched, keeping those whose position matches.
     */
    private List<DeadLetter> readUntil(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> ends,
                                       Predicate<Position> keep, int enough) {
        List<DeadLetter> found = new ArrayList<>();
        long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
        while (found.size() < enough && !reachedEnd(consumer, ends)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("could not read " + topic + " to its end within " + READ_TIMEOUT.toSeconds() + " s");
            }
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                Position position = new Position(record.partition(), record.offset());
                if (record.offset() < ends.getOrDefault(new TopicPartition(record.topic(), record.partition()), 0L) && keep.test(position)) {
                    found.add(new DeadLetter(position, Instant.ofEpochMilli(record.timestamp()), record.key(), record.value(),
                            new RecordHeaders(record.headers().toArray())));
                }
            }
        }
        return found;
    }

    private static boolean reachedEnd(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> ends) {
        for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
            if (consumer.position(end.getKey(), READ_TIMEOUT) < end.getValue()) {
                return false;
            }
        }
        return true;
    }

    private KafkaConsumer<byte[], byte[]> newConsumer() {
        Map<String, Object> props = KafkaClients.base(config, "dlq-reader");
        // Dead letters are written inside the workers' transactions: an aborted one never happened.
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.name().toLowerCase(Locale.ROOT));
        // No group: positions are assigned and sought by hand, and nothing is committed.
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new KafkaConsumer<>(KafkaClients.withOverrides(props, config), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private KafkaProducer<byte[], byte[]> newProducer() {
        Map<String, Object> props = KafkaClients.base(config, "dlq-replay");
        // acks=all with idempotence: a replayed task survives the loss of one replica, and a send
        // retried after a lost acknowledgement is not written twice.
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        return new KafkaProducer<>(KafkaClients.withOverrides(props, config), new ByteArraySerializer(), new ByteArraySerializer());
    }
}
