package io.mosaic.app.chaos;

import io.mosaic.schemas.ImageResult;
import io.mosaic.schemas.ImageTask;
import io.mosaic.schemas.JobSummary;
import io.mosaic.schemas.ResultStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the topics hold about one job, as a read_committed reader sees it: every task record,
 * every result record and every summary. Filled by one reading thread, read by others.
 */
public final class JobRecords {

    /** A result as the checker needs it. */
    public record Result(String taskId, String uri, ResultStatus status, long bytes) {
    }

    /** A summary record and when this reader received it. */
    public record SummaryArrival(long offset, long receivedNanos, JobSummary summary) {
    }

    private final String jobId;
    private final Map<String, String> taskUris = new HashMap<>();
    private final Map<String, Integer> taskRecordsById = new HashMap<>();
    private final Map<String, List<Result>> resultsById = new HashMap<>();
    private final List<SummaryArrival> summaries = new ArrayList<>();
    private final Map<String, Integer> submittedById = new HashMap<>();
    private int submittedRecords;
    private int taskRecords;
    private int resultRecords;
    private int resultPartition = -1;
    private int summaryPartition = -1;

    public JobRecords(String jobId) {
        this.jobId = jobId;
    }

    public String jobId() {
        return jobId;
    }

    synchronized void addTask(ImageTask task) {
        if (task == null || !jobId.equals(task.getJobId())) {
            return;
        }
        taskUris.put(task.getTaskId(), task.getUri());
        taskRecordsById.merge(task.getTaskId(), 1, Integer::sum);
        taskRecords++;
    }

    /** A task as submitted to the backlog, before the dispatcher let it in. */
    synchronized void addSubmitted(ImageTask task) {
        if (task == null || !jobId.equals(task.getJobId())) {
            return;
        }
        submittedById.merge(task.getTaskId(), 1, Integer::sum);
        submittedRecords++;
    }

    synchronized void addResult(ImageResult result, int partition) {
        if (result == null || !jobId.equals(result.getJobId())) {
            return;
        }
        resultsById.computeIfAbsent(result.getTaskId(), id -> new ArrayList<>())
                .add(new Result(result.getTaskId(), result.getUri(), result.getStatus(), result.getBytes()));
        resultRecords++;
        resultPartition = partition;
    }

    synchronized void addSummary(JobSummary summary, int partition, long offset, long receivedNanos) {
        if (summary == null || !jobId.equals(summary.getJobId())) {
            return;
        }
        summaries.add(new SummaryArrival(offset, receivedNanos, summary));
        summaryPartition = partition;
    }

    /** Task records submitted to the backlog, resubmissions included; 0 when tasks went straight to the tasks topic. */
    public synchronized int submittedRecords() {
        return submittedRecords;
    }

    /** Backlog records of each task id. */
    public synchronized Map<String, Integer> submittedById() {
        return Map.copyOf(submittedById);
    }

    /** Task records in the tasks topic (let in by the dispatcher, or published there), resubmissions included. */
    public synchronized int taskRecords() {
        return taskRecords;
    }

    /** Result records committed, duplicates included. */
    public synchronized int resultRecords() {
        return resultRecords;
    }

    /** Tasks with at least one committed result. */
    public synchronized int tasksWithResult() {
        return resultsById.size();
    }

    /** Task records of each task id. */
    public synchronized Map<String, Integer> taskRecordsById() {
        return Map.copyOf(taskRecordsById);
    }

    /** The image URI of each task id. */
    public synchronized Map<String, String> taskUris() {
        return Map.copyOf(taskUris);
    }

    /** Every committed result of each task id. */
    public synchronized Map<String, List<Result>> resultsById() {
        Map<String, List<Result>> copy = new HashMap<>();
        resultsById.forEach((id, results) -> copy.put(id, List.copyOf(results)));
        return copy;
    }

    /** The results topic's partition that holds the job, once a result has been seen. */
    public synchronized Optional<Integer> resultPartition() {
        return resultPartition < 0 ? Optional.empty() : Optional.of(resultPartition);
    }

    /** The summaries topic's partition that holds the job, once a summary has been seen. */
    public synchronized Optional<Integer> summaryPartition() {
        return summaryPartition < 0 ? Optional.empty() : Optional.of(summaryPartition);
    }

    /** Every summary of the job read so far, in the order they were written. */
    public synchronized List<JobSummary> summaries() {
        return summaries.stream().map(SummaryArrival::summary).toList();
    }

    /** The newest summary: the aggregator's current answer. */
    public synchronized Optional<JobSummary> latestSummary() {
        return summaries.isEmpty() ? Optional.empty() : Optional.of(summaries.get(summaries.size() - 1).summary());
    }

    public synchronized Optional<SummaryArrival> latestArrival() {
        return summaries.isEmpty() ? Optional.empty() : Optional.of(summaries.get(summaries.size() - 1));
    }

    /** The first summary at or after {@code offset}, i.e. written after that offset was the log end. */
    public synchronized Optional<SummaryArrival> firstSummaryFrom(long offset) {
        return summaries.stream().filter(s -> s.offset() >= offset).findFirst();
    }

    /**
     * Results the aggregator has taken into the latest summary: each counted result and each
     * ignored duplicate. Under exactly once this equals {@link #resultRecords()} once it is done.
     */
    public synchronized long folded() {
        return latestSummary().map(JobRecords::folded).orElse(0L);
    }

    static long folded(JobSummary summary) {
        return (long) summary.getSucceeded() + summary.getFailed() + summary.getDuplicatesIgnored();
    }
}
