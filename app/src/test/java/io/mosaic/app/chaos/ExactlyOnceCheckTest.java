package io.mosaic.app.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.mosaic.schemas.Identity;
import io.mosaic.schemas.ImageResult;
import io.mosaic.schemas.ImageTask;
import io.mosaic.schemas.JobState;
import io.mosaic.schemas.JobSummary;
import io.mosaic.schemas.ResultStatus;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The checker against hand-made topic contents: what an exact pipeline publishes passes, and each
 * way of losing or doubling a task is caught and named.
 */
class ExactlyOnceCheckTest {

    private static final String JOB = "job-1";
    private static final String DIR = "file:/data/images/";

    /** Three images and one broken file; sizes chosen so no two subsets of equal count have equal sums. */
    private static final ChaosImages.InputSet INPUTS = new ChaosImages.InputSet(Path.of("/data/images"), Map.of(
            "a.png", new ChaosImages.InputFile("a.png", ResultStatus.OK, 1_000),
            "b.jpg", new ChaosImages.InputFile("b.jpg", ResultStatus.OK, 2_000),
            "c.gif", new ChaosImages.InputFile("c.gif", ResultStatus.OK, 4_000),
            "broken.jpg", new ChaosImages.InputFile("broken.jpg", ResultStatus.FAILED, 8)));

    /** What the topics hold: task and result records per file, and the final summary. */
    private static final class Topics {
        final Map<String, Integer> taskRecords = new LinkedHashMap<>();
        /** Backlog records per file; empty: the tasks went straight to the tasks topic. */
        final Map<String, Integer> submitted = new LinkedHashMap<>();
        final Map<String, List<ResultStatus>> results = new LinkedHashMap<>();
        int succeeded = 3;
        int failed = 1;
        int duplicatesIgnored;
        long sumBytes = 7_008;
        boolean summary = true;

        Topics() {
            for (ChaosImages.InputFile file : INPUTS.files().values()) {
                taskRecords.put(file.name(), 1);
                results.put(file.name(), List.of(file.expectedStatus()));
            }
        }

        JobRecords records() {
            JobRecords records = new JobRecords(JOB);
            taskRecords.forEach((name, count) -> {
                for (int i = 0; i < count; i++) {
                    records.addTask(ImageTask.newBuilder().setTaskId(Identity.taskId(JOB, DIR + name)).setJobId(JOB)
                            .setUri(DIR + name).setSubmittedAt(Instant.EPOCH).build());
                }
            });
            submitted.forEach((name, count) -> {
                for (int i = 0; i < count; i++) {
                    records.addSubmitted(ImageTask.newBuilder().setTaskId(Identity.taskId(JOB, DIR + name)).setJobId(JOB)
                            .setUri(DIR + name).setSubmittedAt(Instant.EPOCH).build());
                }
            });
            results.forEach((name, statuses) -> {
                for (ResultStatus status : statuses) {
                    records.addResult(ImageResult.newBuilder().setTaskId(Identity.taskId(JOB, DIR + name)).setJobId(JOB)
                            .setUri(DIR + name).setStatus(status).setBytes(INPUTS.files().get(name).bytes())
                            .setAnalyzedAt(Instant.EPOCH).build(), 3);
                }
            });
            if (summary) {
                records.addSummary(JobSummary.newBuilder().setJobId(JOB).setState(JobState.COMPLETED).setTaskCount(4)
                        .setSucceeded(succeeded).setFailed(failed).setDuplicatesIgnored(duplicatesIgnored).setSumBytes(sumBytes)
                        .setUpdatedAt(Instant.EPOCH).build(), 3, 0, 0);
            }
            return records;
        }
    }

    static Stream<Arguments> scenarios() {
        return Stream.of(
                scenario("every task once", t -> { }, 0, 0, true),
                scenario("job resubmitted, duplicates ignored", t -> {
                    t.taskRecords.replaceAll((name, n) -> 2);
                    t.results.replaceAll((name, r) -> List.of(r.get(0), r.get(0)));
                    t.duplicatesIgnored = 4;
                }, 0, 0, true),
                scenario("a result the aggregator never counted", t -> {
                    t.succeeded = 2;
                    t.sumBytes = 5_008;
                }, 1, 0, false),
                scenario("a result counted twice", t -> {
                    t.succeeded = 4;
                    t.sumBytes = 9_008;
                }, 0, 1, false),
                scenario("one lost and another doubled, hidden in the counts but not in the byte sum", t -> t.sumBytes = 8_008,
                        0, 0, false),
                scenario("a lost OK and a doubled FAILED", t -> {
                    t.succeeded = 2;
                    t.failed = 2;
                    t.sumBytes = 3_016;
                }, 1, 1, false),
                scenario("a fenced worker's result committed anyway, ignored as a duplicate", t -> {
                    t.results.put("a.png", List.of(ResultStatus.OK, ResultStatus.OK));
                    t.duplicatesIgnored = 1;
                }, 0, 0, false),
                scenario("a task consumed without a committed result", t -> {
                    t.results.remove("c.gif");
                    t.succeeded = 2;
                    t.sumBytes = 3_008;
                }, 1, 0, false),
                scenario("a task never published", t -> {
                    t.taskRecords.remove("b.jpg");
                    t.results.remove("b.jpg");
                    t.succeeded = 2;
                    t.sumBytes = 5_008;
                }, 1, 0, false),
                scenario("no summary at all", t -> t.summary = false, 4, 0, false),
                scenario("an image judged broken", t -> {
                    t.results.put("a.png", List.of(ResultStatus.FAILED));
                    t.succeeded = 2;
                    t.failed = 2;
                }, 1, 1, false),
                scenario("without de-duplication, a resubmitted job counts twice", t -> {
                    t.taskRecords.replaceAll((name, n) -> 2);
                    t.results.replaceAll((name, r) -> List.of(r.get(0), r.get(0)));
                    t.succeeded = 6;
                    t.failed = 2;
                    t.sumBytes = 14_016;
                }, 0, 4, false));
    }

