package io.mosaic.streams;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the aggregator's processors share: the settings, the state stores of the task they run in,
 * and the output that forwards summaries and near-duplicate groups to their sinks.
 *
 * @param <V> the value type of the records the processor folds
 */
abstract class AggregatorProcessor<V> implements Processor<String, V, String, SpecificRecord> {

    private static final Logger log = LoggerFactory.getLogger(AggregatorProcessor.class);

    protected final AggregatorSettings settings;
    private final String what;
    protected AggregatorStores stores;
    protected AggregatorOutput output;

    /** @param what the records folded, for the log: "job record", "result", ... */
    AggregatorProcessor(AggregatorSettings settings, String what) {
        this.settings = settings;
        this.what = what;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.stores = AggregatorStores.from(context);
        this.output = new AggregatorOutput(context, stores, settings);
    }

    /** Folds a record with a key and a value; one without either is passed over here, once for every processor. */
    @Override
    public final void process(Record<String, V> record) {
        if (record.key() == null) {
            // Every topic the aggregator reads is keyed by job id: a record without a key names no job.
            log.warn("ignoring {} without a key: {}", what, record.value());
        } else if (record.value() == null) {
            // A tombstone (the jobs topic is compacted), or a value that was deliberately left out.
            log.debug("ignoring {} tombstone for job {}", what, record.key());
        } else {
            fold(record.key(), record.value(), record.timestamp());
        }
    }

    /** Folds {@code value} of job {@code jobId}, stamped {@code timestamp}. */
    abstract void fold(String jobId, V value, long timestamp);
}
