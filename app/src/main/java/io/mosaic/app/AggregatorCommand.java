package io.mosaic.app;

import io.micrometer.core.instrument.Gauge;
import io.mosaic.platform.config.MosaicConfig;
import io.mosaic.platform.http.HttpService;
import io.mosaic.platform.metrics.ServiceMetrics;
import io.mosaic.schemas.Topics;
import io.mosaic.streams.AggregatorSettings;
import io.mosaic.streams.JobAggregator;
import io.mosaic.streams.dispatch.DispatcherSettings;
import io.mosaic.streams.dispatch.TaskDispatcher;
import io.mosaic.streams.query.JobQueries;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code mosaic aggregator}: the Kafka Streams job aggregator, until stopped. */
@Command(name = "aggregator", header = "Run the job aggregator, which folds results into job summaries exactly once.", mixinStandardHelpOptions = true,
        description = {"Run the job aggregator (Kafka Streams application mosaic-aggregator, exactly once):",
                "fold mosaic.image-results per job into mosaic.job-summaries. Runs until Ctrl-C or SIGTERM.",
                "Also runs the dispatcher (application mosaic-dispatcher, exactly once), which lets each job's",
                "tasks from mosaic.task-backlog into mosaic.image-tasks a window at a time (--set dispatch.window=N),",
                "so that jobs share the workers.",
                "Serves GET /jobs/{jobId} and GET /jobs on its HTTP port (default 7072) by interactive",
                "query, from whichever instance holds the job. With several instances, add",
                "--set aggregator.standby.replicas=1 so that one takes over at once when another stops."})
final class AggregatorCommand extends CommandBase.Service implements Callable<Integer> {

    static final int DEFAULT_PORT = 7072;

    /** Only for {@code mosaic chaos --unsafe}, which must show that its checker catches double counting. */
    @Option(names = "--unsafe-at-least-once", hidden = true,
            description = "Process at least once and count every result, duplicates included: counts can be wrong.")
    boolean unsafe;

    @Override
    public Integer call() throws Exception {
        MosaicConfig config = options.config();
        HttpService http = httpOptions.http("aggregator", DEFAULT_PORT);
        Topics topics = ServiceOptions.topics(config);
        JobAggregator aggregator = queryableAggregator(config, topics, http, httpOptions.bind, unsafe);
        TaskDispatcher dispatcher = new TaskDispatcher(config, topics, DispatcherSettings.from(config), !unsafe);
        ServiceMetrics metrics = new ServiceMetrics("aggregator");
        Gauge.builder("mosaic_aggregator_running", aggregator, a -> a.state() == KafkaStreams.State.RUNNING ? 1 : 0)
                .description("1 while the Kafka Streams instance is RUNNING, 0 while rebalancing, restoring or stopped")
                .register(metrics.registry());
        Gauge.builder("mosaic_dispatcher_running", dispatcher, d -> d.state() == KafkaStreams.State.RUNNING ? 1 : 0)
                .description("1 while the dispatcher's Kafka Streams instance is RUNNING, 0 while rebalancing, restoring or stopped")
                .register(metrics.registry());
        return ServiceRunner.run("aggregator", List.of(aggregator, dispatcher), http, metrics,
                () -> aggregator.state() == KafkaStreams.State.RUNNING && dispatcher.state() == KafkaStreams.State.RUNNING, out());
    }

    /**
     * The aggregator with its interactive queries served on {@code http} under
     * {@value JobQueries#PATH}, and advertised to the other instances at
     * {@code aggregator.advertised.url} or, by default, {@link #advertisedUrl}. {@code http} must
     * start before the aggregator: the port it binds is part of the address. {@code unsafe} runs it
     * at least once without de-duplication, for {@code mosaic chaos --unsafe} only.
     */
    static JobAggregator queryableAggregator(MosaicConfig config, Topics topics, HttpService http, String bind, boolean unsafe) {
        JobAggregator aggregator = new JobAggregator(config, topics,
                AggregatorSettings.defaults().withNearDuplicateDistance(config.get(AggregatorSettings.NEAR_DUPLICATE_DISTANCE))
                        .withDeduplicate(!unsafe), !unsafe,
                () -> advertisedUrl(config.get(AggregatorSettings.ADVERTISED_URL), bind, http.port()));
        http.route(JobQueries.PATH, new JobQueries(aggregator));
        return aggregator;
    }

    /**
     * Where the other instances reach this one: the configured URL, else the bind address and the
     * bound port; bound to every interface, the host name, which container networks resolve.
     */
    static String advertisedUrl(String configured, String bind, int port) {
        if (configured != null && !configured.isBlank()) {
            return configured.trim();
        }
        String host = bind;
        if (bind.equals("0.0.0.0") || bind.equals("::") || bind.equals("[::]")) {
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                throw new IllegalStateException("bound to " + bind + " but this host's name is unknown; set "
                        + AggregatorSettings.ADVERTISED_URL.key(), e);
            }
        }
        if (host.contains(":") && !host.startsWith("[")) {
            host = "[" + host + "]";
        }
        return "http://" + host + ":" + port;
    }
}
