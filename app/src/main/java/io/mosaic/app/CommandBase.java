package io.mosaic.app;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.apache.kafka.common.utils.Utils;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * What every {@code mosaic} command has: its picocli spec, for output and for one-line usage
 * errors. The nested classes add the option sets commands share, so that a command class holds
 * only its own options.
 */
abstract class CommandBase {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** A bad flag: picocli prints the message as one line and exits 2. */
    CommandLine.ParameterException usageError(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    /** Deletes a temporary directory and everything in it, as far as it can. */
    static void deleteRecursively(Path dir) {
        try {
            Utils.delete(dir.toFile());
        } catch (IOException ignored) {
            // Best effort: it is a temporary directory.
        }
    }

    /** A command that talks to a running cluster: where Kafka and the registry are, and every setting. */
    abstract static class Client extends CommandBase {

        @Mixin
        ServiceOptions options;
    }

    /** A long-running service: a {@link Client} with HTTP endpoints (/health, /metrics and its own). */
    abstract static class Service extends Client {

        @Mixin
        HttpOptions httpOptions;
    }

    /** A command that starts its own cluster in this process or in child processes. */
    abstract static class Local extends CommandBase {

        @Option(names = {"-v", "--verbose"}, description = "Log at INFO level (default: warnings only).")
        boolean verbose;
    }

    /** A command that only groups subcommands: run alone, it names them, as picocli knows them. */
    abstract static class Group extends CommandBase implements Runnable {

        @Override
        public void run() {
            String names = spec.subcommands().values().stream().distinct()
                    .map(sub -> "'" + sub.getCommandSpec().qualifiedName() + "'")
                    .collect(Collectors.joining(" or "));
            throw usageError("missing subcommand: try " + names);
        }
    }
}
