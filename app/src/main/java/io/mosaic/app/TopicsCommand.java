package io.mosaic.app;

import io.mosaic.platform.config.MosaicConfig;
import io.mosaic.platform.kafka.TopicAdmin;
import io.mosaic.schemas.Topic;
import io.mosaic.schemas.Topics;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code mosaic topics create}: creates the pipeline's topics; safe to run again. */
@Command(name = "topics", header = "Manage the pipeline's topics.", mixinStandardHelpOptions = true, description = "Manage the pipeline's topics.",
        subcommands = {TopicsCommand.Create.class})
final class TopicsCommand extends CommandBase.Group {

    @Command(name = "create", header = "Create the pipeline's topics; topics that exist are left alone.", mixinStandardHelpOptions = true,
            description = {"Create every topic with its configured partitions, replication factor and min.insync.replicas.",
                    "Topics that exist are left alone, so running it twice is safe."})
    static final class Create extends CommandBase.Client implements Callable<Integer> {

        @Override
        public Integer call() {
            MosaicConfig config = options.config();
            TopicAdmin.Created result = TopicAdmin.createTopics(config, ServiceOptions.topics(config));
            Topics topics = result.topics();
            List<String> created = result.names();
            for (Topic<?, ?> topic : topics.all()) {
                out().printf("%-32s %3d partitions, replication %d, min.insync.replicas %d  %s%n",
                        topic.name(), topic.partitions(), topics.replicationFactor(), topics.minInSyncReplicas(),
                        created.contains(topic.name()) ? "created" : "exists");
            }
            out().flush();
            return 0;
        }
    }
}
