package io.mosaic.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** What {@code mosaic --help} shows: every command summed up in one complete sentence, and one name for HTTP ports. */
class MosaicCommandTest {

    @Test
    void everyCommandIsSummedUpInOneCompleteSentence() {
        List<CommandLine> commands = new ArrayList<>();
        collect(new CommandLine(new MosaicCommand()), commands);
        assertThat(commands).hasSizeGreaterThan(12);
        for (CommandLine command : commands) {
            CommandLine.Model.UsageMessageSpec usage = command.getCommandSpec().usageMessage();
            // picocli lists a command by the first line of its header, else of its description.
            String[] summary = usage.header().length > 0 ? usage.header() : usage.description();
            assertThat(summary).as(command.getCommandName()).isNotEmpty();
            assertThat(summary[0]).as(command.getCommandName() + " summary")
                    .matches("[A-Z].*[.]")
                    .hasSizeLessThanOrEqualTo(110)
                    .doesNotEndWith(",.").doesNotEndWith(":.");
        }

        StringWriter help = new StringWriter();
        new CommandLine(new MosaicCommand()).setOut(new PrintWriter(help)).execute("--help");
        assertThat(help.toString()).contains("worker      Run analyzer workers, which analyse image tasks and publish their");
    }

    @Test
    void theDashboardTakesHttpPortLikeEveryServiceAndStillAcceptsPort() {
        for (String flag : List.of("--http-port", "--port")) {
            CommandLine cli = new CommandLine(new MosaicCommand());
            CommandLine.ParseResult parsed = cli.parseArgs("dashboard", flag, "9191");
            DashboardCommand dashboard = (DashboardCommand) parsed.subcommand().commandSpec().userObject();
            assertThat(dashboard.port).as(flag).isEqualTo(9191);
        }
        StringWriter help = new StringWriter();
        new CommandLine(new MosaicCommand()).setOut(new PrintWriter(help)).execute("dashboard", "--help");
        assertThat(help.toString()).contains("--http-port=PORT").doesNotContain("--port=PORT");
        for (Map.Entry<String, CommandLine> service : new CommandLine(new MosaicCommand()).getSubcommands().entrySet()) {
            if (service.getValue().getCommandSpec().findOption("--bind") != null) {
                assertThat(service.getValue().getCommandSpec().findOption("--http-port")).as(service.getKey()).isNotNull();
            }
        }
    }

    private static void collect(CommandLine command, List<CommandLine> into) {
        for (CommandLine sub : command.getSubcommands().values()) {
            if (!sub.getCommandName().equals("help")) {
                into.add(sub);
                collect(sub, into);
            }
        }
    }
}
