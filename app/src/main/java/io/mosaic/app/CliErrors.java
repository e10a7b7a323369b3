package io.mosaic.app;

import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * How the command line reports problems: a bad flag is one line and exit code 2; a failure while
 * running is one line and exit code 1, with the stack trace only under {@code --verbose}.
 */
final class CliErrors {

    static final int BAD_ARGUMENTS = 2;
    static final int FAILED = 1;

    private CliErrors() {
    }

    static int onBadArguments(CommandLine.ParameterException e, String[] args) {
        PrintWriter err = e.getCommandLine().getErr();
        err.println("mosaic: " + e.getMessage());
        err.println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
        return BAD_ARGUMENTS;
    }

    static int onFailure(Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult) {
        PrintWriter err = commandLine.getErr();
        Throwable cause = e;
        while (cause.getCause() != null && (cause.getMessage() == null || cause instanceof java.util.concurrent.ExecutionException)) {
            cause = cause.getCause();
        }
        if (e instanceof IllegalArgumentException) {
            err.println("mosaic: " + e.getMessage());
            return BAD_ARGUMENTS;
        }
        err.println("mosaic: error: " + (cause.getMessage() != null ? cause.getMessage() : cause.toString()));
        if (Logging.isVerbose()) {
            e.printStackTrace(err);
        } else {
            err.println("(run with --verbose for details)");
        }
        return FAILED;
    }
}
