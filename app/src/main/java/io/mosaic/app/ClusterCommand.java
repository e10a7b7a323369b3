package io.mosaic.app;

import io.mosaic.platform.config.KafkaSettings;
import io.mosaic.platform.config.MosaicConfig;
import io.mosaic.platform.kafka.EmbeddedKafkaCluster;
import io.mosaic.platform.kafka.TopicAdmin;
import io.mosaic.platform.lifecycle.Lifecycles;
import io.mosaic.platform.net.IsolatedNetwork;
import io.mosaic.platform.registry.EmbeddedSchemaRegistry;
import io.mosaic.platform.s3.EmbeddedS3Server;
import io.mosaic.platform.s3.S3Settings;
import io.mosaic.schemas.Topics;
import io.mosaic.schemas.registry.SchemaRegistryClient;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code mosaic cluster}: real Kafka brokers, each in a JVM of its own, plus the schema registry,
 * in the foreground, for running Mosaic's services as separate processes without Docker.
 */
@Command(name = "cluster", header = "Run a local Kafka cluster and schema registry as child processes, until stopped.", mixinStandardHelpOptions = true,
        description = {"Run a local Kafka cluster (KRaft: one controller and 1 or 3 brokers, each a child JVM that can be "
                + "killed on its own) and a schema registry, create the pipeline's topics, print bootstrap.servers=... and "
                + "schema.registry.url=... and run until Ctrl-C or SIGTERM.",
                "",
                "With --s3-dir, also an S3 server whose buckets are the directories of DIR, for s3:// jobs.",
                "",
                "With --isolated, each Kafka node runs in a network namespace of its own at its own address, so that the "
                + "network between nodes can be cut (needs root, iproute2 and nftables)."})
final class ClusterCommand extends CommandBase.Local implements Callable<Integer> {

    @Mixin
    BrokersOption brokers;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Keep the brokers' data here across runs. Default: a temporary directory, deleted on exit.")
    Path dataDir;

    @Option(names = "--registry-port", paramLabel = "PORT", defaultValue = "8081", description = "Schema registry port (0: any free port). Default: ${DEFAULT-VALUE}.")
    int registryPort;

    @Option(names = "--isolated", description = "Run each Kafka node in a network namespace of its own (its own address, port 9092;"
            + " the controller's 9093), so that links can be cut with nft. Needs root, iproute2 and nftables.")
    boolean isolated;

    @Option(names = "--s3-dir", paramLabel = "DIR", description = "Also run an S3 server (S3Proxy) on DIR: each directory in it is a bucket,"
            + " each file an object. Prints its endpoint and a credentials file for AWS_SHARED_CREDENTIALS_FILE.")
    Path s3Dir;

    @Option(names = "--s3-port", paramLabel = "PORT", defaultValue = "9000", description = "With --s3-dir: the S3 server's port (0: any free port). Default: ${DEFAULT-VALUE}.")
    int s3Port;

    @Override
    public Integer call() throws Exception {
        Logging.configure(verbose);
        PrintWriter out = out();
        if (isolated) {
            Optional<String> reason = IsolatedNetwork.unavailable();
            if (reason.isPresent()) {
                throw usageError("--isolated cannot be used here: " + reason.get());
            }
        }
        EmbeddedKafkaCluster.Builder builder = EmbeddedKafkaCluster.builder().brokers(brokers.count()).childProcesses(true).isolated(isolated);
        if (dataDir != null) {
            builder.baseDirectory(dataDir);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown, "mosaic-cluster-stop"));
        try (Lifecycles parts = new Lifecycles()) {
            out.printf("Starting %d Kafka broker%s (each its own JVM) and the schema registry...%n", brokers.count(), brokers.count() == 1 ? "" : "s");
            out.flush();
            EmbeddedKafkaCluster kafka = parts.start(builder.build());
            EmbeddedSchemaRegistry registry = parts.start(new EmbeddedSchemaRegistry(registryPort, EmbeddedSchemaRegistry.DEFAULT_STARTUP_TIMEOUT));
            MosaicConfig config = MosaicConfig.builder()
                    .set(KafkaSettings.BOOTSTRAP_SERVERS, kafka.bootstrapServers())
                    .set(KafkaSettings.SCHEMA_REGISTRY_URL, registry.url())
                    .replicationFor(brokers.count())
                    .build();
            Topics topics = Topics.create(config.topicSettings(), new SchemaRegistryClient(registry.url()));
            TopicAdmin.createTopics(config, topics);
            for (int id : kafka.brokerIds()) {
                out.printf("broker %d: pid %d%s%n", id, kafka.brokerProcess(id).map(ProcessHandle::pid).orElse(-1L),
                        isolated ? ", network namespace " + kafka.brokerHost(id).namespace() : "");
            }
            if (isolated) {
                out.printf("controller: %s:%d, network namespace %s; this machine is %s on the nodes' bridge%n",
                        kafka.controllerHost().address(), EmbeddedKafkaCluster.ISOLATED_CONTROLLER_PORT, kafka.controllerHost().namespace(),
                        kafka.network().orElseThrow().outsideAddress());
            }
            out.println("bootstrap.servers=" + kafka.bootstrapServers());
            out.println("schema.registry.url=" + registry.url());
            if (s3Dir != null) {
                EmbeddedS3Server s3 = parts.start(new EmbeddedS3Server(s3Dir.toAbsolutePath(), s3Port));
                out.println(S3Settings.ENDPOINT.key() + "=" + s3.endpoint());
                out.println("AWS_SHARED_CREDENTIALS_FILE=" + s3.credentialsFile());
                out.println("(buckets are the directories in " + s3.dataDir() + "; allow them with " + S3Settings.ALLOWED_BUCKETS.key() + ")");
            }
            out.println("Ready. Topics created. Ctrl-C stops the cluster.");
            out.flush();
            stopped.await();
            Logging.quietForShutdown();
        }
        return 0;
    }
}
