package io.mosaic.app;

import picocli.CommandLine.Command;
import picocli.CommandLine;

/** The {@code mosaic} command line: every service and tool of Mosaic as a subcommand. */
@Command(name = "mosaic",
        mixinStandardHelpOptions = true,
        versionProvider = MosaicCommand.Version.class,
        description = "Kafka-based, event-driven pipeline for parallel image analysis.",
        subcommands = {DemoCommand.class, SubmitCommand.class, WorkerCommand.class, AggregatorCommand.class,
                ReportsCommand.class, TopicsCommand.class, ClusterCommand.class, ChaosCommand.class, DlqCommand.class, DashboardCommand.class, JobsApiCommand.class, ConfigCommand.class, BenchCommand.class, PlanCommand.class, LabCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Start with: mosaic demo   (a whole pipeline on an embedded Kafka cluster)"})
public final class MosaicCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns its exit code; never calls System.exit. */
    public static int execute(String... args) {
        CommandLine cli = new CommandLine(new MosaicCommand());
        cli.setParameterExceptionHandler(CliErrors::onBadArguments);
        cli.setExecutionExceptionHandler(CliErrors::onFailure);
        return cli.execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = MosaicCommand.class.getPackage().getImplementationVersion();
            return new String[] {"mosaic " + (version != null ? version : "(development build)")};
        }
    }
}
