package io.mosaic.streams.dispatch;

import java.nio.ByteBuffer;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The dispatcher's state of one job: its held-back tasks are numbered {@code head} (the next to
 * let in) up to {@code tail} (the next number to give), and it has let {@code admitted} tasks into
 * the workers' queue, of which {@code results} have come back.
 *
 * @param head sequence number of the oldest task still held back
 * @param tail sequence number the next held-back task gets
 * @param admitted tasks let into the tasks topic so far
 * @param results results seen for the job, duplicates included
 */
record JobQueue(long head, long tail, long admitted, long results) {

    static final JobQueue EMPTY = new JobQueue(0, 0, 0, 0);

    /** Tasks held back. */
    long queued() {
        return tail - head;
    }

    /**
     * Tasks in the workers' queue or being analysed. Never negative: results of tasks that did
     * not pass through the dispatcher (published straight to the tasks topic, replayed from the
     * dead-letter topic) count for nothing.
     */
    long inFlight() {
        return Math.max(0, admitted - results);
    }

    /** How many more tasks may enter the workers' queue with a window of {@code window}. */
    long credit(int window) {
        return Math.max(0, window - inFlight());
    }

    JobQueue hold() {
        return new JobQueue(head, tail + 1, admitted, results);
    }

    /** The next held-back task was let in. */
    JobQueue releaseHead() {
        return new JobQueue(head + 1, tail, admitted + 1, results);
    }

    /** A task was let in without being held. */
    JobQueue admit() {
        return new JobQueue(head, tail, admitted + 1, results);
    }

    JobQueue result() {
        return new JobQueue(head, tail, admitted, results + 1);
    }

    /** Four longs, big-endian. */
    static Serde<JobQueue> serde() {
        Serializer<JobQueue> serializer = (topic, queue) -> queue == null ? null
                : ByteBuffer.allocate(4 * Long.BYTES).putLong(queue.head).putLong(queue.tail).putLong(queue.admitted)
                        .putLong(queue.results).array();
        Deserializer<JobQueue> deserializer = (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            if (bytes.length != 4 * Long.BYTES) {
                throw new SerializationException("a job queue is " + 4 * Long.BYTES + " bytes, got " + bytes.length);
            }
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            return new JobQueue(buffer.getLong(), buffer.getLong(), buffer.getLong(), buffer.getLong());
        };
        return Serdes.serdeFrom(serializer, deserializer);
    }
}
