package io.mosaic.app;

import io.mosaic.platform.config.MosaicConfig;
import io.mosaic.platform.config.Setting;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mosaic config}: every setting with its type, default, variable and meaning; or the values in force. */
@Command(name = "config", header = "Show every setting, or the values this command line resolves to.", mixinStandardHelpOptions = true,
        description = {"Show Mosaic's settings. --list: every setting, its type and range, default, environment variable",
                "and meaning. Without --list: the values this command line, file and environment resolve to.",
                "Any Kafka client setting may also be given as kafka.<name> (env MOSAIC_KAFKA_<NAME>)."})
final class ConfigCommand extends CommandBase.Client implements Callable<Integer> {

    @Option(names = "--list", description = "List every known setting instead of the resolved values.")
    boolean list;

    @Override
    public Integer call() {
        PrintWriter out = out();
        if (list) {
            for (Setting<?> setting : Wiring.settings()) {
                out.printf("%s%n    %s; default %s; env %s%n    %s%n", setting.key(), setting.type(),
                        setting.defaultValue() == null ? "(none)" : setting.defaultValue(), setting.environmentVariable(),
                        setting.description());
            }
        } else {
            MosaicConfig config = options.config();
            for (Setting<?> setting : config.knownSettings()) {
                Object value = config.get(setting);
                out.printf("%-40s %s%n", setting.key(), value == null ? "(none)" : value);
            }
            for (Map.Entry<String, Object> kafka : config.kafkaOverrides().entrySet()) {
                out.printf("%-40s %s%n", "kafka." + kafka.getKey(), config.describe().get("kafka." + kafka.getKey()));
            }
        }
        out.flush();
        return 0;
    }
}
