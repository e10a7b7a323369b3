package io.mosaic.app;

import io.mosaic.platform.config.KafkaSettings;
import io.mosaic.platform.config.MosaicConfig;
import io.mosaic.platform.config.TopicConfig;
import io.mosaic.platform.kafka.EmbeddedKafkaCluster;
import io.mosaic.platform.kafka.TopicAdmin;
import io.mosaic.platform.lifecycle.Lifecycles;
import io.mosaic.platform.registry.EmbeddedSchemaRegistry;
import io.mosaic.schemas.Topics;
import io.mosaic.schemas.registry.SchemaRegistryClient;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code mosaic cluster}: real Kafka brokers, each in a JVM of its own, plus the schema registry,
 * in the foreground, for running Mosaic's services as separate processes without Docker.
 */
@Command(name = "cluster", header = "Run a local Kafka cluster and schema registry as child processes, until stopped.", mixinStandardHelpOptions = true,
        description = {"Run a local Kafka cluster (KRaft: one controller and 1 or 3 brokers, each a child JVM that can be",
                "killed on its own) and a schema registry, create the pipeline's topics, print",
                "bootstrap.servers=... and schema.registry.url=... and run until Ctrl-C or SIGTERM."})
final class ClusterCommand extends CommandBase.Local implements Callable<Integer> {

    @Option(names = "--brokers", paramLabel = "1|3", defaultValue = "3", description = "Brokers. Default: ${DEFAULT-VALUE}.")
    int brokers;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Keep the brokers' data here across runs. Default: a temporary directory, deleted on exit.")
    Path dataDir;

    @Option(names = "--registry-port", paramLabel = "PORT", defaultValue = "8081", description = "Schema registry port (0: any free port). Default: ${DEFAULT-VALUE}.")
    int registryPort;

    @Override
    public Integer call() throws Exception {
        if (brokers != 1 && brokers != 3) {
            throw usageError("--brokers must be 1 or 3, got " + brokers);
        }
        Logging.configure(verbose);
        PrintWriter out = out();
        EmbeddedKafkaCluster.Builder builder = EmbeddedKafkaCluster.builder().brokers(brokers).childProcesses(true);
        if (dataDir != null) {
            builder.baseDirectory(dataDir);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown, "mosaic-cluster-stop"));
        try (Lifecycles parts = new Lifecycles()) {
            out.printf("Starting %d Kafka broker%s (each its own JVM) and the schema registry...%n", brokers, brokers == 1 ? "" : "s");
            out.flush();
            EmbeddedKafkaCluster kafka = parts.start(builder.build());
            EmbeddedSchemaRegistry registry = parts.start(new EmbeddedSchemaRegistry(registryPort, EmbeddedSchemaRegistry.DEFAULT_STARTUP_TIMEOUT));
            MosaicConfig config = MosaicConfig.builder()
                    .set(KafkaSettings.BOOTSTRAP_SERVERS, kafka.bootstrapServers())
                    .set(KafkaSettings.SCHEMA_REGISTRY_URL, registry.url())
                    .set(TopicConfig.REPLICATION_FACTOR, brokers >= 3 ? "3" : "1")
                    .set(TopicConfig.MIN_INSYNC_REPLICAS, brokers >= 3 ? "2" : "1")
                    .build();
            Topics topics = Topics.create(config.topicSettings(), new SchemaRegistryClient(registry.url()));
            TopicAdmin.createTopics(config, topics);
            for (int id : kafka.brokerIds()) {
                out.printf("broker %d: pid %d%n", id, kafka.brokerProcess(id).map(ProcessHandle::pid).orElse(-1L));
            }
            out.println("bootstrap.servers=" + kafka.bootstrapServers());
            out.println("schema.registry.url=" + registry.url());
            out.println("Ready. Topics created. Ctrl-C stops the cluster.");
            out.flush();
            stopped.await();
            Logging.quietForShutdown();
        }
        return 0;
    }
}
