package io.mosaic.dashboard.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.mosaic.dashboard.alert.AlertPolicy.Alert;
import io.mosaic.dashboard.alert.AlertPolicy.JobAlert;
import io.mosaic.dashboard.alert.AlertPolicy.Kind;
import io.mosaic.dashboard.alert.AlertPolicy.State;
import io.mosaic.dashboard.jobs.JobStalls;
import io.mosaic.dashboard.jobs.TestJobs;
import io.mosaic.dashboard.lag.LagReport;
import io.mosaic.dashboard.lag.LagReport.GroupLag;
import io.mosaic.dashboard.lag.LagReport.LittlesLaw;
import io.mosaic.dashboard.lag.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class AlertPolicyTest {

    private static final long AFTER = 10_000;
    private static final long INTERVAL = 60_000;
    private static final long NEVER = Long.MIN_VALUE;

    /** One step of the rule: state before, status and time now; state after and what is sent. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            healthy stays quiet                     | -1    | false | NEVER | OK     | 5000   | -1    | false | NEVER  | -
            first bad round starts the clock        | -1    | false | NEVER | WARN   | 5000   | 5000  | false | NEVER  | -
            bad, not for long enough                | 5000  | false | NEVER | STOP   | 14999  | 5000  | false | NEVER  | -
            bad for the threshold fires             | 5000  | false | NEVER | STOP   | 15000  | 5000  | true  | 15000  | FIRING
            WARN to STALL keeps the same spell      | 5000  | false | NEVER | STALL  | 15000  | 5000  | true  | 15000  | FIRING
            still bad after firing: nothing more    | 5000  | true  | 15000 | STOP   | 40000  | 5000  | true  | 15000  | -
            OK after firing resolves                | 5000  | true  | 15000 | OK     | 41000  | -1    | false | 15000  | RESOLVED
            OK without firing: nothing to resolve   | 5000  | false | NEVER | OK     | 9000   | -1    | false | NEVER  | -
            bad again soon after: rate-limited      | 50000 | false | 15000 | WARN   | 70000  | 50000 | false | 15000  | -
            bad again after the interval fires      | 70000 | false | 15000 | WARN   | 80000  | 70000 | true  | 80000  | FIRING
            REWIND neither starts nor resolves      | 5000  | true  | 15000 | REWIND | 41000  | 5000  | true  | 15000  | -
            ERR neither starts nor resolves         | -1    | false | NEVER | ERR    | 41000  | -1    | false | NEVER  | -
            """)
    void step(String description, long badSince, boolean firing, String lastFired, Status status, long now,
              long nextBadSince, boolean nextFiring, String nextLastFired, Kind sent) {
        AlertPolicy.Step step = AlertPolicy.step(new State(badSince, firing, time(lastFired)), status, now, AFTER, INTERVAL);

        assertThat(step.next()).as(description).isEqualTo(new State(nextBadSince, nextFiring, time(nextLastFired)));
        assertThat(step.send()).as(description).isEqualTo(sent);
    }

    @Test
    void followsEachGroupThroughReportsAndClosesAlertsOfGroupsThatVanish() {
        AlertPolicy policy = new AlertPolicy(Duration.ofMillis(AFTER), Duration.ofMillis(INTERVAL));
        List<Alert> sent = new ArrayList<>();

        sent.addAll(policy.evaluate(report(0, group("a", Status.STOP), group("b", Status.OK))));
        sent.addAll(policy.evaluate(report(5_000, group("a", Status.STOP), group("b", Status.WARN))));
        sent.addAll(policy.evaluate(report(10_000, group("a", Status.STOP), group("b", Status.WARN))));
        sent.addAll(policy.evaluate(report(15_000, group("a", Status.OK), group("b", Status.WARN))));
        // A failed round repeats old groups: it must not fire or resolve anything.
        sent.addAll(policy.evaluate(report(16_000, group("b", Status.WARN)).failed(16_000, "broker down")));
        sent.addAll(policy.evaluate(report(20_000)));

        assertThat(sent).extracting(Alert::kind, Alert::group, Alert::timeMs).containsExactly(
                tuple(Kind.FIRING, "a", 10_000L),
                tuple(Kind.RESOLVED, "a", 15_000L),
                tuple(Kind.FIRING, "b", 15_000L),
                tuple(Kind.RESOLVED, "b", 20_000L));
        assertThat(sent.get(0).sinceMs()).isZero();
        assertThat(sent.get(1).sinceMs()).isZero();
        assertThat(sent.get(3).status()).isNull();
    }

    @Test
    void aJobStallFiresWhenItBeginsAndResolvesWhenItEndsAtMostOncePerInterval() {
        AlertPolicy policy = new AlertPolicy(Duration.ofSeconds(60), Duration.ofMinutes(5));
        List<JobAlert> sent = new ArrayList<>();
        sent.addAll(policy.evaluate(List.of(stall("a", false, 0, 61_000))));
        sent.addAll(policy.evaluate(List.of(stall("a", true, 0, 70_000))));
        // Stalled again within five minutes of the FIRING: neither the stall nor its end is sent.
        sent.addAll(policy.evaluate(List.of(stall("a", false, 80_000, 141_000))));
        sent.addAll(policy.evaluate(List.of(stall("a", true, 80_000, 150_000))));
        // Five minutes after the FIRING a stall is news again.
        sent.addAll(policy.evaluate(List.of(stall("a", false, 300_000, 361_000), stall("b", true, 0, 361_000))));
        sent.addAll(policy.evaluate(List.of(stall("a", true, 300_000, 362_000))));

        assertThat(sent).extracting(JobAlert::kind, a -> a.change().jobId(), a -> a.change().timeMs()).containsExactly(
                tuple(Kind.FIRING, "a", 61_000L),
                tuple(Kind.RESOLVED, "a", 70_000L),
                tuple(Kind.FIRING, "a", 361_000L),
                tuple(Kind.RESOLVED, "a", 362_000L));
    }

    /** A stall of job {@code id}, quiet since {@code since}, that began ({@code ended} false) or ended at {@code time}. */
    static JobStalls.Change stall(String id, boolean ended, long since, long time) {
        return new JobStalls.Change(id, ended, TestJobs.job(id, "RUNNING", 3, since), since, time);
    }

    static GroupLag group(String name, Status status) {
        return new GroupLag(name, "Stable", false, 1, status, 0, 7, 7, 3.5, 1.0, 2.0, 7.0, Double.POSITIVE_INFINITY,
                LittlesLaw.UNKNOWN, Map.of("t", 7L), List.of(), null);
    }

    static LagReport report(long time, GroupLag... groups) {
        return new LagReport(time, 1, List.of(groups), Map.of(), null);
    }

    private static long time(String value) {
        return "NEVER".equals(value) ? NEVER : Long.parseLong(value);
    }
}
