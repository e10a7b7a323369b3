package io.mosaic.app;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bad uses of a command: refused before any connection or cluster, in one line, with exit code 2. */
class UsageErrorsTest {

    @ParameterizedTest(name = "mosaic {0}")
    @CsvSource(delimiter = '|', textBlock = """
            dlq                                            | missing subcommand: try 'mosaic dlq list' or 'mosaic dlq replay'
            dlq replay                                     | give the records to replay
            dlq replay --all 0@3                           | not both
            dlq replay 0@3 3x                              | not a position (partition@offset, e.g. 0@12): '3x'
            dlq replay 1@-4                                | not a position
            dlq list --max 0                               | --max must be at least 1, got 0
            dlq list --max many                            | --max
            dlq list --colour                              | Unknown option: '--colour'
            demo --brokers 2                               | --brokers must be 1 or 3, got 2
            cluster --brokers 0                            | --brokers must be 1 or 3, got 0
            bench --scale-processes 512m --scale-brokers 2 | --scale-brokers must be 1 or 3, got 2
            bench --scale-processes 512m --scale-workers 9 | --scale-workers takes 1 to 8 processes
            """)
    void aBadUseIsOneLineAndExitCodeTwo(String command, String expected) {
        MosaicRuns.Run run = MosaicRuns.mosaicWithErrors(command.split(" +"));
        int code = run.exitCode();
        String output = run.output();

        assertThat(code).as(output).isEqualTo(2);
        assertThat(output.lines().findFirst()).hasValueSatisfying(line -> assertThat(line).startsWith("mosaic: ").contains(expected));
        assertThat(output.lines().count()).as(output).isLessThanOrEqualTo(2);
        assertThat(output).doesNotContain("Exception").doesNotContain("\tat ");
    }
}
