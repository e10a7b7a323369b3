package io.mosaic.streams.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mosaic.platform.http.HttpService;
import io.mosaic.platform.http.ResourcePath;
import io.mosaic.platform.json.JobSummaryJson;
import io.mosaic.schemas.JobSummary;
import io.mosaic.streams.JobAggregator;
import io.mosaic.streams.JobAggregatorTopology;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Interactive queries of the job summaries store ({@value JobAggregatorTopology#JOB_SUMMARIES_STORE}),
 * served over HTTP by every aggregator instance, whichever instance holds the job.
 *
 * <ul>
 *   <li>{@code GET /jobs/{jobId}}: the job's summary as JSON ({@link JobSummaryJson}). Kafka
 *       Streams says which instance is active for the job's partition
 *       ({@code queryMetadataForKey}, from every instance's {@code application.server}); this
 *       instance answers from its own store when that is itself, and otherwise forwards the query
 *       to the owner with {@code ?local=true}. When the owner does not answer (it stopped, or is
 *       restoring after a rebalance), the instances holding a standby copy are asked, and the
 *       copy may lag the owner by the last commit interval: an answer now beats an exact answer
 *       too late. 404 for a job no instance knows; 503 with a JSON error when no copy of the
 *       job's partition can be read. Nothing here waits for a rebalance to end.
 *   <li>{@code GET /jobs}: {@code {"jobs": [...]}}, every job of every instance, the most
 *       recently updated first. Instances that do not answer are listed under
 *       {@code "unreachable"}, and their jobs are taken from this instance's standby copies
 *       where it has them.
 *   <li>{@code ?local=true} (with {@code &partition=N}, {@code &stale=true}): answer from this
 *       instance's own store only, never forwarding; what instances send each other.
 * </ul>
 */
public final class JobQueries implements HttpService.Handler {

    /** The collection's path; register this handler under it. */
    public static final String PATH = "/jobs";
    /** How long a forwarded query may take: a stopped owner is skipped for a standby after this. */
    public static final Duration DEFAULT_FORWARD_TIMEOUT = Duration.ofSeconds(2);

    private static final Logger log = LoggerFactory.getLogger(JobQueries.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String STORE = JobAggregatorTopology.JOB_SUMMARIES_STORE;
    private static final Serializer<String> KEYS = Serdes.String().serializer();
    /** Most recently updated first; the job id breaks ties, so every instance lists in the same order. */
    private static final Comparator<JobSummary> LISTING_ORDER = Comparator
            .comparing(JobSummary::getUpdatedAt, Comparator.reverseOrder())
            .thenComparing(JobSummary::getJobId);

    /** What one place (this instance's store, or another instance) said about a job. */
    sealed interface Lookup {
        record Found(JobSummary summary) implements Lookup {
        }

        record Missing(String where) implements Lookup {
        }

        record Unavailable(String why) implements Lookup {
        }
    }

    private final JobAggregator aggregator;
    private final Duration forwardTimeout;
    private final HttpClient client;

    public JobQueries(JobAggregator aggregator) {
        this(aggregator, DEFAULT_FORWARD_TIMEOUT);
    }

    public JobQueries(JobAggregator aggregator, Duration forwardTimeout) {
        this.aggregator = aggregator;
        this.forwardTimeout = forwardTimeout;
        this.client = HttpClient.newBuilder().connectTimeout(forwardTimeout).build();
    }

    @Override
    public HttpService.Response handle(HttpService.Request request) {
        var jobId = ResourcePath.id(PATH, request.path());
        if (!request.method().equals("GET")) {
            return HttpService.Response.json(405, Map.of("error", request.method() + " is not allowed here; the aggregator only answers GET"));
        }
        boolean local = Boolean.parseBoolean(request.query().get("local"));
        boolean stale = Boolean.parseBoolean(request.query().get("stale"));
        KafkaStreams streams = aggregator.kafkaStreams();
        KafkaStreams.State state = streams == null ? KafkaStreams.State.NOT_RUNNING : streams.state();
        if (state != KafkaStreams.State.RUNNING && state != KafkaStreams.State.REBALANCING) {
            return unavailable("the aggregator is " + state);
        }
        if (jobId.isEmpty()) {
            return HttpService.Response.json(200, local ? listing(localSummaries(streams, stale), List.of()) : listAll(streams));
        }
        Lookup found = local ? localLookup(streams, jobId.get(), request.query().get("partition"), stale) : find(streams, jobId.get());
        if (found instanceof Lookup.Found f) {
            return HttpService.Response.json(200, JobSummaryJson.toJson(f.summary()));
        }
        if (found instanceof Lookup.Missing) {
            throw new NoSuchElementException("no job '" + jobId.get() + "'");
        }
        return unavailable(((Lookup.Unavailable) found).why());
    }

    /** Asks the active instance of the job's partition, then the standbys, then this instance's own copy. */
    private Lookup find(KafkaStreams streams, String jobId) {
        HostInfo self = aggregator.applicationServer();
        KeyQueryMetadata metadata = streams.queryMetadataForKey(STORE, jobId, KEYS);
        if (metadata == null || KeyQueryMetadata.NOT_AVAILABLE.equals(metadata)) {
            return new Lookup.Unavailable("the aggregator does not know yet which instance holds job '" + jobId + "': " + why(streams));
        }
        int partition = metadata.partition();
        if (self == null) {
            // Not advertised: a single instance that holds everything it can answer.
            return localLookup(streams, jobId, partition, false);
        }
        Set<HostInfo> hosts = new LinkedHashSet<>();
        hosts.add(metadata.activeHost());
        hosts.addAll(metadata.standbyHosts());
        hosts.add(self);
        List<String> failures = new ArrayList<>();
        Lookup.Missing missing = null;
        for (HostInfo host : hosts) {
            boolean active = host.equals(metadata.activeHost());
            Lookup answer;
            if (host.equals(self)) {
                answer = localLookup(streams, jobId, partition, false);
                if (answer instanceof Lookup.Unavailable) {
                    // Restoring after a rebalance, or holding only a standby copy.
                    answer = localLookup(streams, jobId, partition, true);
                }
            } else {
                answer = forward(host, jobId, partition, !active);
            }
            if (answer instanceof Lookup.Found) {
                return answer;
            }
            if (answer instanceof Lookup.Missing m) {
                if (active) {
                    return m;
                }
                missing = m;
            } else {
                failures.add(((Lookup.Unavailable) answer).why());
            }
        }
        if (missing != null) {
            return missing;
        }
        return new Lookup.Unavailable("no instance holding job '" + jobId + "' (partition " + partition + ") answered: "
                + String.join("; ", failures));
    }

    private Lookup localLookup(KafkaStreams streams, String jobId, int partition, boolean stale) {
        StoreQueryParameters<ReadOnlyKeyValueStore<String, JobSummary>> parameters = StoreQueryParameters
                .fromNameAndType(STORE, QueryableStoreTypes.<String, JobSummary>keyValueStore())
                .withPartition(partition);
        if (stale) {
            parameters = parameters.enableStaleStores();
        }
        try {
            JobSummary summary = streams.store(parameters).get(jobId);
            return summary == null ? new Lookup.Missing("local") : new Lookup.Found(summary);
        } catch (InvalidStateStoreException e) {
            return new Lookup.Unavailable(describe(aggregator.applicationServer()) + " cannot read partition " + partition
                    + (stale ? " (any copy)" : " (active)") + ": " + e.getMessage());
        }
    }

    private Lookup forward(HostInfo host, String jobId, int partition, boolean stale) {
        URI uri = ResourcePath.uri(baseUrl(host), PATH, jobId, "local=true&partition=" + partition + (stale ? "&stale=true" : ""));
        try {
            HttpResponse<byte[]> response = send(uri);
            if (response.statusCode() == 200) {
                return new Lookup.Found(JobSummaryJson.fromJson(JSON.readTree(response.body())));
            }
            if (response.statusCode() == 404) {
                return new Lookup.Missing(describe(host));
            }
            return new Lookup.Unavailable(describe(host) + " answered " + response.statusCode() + " " + errorOf(response.body()));
        } catch (IOException | IllegalArgumentException e) {
            return new Lookup.Unavailable(describe(host) + " did not answer: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Lookup.Unavailable("interrupted while asking " + describe(host));
        }
    }

    /** Each instance's active jobs; for an instance that does not answer, this one's standby copies. */
    private JsonNode listAll(KafkaStreams streams) {
        HostInfo self = aggregator.applicationServer();
        if (self == null) {
            return listing(localSummaries(streams, false), List.of());
        }
        Map<String, JobSummary> jobs = new LinkedHashMap<>();
        List<String> unreachable = new ArrayList<>();
        for (StreamsMetadata instance : streams.metadataForAllStreamsClients()) {
            if (!instance.stateStoreNames().contains(STORE)) {
                continue;
            }
            HostInfo host = instance.hostInfo();
            if (host.equals(self)) {
                localSummaries(streams, false).forEach(s -> jobs.put(s.getJobId(), s));
                continue;
            }
            try {
                HttpResponse<byte[]> response = send(ResourcePath.uri(baseUrl(host), PATH, null, "local=true"));
                if (response.statusCode() != 200) {
                    throw new IOException("answered " + response.statusCode() + " " + errorOf(response.body()));
                }
                for (JsonNode job : JSON.readTree(response.body()).path("jobs")) {
                    JobSummary summary = JobSummaryJson.fromJson(job);
                    jobs.put(summary.getJobId(), summary);
                }
            } catch (IOException | IllegalArgumentException e) {
                log.debug("listing jobs: {} did not answer: {}", describe(host), e.toString());
                unreachable.add(describe(host));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                unreachable.add(describe(host));
            }
        }
        if (!unreachable.isEmpty()) {
            localSummaries(streams, true).forEach(s -> jobs.putIfAbsent(s.getJobId(), s));
        }
        return listing(jobs.values(), unreachable);
    }

    /** Every summary in this instance's active stores, or in all its copies when {@code stale}. */
    private static List<JobSummary> localSummaries(KafkaStreams streams, boolean stale) {
        StoreQueryParameters<ReadOnlyKeyValueStore<String, JobSummary>> parameters = StoreQueryParameters
                .fromNameAndType(STORE, QueryableStoreTypes.keyValueStore());
        if (stale) {
            parameters = parameters.enableStaleStores();
        }
        List<JobSummary> summaries = new ArrayList<>();
        try (KeyValueIterator<String, JobSummary> all = streams.store(parameters).all()) {
            all.forEachRemaining(entry -> summaries.add(entry.value));
        } catch (InvalidStateStoreException e) {
            log.debug("local job summaries unavailable: {}", e.getMessage());
        }
        return summaries;
    }

    private static JsonNode listing(Collection<JobSummary> summaries, List<String> unreachable) {
        List<JobSummary> sorted = new ArrayList<>(summaries);
        sorted.sort(LISTING_ORDER);
        ObjectNode json = JobSummaryJson.toJson(sorted);
        if (!unreachable.isEmpty()) {
            unreachable.forEach(json.putArray("unreachable")::add);
        }
        return json;
    }

    /** Why a job's owner is not known: the Streams state, and the last failure of a stream thread if any. */
    private String why(KafkaStreams streams) {
        String state = "it is " + streams.state();
        return aggregator.lastFailure().map(failure -> state + "; last failure: " + failure)
                .orElse(state + (streams.state() == KafkaStreams.State.REBALANCING ? " (rebalancing)" : ""));
    }

    /** A query another instance forwarded: the partition is given, or computed here. */
    private Lookup localLookup(KafkaStreams streams, String jobId, String partition, boolean stale) {
        if (partition != null) {
            try {
                return localLookup(streams, jobId, Integer.parseInt(partition), stale);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("partition must be a whole number, got '" + partition + "'");
            }
        }
        KeyQueryMetadata metadata = streams.queryMetadataForKey(STORE, jobId, KEYS);
        if (metadata == null || KeyQueryMetadata.NOT_AVAILABLE.equals(metadata)) {
            return new Lookup.Unavailable("the aggregator does not know the partition of job '" + jobId + "' yet: " + why(streams));
        }
        return localLookup(streams, jobId, metadata.partition(), stale);
    }

    private HttpResponse<byte[]> send(URI uri) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(uri).timeout(forwardTimeout).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String baseUrl(HostInfo host) {
        return "http://" + describe(host);
    }

    private static String describe(HostInfo host) {
        return host == null ? "this instance" : host.host() + ":" + host.port();
    }

    private static String errorOf(byte[] body) {
        try {
            return JSON.readTree(body).path("error").asText("");
        } catch (IOException e) {
            return "";
        }
    }

    private static HttpService.Response unavailable(String why) {
        return HttpService.Response.json(503, Map.of("error", why));
    }
}
