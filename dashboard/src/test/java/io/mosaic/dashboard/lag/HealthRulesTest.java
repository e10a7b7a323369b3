package io.mosaic.dashboard.lag;

import static org.assertj.core.api.Assertions.assertThat;

import io.mosaic.dashboard.lag.HealthRules.Sample;
import io.mosaic.dashboard.lag.HealthRules.Window;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Burrow's rules, one row per case. A window is written as {@code offset/lag} pairs, one sample
 * a second, oldest first; the health window holds 5 samples.
 */
class HealthRulesTest {

    private static final int WINDOW = 5;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            no samples                                    |                                  | true  | OK
            one sample with lag                           | 10/5                             | false | OK
            caught up now                                 | 10/5 12/3 14/2 16/1 18/0         | true  | OK
            caught up earlier in the window               | 10/0 10/4 10/8 10/12 10/16       | false | OK
            lag shrinking while consuming                 | 10/9 14/8 18/6 22/7 26/5         | true  | OK
            rewind beats every other rule                 | 10/5 12/3 8/7 9/6 10/5           | true  | REWIND
            rewind seen before the window is full         | 10/5 4/11                        | true  | REWIND
            not moving but window not full yet            | 10/5 10/6 10/7                   | true  | OK
            not moving, owned: stalled                    | 10/5 10/6 10/7 10/8 10/9         | true  | STALL
            not moving, nobody owns it: stopped           | 10/5 10/6 10/7 10/8 10/9         | false | STOP
            not moving with a fixed backlog, owned        | 10/5 10/5 10/5 10/5 10/5         | true  | STALL
            not moving with a fixed backlog, unowned      | 10/5 10/5 10/5 10/5 10/5         | false | STOP
            moving but lag only grows                     | 10/5 11/7 12/9 13/11 14/13       | true  | WARN
            moving with lag never going down              | 10/5 12/5 14/5 16/6 18/6         | true  | WARN
            moving, lag grows but dropped once            | 10/5 11/7 12/6 13/11 14/13       | true  | OK
            stopped after moving: still WARN, not STOP    | 10/5 12/6 14/7 14/9 14/11        | false | WARN
            a full window without progress wins over WARN | 14/5 14/6 14/7 14/9 14/11        | false | STOP
            """)
    void rules(String description, String window, boolean owned, Status expected) {
        assertThat(HealthRules.evaluate(Window.of(parse(window)), WINDOW, HealthRules.Context.owned(owned)))
                .as(description).isEqualTo(expected);
    }

    /**
     * A partition that stands still while its owner works through another one. The first row is
     * what a worker did to the dashboard during a 32,000-image job: its committed offset did not
     * move for a whole window while the same member committed its other partitions and the group's
     * lag fell from 31,000 to 0, and it was called STALL. The second is the same while the job's
     * tasks are still being published, so the backlog grows although every member works.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            waiting its turn under a big job: owner commits elsewhere, group consumes | 10/900 10/900 10/900 10/900 10/900 | true  | true  | true  | OK
            waiting its turn while the job is still published: its lag grows          | 10/900 10/950 10/990 10/1020 10/1100 | true | true | true | OK
            owner committed nothing in the window (paused, or polls without commits)  | 10/900 10/900 10/900 10/900 10/900 | true  | false | true  | STALL
            nobody owns it, however the group fares                                 | 10/900 10/900 10/900 10/900 10/900 | false | true  | true  | STOP
            moving partitions are judged as before                                  | 10/5 11/7 12/9 13/11 14/13         | true  | true  | true  | WARN
            a rewind is a rewind whoever owns it                                    | 10/5 12/3 8/7 9/6 10/5             | true  | true  | true  | REWIND
            """)
    void ownerAndGroup(String description, String window, boolean owned, boolean ownerCommitting, boolean groupConsuming,
                       Status expected) {
        HealthRules.Context context = new HealthRules.Context(owned, ownerCommitting, groupConsuming);
        assertThat(HealthRules.evaluate(Window.of(parse(window)), WINDOW, context)).as(description).isEqualTo(expected);
    }

    private static List<Sample> parse(String window) {
        List<Sample> samples = new ArrayList<>();
        if (window == null || window.isBlank()) {
            return samples;
        }
        long t = 1_000;
        for (String pair : window.trim().split("\\s+")) {
            String[] parts = pair.split("/");
            samples.add(new Sample(t, Long.parseLong(parts[0]), Long.parseLong(parts[1])));
            t += 1_000;
        }
        return samples;
    }
}
