package io.mosaic.app.chaos;

import java.util.Map;
import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Spreads a producer's records of one topic over time: {@code send} of each record waits for its
 * slot, one every {@value #INTERVAL_CONFIG} milliseconds. A chaos run gives it to the submitter
 * through {@code interceptor.classes}, so that a job's tasks arrive over minutes, as from a slow
 * upload, and faults strike while work is in flight, not after a job that took seconds. The
 * submitter itself stays as users run it.
 */
public final class PacingInterceptor implements ProducerInterceptor<byte[], byte[]> {

    /** Milliseconds between two records of the paced topic. */
    public static final String INTERVAL_CONFIG = "mosaic.pacing.interval.ms";
    /** The topic whose records are paced; others pass at once. */
    public static final String TOPIC_CONFIG = "mosaic.pacing.topic";

    private long intervalNanos;
    private String topic;
    private long nextSlot;

    @Override
    public void configure(Map<String, ?> configs) {
        intervalNanos = Long.parseLong(String.valueOf(configs.get(INTERVAL_CONFIG))) * 1_000_000;
        topic = String.valueOf(configs.get(TOPIC_CONFIG));
    }

    /** Called by {@code send} in the sending thread, so waiting here paces the sender and nothing else. */
    @Override
    public synchronized ProducerRecord<byte[], byte[]> onSend(ProducerRecord<byte[], byte[]> record) {
        if (!record.topic().equals(topic)) {
            return record;
        }
        long now = System.nanoTime();
        nextSlot = Math.max(nextSlot, now);
        long wait = nextSlot - now;
        nextSlot += intervalNanos;
        if (wait > 0) {
            try {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return record;
    }

    @Override
    public void onAcknowledgement(RecordMetadata metadata, Exception exception) {
    }

    @Override
    public void close() {
    }
}
