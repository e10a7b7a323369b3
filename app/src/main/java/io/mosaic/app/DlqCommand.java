package io.mosaic.app;

import io.mosaic.consumers.deadletter.DeadLetterTopic;
import io.mosaic.consumers.deadletter.DeadLetterTopic.DeadLetter;
import io.mosaic.consumers.deadletter.DeadLetterTopic.Position;
import io.mosaic.consumers.deadletter.DeadLetterTopic.Replayed;
import io.mosaic.platform.config.MosaicConfig;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code mosaic dlq list|replay}: look at the task records the workers could not read, and send
 * chosen ones back to their topic. The Kafka side is {@link DeadLetterTopic}.
 */
@Command(name = "dlq", header = "Inspect and replay the dead-letter topic.", mixinStandardHelpOptions = true,
        description = "Inspect and replay the dead-letter topic (task records the workers could not read).",
        subcommands = {DlqCommand.ListDeadLetters.class, DlqCommand.Replay.class})
final class DlqCommand extends CommandBase.Group {

    @Command(name = "list", header = "List the dead letters with where they came from and why they failed.", mixinStandardHelpOptions = true,
            description = {"Print one line per dead letter: its PARTITION@OFFSET, when it failed, the record it was",
                    "(source topic-partition@offset), and the error. Reads without a consumer group: nothing is consumed."})
    static final class ListDeadLetters extends CommandBase.Client implements Callable<Integer> {

        @Option(names = "--max", paramLabel = "N", defaultValue = "100", description = "Print at most N records. Default: ${DEFAULT-VALUE}.")
        int max;

        @Option(names = "--from-beginning", negatable = true, defaultValue = "true", fallbackValue = "true",
                description = {"Read each partition from its beginning and print the first N (the default).",
                        "--no-from-beginning prints the N most recent instead."})
        boolean fromBeginning;

        @Override
        public Integer call() {
            if (max < 1) {
                throw usageError("--max must be at least 1, got " + max);
            }
            MosaicConfig config = options.config();
            DeadLetterTopic dlq = new DeadLetterTopic(config, ServiceOptions.topics(config));
            List<DeadLetter> letters = fromBeginning ? dlq.list(max) : dlq.listLatest(max);
            PrintWriter out = out();
            for (DeadLetter letter : letters) {
                out.println(line(letter));
            }
            out.flush();
            if (letters.isEmpty()) {
                spec.commandLine().getErr().println("no records in " + dlq.name());
            }
            return 0;
        }

        static String line(DeadLetter letter) {
            return String.format("%-9s %-30s %-32s %s", letter.position(), letter.failedAt(), letter.source(), letter.error());
        }
    }

    @Command(name = "replay", header = "Send dead letters back to the topic they came from.", mixinStandardHelpOptions = true,
            description = {"Send dead letters back to the topic they came from, with their original key and value,",
                    "without the dead-letter headers and with a mosaic.replayed.from header. A record that still",
                    "cannot be read comes back to the dead-letter topic."})
    static final class Replay extends CommandBase.Client implements Callable<Integer> {

        @Parameters(arity = "0..*", paramLabel = "PARTITION@OFFSET", description = "Records to replay, as printed by 'mosaic dlq list'.")
        List<String> positions = new ArrayList<>();

        @Option(names = "--all", description = "Replay every record of the dead-letter topic.")
        boolean all;

        @Override
        public Integer call() {
            if (all == !positions.isEmpty()) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        all ? "give either --all or positions, not both" : "give the records to replay (PARTITION@OFFSET ...) or --all");
            }
            List<Position> chosen = new ArrayList<>();
            for (String text : positions) {
                try {
                    chosen.add(Position.parse(text));
                } catch (IllegalArgumentException e) {
                    throw usageError(e.getMessage());
                }
            }
            MosaicConfig config = options.config();
            DeadLetterTopic dlq = new DeadLetterTopic(config, ServiceOptions.topics(config));
            List<DeadLetter> letters = all ? dlq.list(Integer.MAX_VALUE) : dlq.read(chosen);
            PrintWriter out = out();
            if (letters.isEmpty()) {
                spec.commandLine().getErr().println("nothing to replay: no records in " + dlq.name());
                return 0;
            }
            for (Replayed replayed : dlq.replay(letters)) {
                out.printf("replayed %s to %s-%d@%d%n", replayed.from(), replayed.topic(), replayed.partition(), replayed.offset());
            }
            out.flush();
            return 0;
        }
    }
}
