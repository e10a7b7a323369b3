package io.mosaic.streams;

import io.mosaic.analysis.NearDuplicateGrouper;
import io.mosaic.schemas.JobSummary;
import io.mosaic.schemas.NearDuplicateChunks;
import io.mosaic.schemas.NearDuplicateGroups;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * What the aggregator's processors emit, and to which sink: summaries to
 * {@value JobAggregatorTopology#SUMMARIES_SINK}, near-duplicate groups to
 * {@value JobAggregatorTopology#GROUPS_SINK}. Everything a processor forwards while handling one
 * record goes out in the same exactly-once transaction, so a COMPLETED summary and its groups are
 * visible together or not at all.
 */
final class AggregatorOutput {

    private final ProcessorContext<String, SpecificRecord> context;
    private final AggregatorStores stores;
    private final AggregatorSettings settings;

    AggregatorOutput(ProcessorContext<String, SpecificRecord> context, AggregatorStores stores, AggregatorSettings settings) {
        this.context = context;
        this.stores = stores;
        this.settings = settings;
    }

    /** Saves the summary, emits it now, and takes it off the list of pending progress updates. */
    void summary(JobSummary summary) {
        stores.save(summary);
        stores.clearDirty(summary.getJobId());
        forwardSummary(summary);
    }

    /** Emits a summary saved earlier, as a progress update. */
    void progress(JobSummary summary) {
        forwardSummary(summary);
    }

    /**
     * Completes the job: groups its images (from the job-hashes store), emits the COMPLETED
     * summary with the number of groups, then the groups themselves in chunks small enough for a
     * Kafka record (see {@link NearDuplicateChunks}). The groups are computed from the set of
     * stored images alone, so the chunks are the same whatever order the results came in.
     */
    void completed(JobSummary summary) {
        String jobId = summary.getJobId();
        List<List<String>> groups = NearDuplicateGrouper.groups(stores.images(jobId), settings.nearDuplicateDistance());
        JobSummaryFold.complete(summary, groups.size());
        summary(summary);
        long timestamp = summary.getUpdatedAt().toEpochMilli();
        for (NearDuplicateGroups chunk : NearDuplicateChunks.split(jobId, JobSummaryFold.counted(summary), groups, settings.groupChunkBytes())) {
            context.forward(new Record<String, SpecificRecord>(jobId, chunk, timestamp), JobAggregatorTopology.GROUPS_SINK);
        }
    }

    private void forwardSummary(JobSummary summary) {
        context.forward(new Record<String, SpecificRecord>(summary.getJobId(), summary, summary.getUpdatedAt().toEpochMilli()),
                JobAggregatorTopology.SUMMARIES_SINK);
    }
}