    private static Arguments scenario(String name, Consumer<Topics> change, int lost, int duplicated, boolean passed) {
        return Arguments.of(name, change, lost, duplicated, passed);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void findsWhatWasLostOrDoubled(String name, Consumer<Topics> change, int lost, int duplicated, boolean passed) {
        Topics topics = new Topics();
        change.accept(topics);

        Verdict verdict = ExactlyOnceCheck.check(INPUTS, topics.records(), false);

        assertThat(verdict.lost()).as("lost").isEqualTo(lost);
        assertThat(verdict.duplicated()).as("duplicated").isEqualTo(duplicated);
        assertThat(verdict.passed()).as("passed: " + verdict.describe()).isEqualTo(passed);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void everyResultIsFoldedOnceExactlyWhenTheSummaryAccountsForIt(String name, Consumer<Topics> change, int lost, int duplicated, boolean passed) {
        Topics topics = new Topics();
        change.accept(topics);
        JobRecords records = topics.records();

        Verdict verdict = ExactlyOnceCheck.check(INPUTS, records, false);

        long folds = topics.summary ? (long) topics.succeeded + topics.failed + topics.duplicatesIgnored : 0;
        assertThat(verdict.refolded()).isEqualTo(folds - records.resultRecords());
    }

    @Test
    void namesTheKindOfFaultItFound() {
        Topics zombie = new Topics();
        zombie.results.put("a.png", List.of(ResultStatus.OK, ResultStatus.OK));
        zombie.duplicatesIgnored = 1;
        assertThat(ExactlyOnceCheck.check(INPUTS, zombie.records(), false).extraResults()).isEqualTo(1);

        Topics missing = new Topics();
        missing.taskRecords.put("a.png", 2);
        assertThat(ExactlyOnceCheck.check(INPUTS, missing.records(), false).missingResults()).isEqualTo(1);

        Topics misjudged = new Topics();
        misjudged.results.put("broken.jpg", List.of(ResultStatus.OK));
        assertThat(ExactlyOnceCheck.check(INPUTS, misjudged.records(), false).misjudged()).isEqualTo(1);

        Topics dispatched = new Topics();
        dispatched.taskRecords.keySet().forEach(name -> dispatched.submitted.put(name, 1));
        assertThat(ExactlyOnceCheck.check(INPUTS, dispatched.records(), false).passed()).as("each backlog record let in once").isTrue();

        Topics doubled = new Topics();
        doubled.taskRecords.keySet().forEach(name -> doubled.submitted.put(name, 1));
        // A dispatcher that let a task in twice: the aggregator counts it once, only the checker sees it.
        doubled.taskRecords.put("a.png", 2);
        doubled.results.put("a.png", List.of(ResultStatus.OK, ResultStatus.OK));
        doubled.duplicatesIgnored = 1;
        Verdict releasedTwice = ExactlyOnceCheck.check(INPUTS, doubled.records(), false);
        assertThat(releasedTwice.releasedTwice()).isEqualTo(1);
        assertThat(releasedTwice.extraResults()).as("one result per task record").isZero();
        assertThat(releasedTwice.passed()).isFalse();
        assertThat(releasedTwice.describe()).contains("releasedTwice=1 neverReleased=0");

        Topics held = new Topics();
        held.taskRecords.keySet().forEach(name -> held.submitted.put(name, 1));
        held.submitted.put("a.png", 2);
        assertThat(ExactlyOnceCheck.check(INPUTS, held.records(), false).neverReleased()).isEqualTo(1);

        Verdict timedOut = ExactlyOnceCheck.check(INPUTS, new Topics().records(), true);
        assertThat(timedOut.passed()).isFalse();
        assertThat(timedOut.describe()).startsWith("lost=0 duplicated=0 ").contains("timedOut=true");
    }

    @Test
    void theSummariesHistoryCatchesCountsGoingBackAndResultsCountedAfterCompletion() {
        JobSummary running1 = summary(JobState.RUNNING, 1, 0, 0);
        JobSummary running2 = summary(JobState.RUNNING, 2, 1, 0);
        JobSummary completed = summary(JobState.COMPLETED, 3, 1, 0);
        JobSummary duplicateIgnored = summary(JobState.COMPLETED, 3, 1, 2);

        assertThat(ExactlyOnceCheck.history(List.of(running1, running2, completed, duplicateIgnored)))
                .isEqualTo(new Verdict.SummaryHistory(4, 0, 0));
        // A failed-over aggregator that published from stale state: progress a reader saw, undone.
        assertThat(ExactlyOnceCheck.history(List.of(running1, running2, running1, completed)))
                .isEqualTo(new Verdict.SummaryHistory(4, 1, 0));
        // A late result counted although the job was already COMPLETED.
        assertThat(ExactlyOnceCheck.history(List.of(running2, completed, summary(JobState.COMPLETED, 4, 1, 0))))
                .isEqualTo(new Verdict.SummaryHistory(3, 0, 1));
    }

    private static JobSummary summary(JobState state, int succeeded, int failed, int duplicatesIgnored) {
        return JobSummary.newBuilder().setJobId(JOB).setState(state).setTaskCount(4).setSucceeded(succeeded).setFailed(failed)
                .setDuplicatesIgnored(duplicatesIgnored).setUpdatedAt(Instant.EPOCH).build();
    }
}
