package io.mosaic.app;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bad uses of {@code mosaic dlq}: refused before any connection, in one line, with exit code 2. */
class DlqCommandTest {

    @ParameterizedTest(name = "mosaic {0}")
    @CsvSource(delimiter = '|', value = {
            "dlq                      | missing subcommand: try 'mosaic dlq list' or 'mosaic dlq replay'",
            "dlq replay               | give the records to replay",
            "dlq replay --all 0@3     | not both",
            "dlq replay 0@3 3x        | not a position (partition@offset, e.g. 0@12): '3x'",
            "dlq replay 1@-4          | not a position",
            "dlq list --max 0         | --max must be at least 1, got 0",
            "dlq list --max many      | --max",
            "dlq list --colour        | Unknown option: '--colour'",
    })
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
