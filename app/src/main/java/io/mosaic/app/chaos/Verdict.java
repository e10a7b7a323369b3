package io.mosaic.app.chaos;

/**
 * What the checker found, compared with the truth from the input files.
 *
 * @param tasks             input files, i.e. distinct tasks the job must count
 * @param expectedSucceeded files that are images
 * @param expectedFailed    files broken on purpose
 * @param expectedBytes     total size of the files
 * @param summaryFound      whether the aggregator published any summary of the job
 * @param state             the final summary's state
 * @param taskCount         the final summary's task count
 * @param succeeded         the final summary's OK count
 * @param failed            the final summary's FAILED count
 * @param sumBytes          the final summary's byte sum over counted results
 * @param duplicatesIgnored results the aggregator recognised as already counted
 * @param lost              tasks the summary does not count (by status)
 * @param duplicated        tasks the summary counts more than once (by status)
 * @param missingTasks      input files no task record names
 * @param strayTasks        task records naming no input file
 * @param taskRecords       task records published, resubmissions included
 * @param resultRecords     results committed by workers
 * @param extraResults      results beyond one per task record: a fenced worker that committed anyway
 * @param missingResults    task records without a committed result
 * @param misjudged         results whose status differs from the truth about their file
 * @param refolded          results folded by the aggregator minus results committed: non-zero when
 *                          the aggregator processed a record twice or not at all
 * @param releasedTwice     task records the dispatcher let into the tasks topic beyond one per backlog record
 * @param neverReleased     backlog records the dispatcher never let in
 * @param timedOut          the job did not settle in time; the numbers are as far as it got
 * @param history           what the sequence of committed summaries shows (monotonic counts, nothing counted after COMPLETED)
 */
public record Verdict(int tasks, int expectedSucceeded, int expectedFailed, long expectedBytes,
                      boolean summaryFound, String state, int taskCount, int succeeded, int failed, long sumBytes,
                      int duplicatesIgnored, int lost, int duplicated, int missingTasks, int strayTasks,
                      int taskRecords, int resultRecords, int extraResults, int missingResults, int misjudged,
                      long refolded, int releasedTwice, int neverReleased, boolean timedOut, SummaryHistory history) {

    /**
     * The job's committed summaries, in the order they were written.
     *
     * @param summaries             how many the checker read
     * @param wentBack              summaries whose counts are below the one before: a reader would see progress undone
     * @param countedAfterCompleted results counted (OK or FAILED) after the first COMPLETED summary
     */
    public record SummaryHistory(int summaries, int wentBack, int countedAfterCompleted) {
    }

    /** Exactly once: nothing lost, nothing doubled, at every level the checker can see. */
    public boolean passed() {
        return summaryFound && !timedOut && lost == 0 && duplicated == 0 && sumBytes == expectedBytes
                && taskCount == tasks && missingTasks == 0 && strayTasks == 0
                && extraResults == 0 && missingResults == 0 && misjudged == 0 && refolded == 0
                && releasedTwice == 0 && neverReleased == 0
                && history.wentBack() == 0 && history.countedAfterCompleted() == 0;
    }

    /** {@code lost=L duplicated=D ...}: the checker's part of the result line. */
    public String describe() {
        StringBuilder line = new StringBuilder()
                .append("lost=").append(lost)
                .append(" duplicated=").append(duplicated)
                .append(" tasks=").append(tasks)
                .append(" state=").append(state)
                .append(" taskCount=").append(taskCount)
                .append(" succeeded=").append(succeeded).append('/').append(expectedSucceeded)
                .append(" failed=").append(failed).append('/').append(expectedFailed)
                .append(" sumBytes=").append(sumBytes).append('/').append(expectedBytes)
                .append(" taskRecords=").append(taskRecords)
                .append(" results=").append(resultRecords)
                .append(" duplicatesIgnored=").append(duplicatesIgnored)
                .append(" extraResults=").append(extraResults)
                .append(" missingResults=").append(missingResults)
                .append(" refolded=").append(refolded)
                .append(" releasedTwice=").append(releasedTwice)
                .append(" neverReleased=").append(neverReleased)
                .append(" summaries=").append(history.summaries())
                .append(" summariesWentBack=").append(history.wentBack())
                .append(" countedAfterCompleted=").append(history.countedAfterCompleted());
        if (misjudged != 0) {
            line.append(" misjudged=").append(misjudged);
        }
        if (missingTasks != 0 || strayTasks != 0) {
            line.append(" missingTasks=").append(missingTasks).append(" strayTasks=").append(strayTasks);
        }
        if (timedOut) {
            line.append(" timedOut=true");
        }
        return line.toString();
    }
}
