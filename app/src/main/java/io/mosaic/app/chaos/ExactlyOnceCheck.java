package io.mosaic.app.chaos;

import io.mosaic.schemas.JobState;
import io.mosaic.schemas.JobSummary;
import io.mosaic.schemas.ResultStatus;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The independent checker of a chaos run: compares what the pipeline published with the truth
 * from the input files, using nothing of the pipeline's own logic.
 *
 * <ul>
 *   <li>The final summary against the files: OK and FAILED counts per status (a shortfall is a
 *       lost task, an excess a duplicated one) and the sum of bytes over every counted result
 *       against the total size of the files, which catches a lost task hidden by a doubled one.
 *   <li>Task id by task id on the workers' side: exactly one committed result per task record
 *       (a resubmitted task has two records, so two results). A result too many is a worker that
 *       committed after it was fenced; one too few is a task lost between the topics.
 *   <li>The dispatcher's side: every task record submitted to the backlog let into the tasks topic
 *       exactly once, so that holding tasks back neither loses nor doubles any.
 *   <li>The aggregator's side: every committed result taken into the summary exactly once, as a
 *       counted result or an ignored duplicate, so the summary's folds equal the result records.
 * </ul>
 */
public final class ExactlyOnceCheck {

    private ExactlyOnceCheck() {
    }

    public static Verdict check(ChaosImages.InputSet inputs, JobRecords records, boolean timedOut) {
        Map<String, ChaosImages.InputFile> files = inputs.files();

        Set<String> filesWithTask = new HashSet<>();
        int strayTasks = 0;
        for (String uri : records.taskUris().values()) {
            if (files.containsKey(fileName(uri))) {
                filesWithTask.add(fileName(uri));
            } else {
                strayTasks++;
            }
        }

        Map<String, Integer> taskRecordsById = records.taskRecordsById();
        Map<String, List<JobRecords.Result>> resultsById = records.resultsById();
        Set<String> taskIds = new HashSet<>(taskRecordsById.keySet());
        taskIds.addAll(resultsById.keySet());
        int extraResults = 0;
        int missingResults = 0;
        int misjudged = 0;
        for (String taskId : taskIds) {
            int published = taskRecordsById.getOrDefault(taskId, 0);
            List<JobRecords.Result> results = resultsById.getOrDefault(taskId, List.of());
            extraResults += Math.max(0, results.size() - published);
            missingResults += Math.max(0, published - results.size());
            if (results.stream().anyMatch(r -> isMisjudged(r, files))) {
                misjudged++;
            }
        }

        // The dispatcher's side: each task record submitted to the backlog let into the tasks
        // topic exactly once. Skipped when nothing went through the backlog.
        int releasedTwice = 0;
        int neverReleased = 0;
        Map<String, Integer> submittedById = records.submittedById();
        if (!submittedById.isEmpty()) {
            Set<String> ids = new HashSet<>(submittedById.keySet());
            ids.addAll(taskRecordsById.keySet());
            for (String taskId : ids) {
                int submitted = submittedById.getOrDefault(taskId, 0);
                int released = taskRecordsById.getOrDefault(taskId, 0);
                releasedTwice += Math.max(0, released - submitted);
                neverReleased += Math.max(0, submitted - released);
            }
        }

        int expectedSucceeded = inputs.expected(ResultStatus.OK);
        int expectedFailed = inputs.expected(ResultStatus.FAILED);
        Optional<JobSummary> summary = records.latestSummary();
        int succeeded = summary.map(JobSummary::getSucceeded).orElse(0);
        int failed = summary.map(JobSummary::getFailed).orElse(0);
        int lost = Math.max(0, expectedSucceeded - succeeded) + Math.max(0, expectedFailed - failed);
        int duplicated = Math.max(0, succeeded - expectedSucceeded) + Math.max(0, failed - expectedFailed);
        long folded = summary.map(JobRecords::folded).orElse(0L);

        return new Verdict(inputs.count(), expectedSucceeded, expectedFailed, inputs.totalBytes(),
                summary.isPresent(),
                summary.map(s -> s.getState().name()).orElse("NONE"),
                summary.map(JobSummary::getTaskCount).orElse(-1),
                succeeded, failed,
                summary.map(JobSummary::getSumBytes).orElse(0L),
                summary.map(JobSummary::getDuplicatesIgnored).orElse(0),
                lost, duplicated,
                files.size() - filesWithTask.size(), strayTasks,
                records.taskRecords(), records.resultRecords(), extraResults, missingResults, misjudged,
                folded - records.resultRecords(), releasedTwice, neverReleased, timedOut, history(records.summaries()));
    }

    /**
     * What a reader of the summaries topic saw over time: counts that never go down (a summary
     * below the one before would undo progress someone already read), and nothing counted once
     * the job was COMPLETED (later results may only be ignored duplicates).
     */
    static Verdict.SummaryHistory history(List<JobSummary> summaries) {
        int wentBack = 0;
        int countedAfterCompleted = 0;
        JobSummary previous = null;
        JobSummary completed = null;
        for (JobSummary summary : summaries) {
            if (previous != null && (summary.getSucceeded() < previous.getSucceeded() || summary.getFailed() < previous.getFailed()
                    || summary.getDuplicatesIgnored() < previous.getDuplicatesIgnored())) {
                wentBack++;
            }
            if (completed == null && summary.getState() == JobState.COMPLETED) {
                completed = summary;
            }
            previous = summary;
        }
        if (completed != null && previous != null) {
            countedAfterCompleted = Math.max(0, previous.getSucceeded() + previous.getFailed() - completed.getSucceeded() - completed.getFailed());
        }
        return new Verdict.SummaryHistory(summaries.size(), wentBack, countedAfterCompleted);
    }

    private static boolean isMisjudged(JobRecords.Result result, Map<String, ChaosImages.InputFile> files) {
        ChaosImages.InputFile file = files.get(fileName(result.uri()));
        return file != null && file.expectedStatus() != result.status();
    }

    /** The generated files all lie in one directory with plain ASCII names: the URI's last segment. */
    static String fileName(String uri) {
        return uri.substring(uri.lastIndexOf('/') + 1);
    }
}
