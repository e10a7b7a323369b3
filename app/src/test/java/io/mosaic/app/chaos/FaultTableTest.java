package io.mosaic.app.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FaultTableTest {

    @Test
    void eachKindGetsItsCountsAndRecoveryMedianAndMaximum() {
        FaultTable table = new FaultTable();
        table.add(new FaultTable.Run(1, 0, 0, true, List.of(
                new FaultRecord(FaultKind.ISOLATE_BROKER, Optional.of(Duration.ofSeconds(3))),
                new FaultRecord(FaultKind.ISOLATE_BROKER, Optional.of(Duration.ofSeconds(9))),
                new FaultRecord(FaultKind.KILL_WORKER, Optional.of(Duration.ofMillis(1500))))));
        table.add(new FaultTable.Run(2, 1, 2, false, List.of(
                new FaultRecord(FaultKind.ISOLATE_BROKER, Optional.of(Duration.ofSeconds(5))),
                new FaultRecord(FaultKind.KILL_WORKER, Optional.empty()))));

        String markdown = table.markdown();

        assertThat(markdown).contains("| isolate-broker | 3 | 3 | 5.0s | 9.0s |", "| kill-worker | 2 | 1 | 1.5s | 1.5s |")
                .contains("2 run(s), 1 passed; 5 faults; lost=1 duplicated=2 in all");
        assertThat(markdown.indexOf("kill-worker")).as("kinds in declaration order").isLessThan(markdown.indexOf("isolate-broker"));
        assertThat(markdown).doesNotContain("partition-leader");
    }
}
