package io.mosaic.streams;

import io.mosaic.analysis.NearDuplicateGrouper;
import io.mosaic.schemas.JobSummary;
import io.mosaic.schemas.NearDuplicateChunks;
import java.nio.file.Path;
import java.util.UUID;
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
     * Completes the job: groups its images (read twice from the job-hashes store, their URIs
     * sorted on disk under the task's state directory, so memory does not grow with the job),
     * emits the COMPLETED summary with the number of groups, then the groups themselves in chunks
     * small enough for a Kafka record (see {@link NearDuplicateChunks}). The groups are computed
     * from the set of stored images alone, so the chunks are the same whatever order the results
     * came in.
     */
    void completed(JobSummary summary) {
        String jobId = summary.getJobId();
        Path scratch = context.stateDir().toPath().resolve("near-duplicates-" + UUID.randomUUID());
        try (NearDuplicateGrouper.Groups groups = NearDuplicateGrouper.group(action -> stores.forEachImage(jobId, action),
                settings.nearDuplicateDistance(), scratch, NearDuplicateGrouper.SORT_RUN)) {
            JobSummaryFold.complete(summary, groups.count());
            summary(summary);
            long timestamp = summary.getUpdatedAt().toEpochMilli();
            NearDuplicateChunks.split(jobId, JobSummaryFold.counted(summary), groups::forEach, settings.groupChunkBytes(),
                    chunk -> context.forward(new Record<String, SpecificRecord>(jobId, chunk, timestamp), JobAggregatorTopology.GROUPS_SINK));
        }
    }

    private void forwardSummary(JobSummary summary) {
        context.forward(new Record<String, SpecificRecord>(summary.getJobId(), summary, summary.getUpdatedAt().toEpochMilli()),
                JobAggregatorTopology.SUMMARIES_SINK);
    }
}
