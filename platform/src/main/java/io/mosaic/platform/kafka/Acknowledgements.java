package io.mosaic.platform.kafka;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * One producer callback for many sends: it counts the records the brokers acknowledged and keeps
 * the first failure, which {@link #throwIfFailed} throws once the producer is flushed. Sends are
 * not awaited one by one, so a batch of them goes out at the producer's own pace.
 *
 * <pre>{@code
 * Acknowledgements acks = new Acknowledgements();
 * records.forEach(record -> producer.send(record, acks));
 * producer.flush();
 * acks.throwIfFailed("publishing the tasks");
 * }</pre>
 */
public final class Acknowledgements implements Callback {

    private final AtomicInteger acknowledged = new AtomicInteger();
    private final AtomicReference<Exception> firstFailure = new AtomicReference<>();
    private final IntConsumer onAcknowledged;

    public Acknowledgements() {
        this(count -> { });
    }

    /** Also tells {@code onAcknowledged} the count so far after each acknowledgement, on the producer's I/O thread. */
    public Acknowledgements(IntConsumer onAcknowledged) {
        this.onAcknowledged = onAcknowledged;
    }

    @Override
    public void onCompletion(RecordMetadata metadata, Exception error) {
        if (error != null) {
            firstFailure.compareAndSet(null, error);
        } else {
            onAcknowledged.accept(acknowledged.incrementAndGet());
        }
    }

    public int acknowledged() {
        return acknowledged.get();
    }

    /**
     * Throws an {@link IllegalStateException} saying that {@code what} failed, after how many
     * acknowledgements, and why, if any send failed; call it after {@code flush()}.
     */
    public void throwIfFailed(String what) {
        Exception failure = firstFailure.get();
        if (failure != null) {
            throw new IllegalStateException(what + " failed after " + acknowledged.get() + " acknowledged record(s): "
                    + failure.getMessage(), failure);
        }
    }
}
