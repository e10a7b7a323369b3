package io.mosaic.consumers.deadletter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mosaic.consumers.deadletter.DeadLetterTopic.DeadLetter;
import io.mosaic.consumers.deadletter.DeadLetterTopic.Position;
import io.mosaic.consumers.worker.DeadLetters;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DeadLetterTopicTest {

    private static final Instant FAILED = Instant.parse("2025-03-01T12:00:00Z");
    private static final Instant NOW = Instant.parse("2025-03-02T08:30:00Z");

    @ParameterizedTest(name = "{0}")
    @CsvSource({"0@0, 0, 0", "2@17, 2, 17", " 11@123456789012 , 11, 123456789012"})
    void parsesPositions(String text, int partition, long offset) {
        assertThat(Position.parse(text)).isEqualTo(new Position(partition, offset));
        assertThat(Position.parse(text).toString()).isEqualTo(partition + "@" + offset);
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"", "3", "@4", "3@", "-1@2", "1@-2", "a@b", "1@2@3", "1:2"})
    void refusesWhatIsNotAPosition(String text) {
        assertThatThrownBy(() -> Position.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("partition@offset");
    }

    /** A dead letter exactly as the worker writes it, read back as the DLQ reader sees it. */
    private static DeadLetter deadLetterFromTheWorker(byte[] key, byte[] value) {
        RecordHeaders original = new RecordHeaders();
        original.add("trace-id", "abc".getBytes(StandardCharsets.UTF_8));
        ConsumerRecord<byte[], byte[]> task = new ConsumerRecord<>("mosaic.image-tasks", 5, 41L, 0L,
                org.apache.kafka.common.record.TimestampType.CREATE_TIME, key == null ? -1 : key.length, value.length,
                key, value, original, java.util.Optional.empty());
        ProducerRecord<byte[], byte[]> dead = DeadLetters.of("mosaic.image-tasks.dlq", task,
                new SerializationException("unknown magic byte 0x01:\nnot written in the wire format"), FAILED);
        return new DeadLetter(new Position(1, 7), NOW, dead.key(), dead.value(), new RecordHeaders(dead.headers().toArray()));
    }

    @Test
    void aDeadLetterSaysWhyWhereFromAndWhen() {
        DeadLetter letter = deadLetterFromTheWorker("task-1".getBytes(StandardCharsets.UTF_8), new byte[] {1, 2, 3});

        assertThat(letter.error()).isEqualTo("SerializationException: unknown magic byte 0x01: not written in the wire format");
        assertThat(letter.source()).isEqualTo("mosaic.image-tasks-5@41");
        assertThat(letter.sourceTopic()).contains("mosaic.image-tasks");
        assertThat(letter.failedAt()).isEqualTo(FAILED);
    }

    @Test
    void aRecordWithoutHeadersStillLists() {
        DeadLetter bare = new DeadLetter(new Position(0, 3), NOW, null, new byte[0], new RecordHeaders());

        assertThat(bare.error()).isEqualTo("unknown");
        assertThat(bare.source()).isEqualTo("unknown-?@?");
        assertThat(bare.failedAt()).isEqualTo(NOW);
        assertThatThrownBy(() -> DeadLetterTopic.replayRecord(bare, "mosaic.image-tasks.dlq", NOW))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aReplayGoesBackToTheSourceTopicUnchangedWithoutTheDeadLetterHeaders() {
        byte[] key = "task-1".getBytes(StandardCharsets.UTF_8);
        byte[] value = {0, 0x7f, 0x7f, 0x7f, 0x7f, 9, 9};
        DeadLetter letter = deadLetterFromTheWorker(key, value);

        ProducerRecord<byte[], byte[]> replay = DeadLetterTopic.replayRecord(letter, "mosaic.image-tasks.dlq", NOW);

        assertThat(replay.topic()).isEqualTo("mosaic.image-tasks");
        assertThat(replay.partition()).as("the key decides the partition, as it did").isNull();
        assertThat(replay.key()).isEqualTo(key);
        assertThat(replay.value()).isEqualTo(value);
        assertThat(headerKeys(replay)).containsExactly("trace-id", DeadLetterTopic.REPLAYED_FROM, DeadLetterTopic.REPLAYED_AT);
        assertThat(text(replay, DeadLetterTopic.REPLAYED_FROM)).isEqualTo("mosaic.image-tasks.dlq-1@7");
        assertThat(text(replay, DeadLetterTopic.REPLAYED_AT)).isEqualTo(NOW.toString());
    }

    @Test
    void aSecondReplayCarriesOnlyTheLatestReplayHeaders() {
        DeadLetter letter = deadLetterFromTheWorker(null, new byte[] {42});
        ProducerRecord<byte[], byte[]> first = DeadLetterTopic.replayRecord(letter, "mosaic.image-tasks.dlq", NOW);
        // Poison again: the worker dead-letters the replayed record with its headers.
        RecordHeaders again = new RecordHeaders(first.headers().toArray());
        again.add(DeadLetters.ERROR, "SerializationException: still bad".getBytes(StandardCharsets.UTF_8));
        again.add(DeadLetters.SOURCE_TOPIC, "mosaic.image-tasks".getBytes(StandardCharsets.UTF_8));
        DeadLetter returned = new DeadLetter(new Position(2, 9), NOW, null, first.value(), again);

        ProducerRecord<byte[], byte[]> second = DeadLetterTopic.replayRecord(returned, "mosaic.image-tasks.dlq", NOW.plusSeconds(60));

        assertThat(headerKeys(second)).containsExactly("trace-id", DeadLetterTopic.REPLAYED_FROM, DeadLetterTopic.REPLAYED_AT);
        assertThat(text(second, DeadLetterTopic.REPLAYED_FROM)).isEqualTo("mosaic.image-tasks.dlq-2@9");
        assertThat(second.key()).isNull();
        assertThat(second.value()).containsExactly(42);
    }

    private static List<String> headerKeys(ProducerRecord<byte[], byte[]> record) {
        List<String> keys = new ArrayList<>();
        for (Header header : record.headers()) {
            keys.add(header.key());
        }
        return keys;
    }

    private static String text(ProducerRecord<byte[], byte[]> record, String key) {
        return new String(record.headers().lastHeader(key).value(), StandardCharsets.UTF_8);
    }
}
