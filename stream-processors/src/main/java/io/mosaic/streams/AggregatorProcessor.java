package io.mosaic.streams;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;

/**
 * What the aggregator's processors share: the settings, the state stores of the task they run in,
 * and the output that forwards summaries and near-duplicate groups to their sinks.
 *
 * @param <V> the value type of the records the processor folds
 */
abstract class AggregatorProcessor<V> implements Processor<String, V, String, SpecificRecord> {

    protected final AggregatorSettings settings;
    protected AggregatorStores stores;
    protected AggregatorOutput output;

    AggregatorProcessor(AggregatorSettings settings) {
        this.settings = settings;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.stores = AggregatorStores.from(context);
        this.output = new AggregatorOutput(context, stores, settings);
    }
}
