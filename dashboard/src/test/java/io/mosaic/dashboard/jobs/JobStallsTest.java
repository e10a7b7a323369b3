package io.mosaic.dashboard.jobs;

import static io.mosaic.dashboard.jobs.TestJobs.job;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import java.util.List;
import org.junit.jupiter.api.Test;

class JobStallsTest {

    private static final long STALL_AFTER = 60_000;

    private final JobStalls stalls = new JobStalls();

    /** A running job of 10 tasks with {@code done} finished, whose last result came at {@code resultAt}; 2 tasks at the workers. */
    private List<JobStalls.Change> look(long now, JobProgress... jobs) {
        return stalls.update(List.of(jobs), job -> job.stalled(now, STALL_AFTER), now);
    }

    @Test
    void aStallBeginsOnceAndEndsWhenTheJobMovesAgain() {
        assertThat(look(30_000, job("a", "RUNNING", 3, 0))).isEmpty();

        List<JobStalls.Change> began = look(61_000, job("a", "RUNNING", 3, 0));
        assertThat(began).singleElement().satisfies(c -> {
            assertThat(c.ended()).isFalse();
            assertThat(c.jobId()).isEqualTo("a");
            assertThat(c.quietSinceMs()).isZero();
            assertThat(c.quietMs()).isEqualTo(61_000);
        });
        assertThat(stalls.stalledNow()).isEqualTo(1);
        // Still stalled: nothing new.
        assertThat(look(90_000, job("a", "RUNNING", 3, 0))).isEmpty();

        List<JobStalls.Change> ended = look(95_000, job("a", "RUNNING", 4, 94_000));
        assertThat(ended).singleElement().satisfies(c -> {
            assertThat(c.ended()).isTrue();
            assertThat(c.quietSinceMs()).isZero();
            assertThat(c.quietMs()).isEqualTo(95_000);
            assertThat(c.job().done()).isEqualTo(4);
        });
        assertThat(stalls.stalledNow()).isZero();
    }

    @Test
    void aStallEndsWhenTheJobCompletesOrIsNoLongerListed() {
        look(61_000, job("a", "RUNNING", 3, 0), job("b", "RUNNING", 5, 0));
        assertThat(stalls.stalledNow()).isEqualTo(2);

        List<JobStalls.Change> changes = look(70_000, job("a", "COMPLETED", 10, 69_000));

        assertThat(changes).extracting(JobStalls.Change::jobId, JobStalls.Change::ended).containsExactlyInAnyOrder(
                tuple("a", true), tuple("b", true));
        assertThat(changes).filteredOn(c -> c.jobId().equals("b")).singleElement().satisfies(c -> assertThat(c.job()).isNull());
        assertThat(stalls.stalledNow()).isZero();
    }

    @Test
    void aJobStalledAgainIsASecondStall() {
        look(61_000, job("a", "RUNNING", 3, 0));
        look(62_000, job("a", "RUNNING", 4, 62_000));

        assertThat(look(123_000, job("a", "RUNNING", 4, 62_000))).singleElement()
                .satisfies(c -> assertThat(c.ended()).isFalse()).satisfies(c -> assertThat(c.quietSinceMs()).isEqualTo(62_000));
    }
}
