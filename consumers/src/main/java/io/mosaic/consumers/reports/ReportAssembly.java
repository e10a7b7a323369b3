package io.mosaic.consumers.reports;

import io.mosaic.schemas.ImageResult;
import io.mosaic.schemas.JobState;
import io.mosaic.schemas.JobSummary;
import io.mosaic.schemas.NearDuplicateGroups;
import io.mosaic.schemas.serde.AvroSerde;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the report writer knows of each job, with no Kafka in it: results and group chunks spooled
 * on disk, COMPLETED summaries waiting for the last of them, and jobs that ended CANCELLED, whose
 * spools are deleted (no report is written for them) and whose late results are not kept.
 */
final class ReportAssembly {

    private final Path reportDir;
    private final ResultSpool spool;
    private final GroupChunkSpool chunks;
    private final Map<String, JobSummary> waiting = new LinkedHashMap<>();
    private final Map<String, JobSummary> written = new HashMap<>();
    private final Set<String> cancelled = new HashSet<>();
    /** Jobs whose report was tried with this many spooled records and found some results missing. */
    private final Map<String, Integer> triedAt = new HashMap<>();

    ReportAssembly(Path reportDir, AvroSerde<ImageResult> resultSerde, String resultsTopic,
                   AvroSerde<NearDuplicateGroups> chunkSerde, String chunksTopic) throws IOException {
        this.reportDir = reportDir;
        this.spool = new ResultSpool(reportDir.resolve(".spool"), resultSerde, resultsTopic);
        this.chunks = new GroupChunkSpool(reportDir.resolve(".spool"), chunkSerde, chunksTopic);
    }

    /** Keeps {@code raw}, the record's value bytes, for the result's job, unless the job was cancelled. */
    void result(ImageResult result, byte[] raw) throws IOException {
        if (!cancelled.contains(result.getJobId())) {
            spool.append(result.getJobId(), raw);
        }
    }

    void chunk(NearDuplicateGroups chunk, byte[] raw) throws IOException {
        if (!cancelled.contains(chunk.getJobId())) {
            chunks.append(chunk, raw);
        }
    }

    /** A COMPLETED summary waits for its report; a CANCELLED one deletes what was kept of its job. */
    void summary(JobSummary summary) throws IOException {
        String jobId = summary.getJobId();
        if (summary.getState() == JobState.CANCELLED) {
            cancelled.add(jobId);
            waiting.remove(jobId);
            spool.discard(jobId);
            chunks.discard(jobId);
        } else if (summary.getState() == JobState.COMPLETED && !summary.equals(written.get(jobId))) {
            waiting.put(jobId, summary);
        }
    }

    /** Writes what is buffered; call before committing the offsets of what was handed in. */
    void flush() throws IOException {
        spool.flush();
        chunks.flush();
    }

    /** Writes every waiting report whose results and groups are all here; returns their paths. */
    List<Path> writeReadyReports() throws IOException {
        List<Path> reports = new ArrayList<>();
        for (Iterator<JobSummary> it = waiting.values().iterator(); it.hasNext(); ) {
            JobSummary summary = it.next();
            String jobId = summary.getJobId();
            int counted = summary.getSucceeded() + summary.getFailed();
            // The spool counts repeats too: fewer records than counted results means some are
            // still to come; as many or more is checked by writing, which counts distinct ones.
            int spooled = spool.count(jobId);
            if (spooled < counted || spooled == triedAt.getOrDefault(jobId, -1)) {
                continue;
            }
            if (!chunks.complete(jobId, counted)) {
                continue;
            }
            Path report = JobReport.write(reportDir, summary, sink -> spool.forEachSorted(jobId, sink),
                    sink -> chunks.forEachPiece(jobId, counted, sink), counted);
            if (report == null) {
                // Repeats made up the difference: wait for more results.
                triedAt.put(jobId, spooled);
                continue;
            }
            reports.add(report);
            written.put(jobId, summary);
            triedAt.remove(jobId);
            spool.release(jobId);
            chunks.release(jobId);
            it.remove();
        }
        return reports;
    }
}
