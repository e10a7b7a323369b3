package io.mosaic.producers.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mosaic.platform.config.MosaicConfig;
import io.mosaic.platform.config.Setting;
import io.mosaic.platform.config.SourceRoots;
import io.mosaic.platform.http.HttpService;
import io.mosaic.platform.http.ResourcePath;
import io.mosaic.platform.json.JobSummaryJson;
import io.mosaic.platform.lifecycle.Lifecycle;
import io.mosaic.platform.progress.Progress;
import io.mosaic.producers.JobSource;
import io.mosaic.producers.JobSources;
import io.mosaic.producers.JobSubmitter;
import io.mosaic.producers.SourceScanner;
import io.mosaic.schemas.ImageJob;
import io.mosaic.schemas.JobState;
import io.mosaic.schemas.JobSummary;
import io.mosaic.schemas.Topics;
import io.mosaic.schemas.WorkerShares;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The jobs HTTP API: submit, follow, list and cancel jobs.
 *
 * <ul>
 *   <li>{@code POST /jobs} with {@code {"source": "<directory, file: URI or s3://bucket/prefix>",
 *       "jobId": "<optional>", "priority": "high|normal|batch"}} (priority optional, normal by
 *       default), or {@code "urls": ["https://...", "s3://bucket/key", ...]} in place of the source:
 *       publishes the job and its tasks ({@link JobSubmitter}) and answers 202 with
 *       {@code {"jobId", "taskCount", "skipped", "source"}}. 400 for a body that is not such an
 *       object, a directory that does not exist or lies outside {@code source.file.allowed.roots},
 *       a bucket not in {@code source.s3.allowed.buckets}, unknown, denied or with nothing under
 *       the prefix, or a URL whose host or bucket is not allowed; 503 when the store cannot be listed.
 *   <li>{@code GET /jobs/{jobId}}: the job's summary ({@link JobSummaryJson}), read by interactive
 *       query from the aggregators at {@code aggregator.urls}, with where it stands among the
 *       running jobs: {@code queuedTasks} (held back by the dispatcher), {@code inFlightTasks}
 *       (in the workers' queue) and {@value #SHARE}, its part of every running job's tasks in the
 *       workers' queue, which is its share of the workers; 404 for a job they do not know.
 *   <li>{@code GET /jobs}: {@code {"jobs": [...]}}, every job the aggregators hold.
 *   <li>{@code DELETE /jobs/{jobId}}: cancels a running job by publishing its job record again
 *       with {@code cancelled} set; 202 (also for a job already cancelled), 404 for an unknown
 *       job, 409 for a job that has completed or whose job record the aggregator has not seen.
 * </ul>
 *
 * <p>Writes {@code mosaic.jobs} (key jobId) and {@code mosaic.task-backlog} (key jobId). 503 with
 * a JSON error when Kafka or every aggregator is out of reach.
 */
public final class JobsApi implements Lifecycle, HttpService.Handler {

    public static final Setting<String> AGGREGATOR_URLS = Setting.string("aggregator.urls", "http://127.0.0.1:7072",
            "comma-separated base URLs of aggregator instances the jobs API asks for job summaries, tried in turn until one answers");
    public static final List<Setting<?>> SETTINGS = List.of(AGGREGATOR_URLS);

    public static final String PATH = "/jobs";
    /** Derived property of {@code GET /jobs/{jobId}}: the job's share of the workers, 0 to 1. */
    public static final String SHARE = "share";
    public static final int DEFAULT_PORT = 7070;
    /** Per aggregator: one that does not answer in this time is skipped for the next. */
    private static final Duration AGGREGATOR_TIMEOUT = Duration.ofSeconds(5);

    private static final Logger log = LoggerFactory.getLogger(JobsApi.class);

    private final MosaicConfig config;
    private final Topics topics;
    private volatile JobSubmitter submitter;
    private AggregatorClient aggregators;
    private JobSources sources;

    public JobsApi(MosaicConfig config, Topics topics) {
        this.config = config;
        this.topics = topics;
    }

    @Override
    public String name() {
        return "jobs API";
    }

    @Override
    public void validate() {
        AggregatorClient.parseUrls(config.get(AGGREGATOR_URLS));
    }

    @Override
    public synchronized void start() {
        aggregators = new AggregatorClient(AggregatorClient.parseUrls(config.get(AGGREGATOR_URLS)), AGGREGATOR_TIMEOUT);
        sources = new JobSources(config);
        submitter = new JobSubmitter(config, topics);
    }

    @Override
    public synchronized void stop() {
        JobSubmitter s = submitter;
        submitter = null;
        if (s != null) {
            s.close();
        }
        if (sources != null) {
            sources.close();
        }
    }

    @Override
    public HttpService.Response handle(HttpService.Request request) {
        var jobId = ResourcePath.id(PATH, request.path());
        JobSubmitter s = submitter;
        if (s == null) {
            return error(503, "the jobs API is not running");
        }
        String method = request.method();
        if (jobId.isEmpty()) {
            return switch (method) {
                case "POST" -> submit(s, JobRequest.parse(request.body()));
                case "GET" -> answer(aggregators.jobs(), "the job list");
                default -> error(405, method + " is not allowed on " + PATH + "; use GET or POST");
            };
        }
        return switch (method) {
            case "GET" -> answer(withShare(aggregators.job(jobId.get())), "job '" + jobId.get() + "'");
            case "DELETE" -> cancel(s, jobId.get());
            default -> error(405, method + " is not allowed on " + PATH + "/{jobId}; use GET or DELETE");
        };
    }

    private HttpService.Response submit(JobSubmitter s, JobRequest request) {
        JobSubmitter.SubmittedJob job;
        JobSource images;
        try {
            images = request.urls() != null ? sources.urls(request.urls())
                    : request.s3() != null ? sources.open(request.s3())
                    : SourceScanner.scan(checkedDirectory(request.directory()));
        } catch (IllegalStateException e) {
            log.warn("listing the job's source failed: {}", e.getMessage());
            return error(503, e.getMessage());
        }
        try (images) {
            job = s.submit(images, request.jobId(), request.priority(), Progress.none());
        } catch (IllegalStateException e) {
            log.warn("submitting {} failed: {}", images.uri(), e.getMessage());
            return error(503, e.getMessage());
        }
        log.info("job {} submitted: {} tasks from {}", job.jobId(), job.taskCount(), job.source());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("jobId", job.jobId());
        body.put("taskCount", job.taskCount());
        body.put("skipped", job.skipped());
        body.put("source", job.source());
        body.put("priority", request.priority().name());
        body.put("listingMs", images.listingMs());
        return HttpService.Response.json(202, body);
    }

    /** The directory, if it exists and lies under {@code source.file.allowed.roots}, symbolic links resolved. */
    Path checkedDirectory(Path directory) {
        if (!Files.isDirectory(directory)) {
            throw new IllegalArgumentException(Files.exists(directory)
                    ? "'source' is not a directory: " + directory
                    : "'source' names no directory the jobs API can see: " + directory);
        }
        Path real;
        try {
            real = directory.toRealPath();
        } catch (IOException e) {
            throw new IllegalArgumentException("'source' cannot be read: " + directory + " (" + e.getMessage() + ")");
        }
        if (SourceRoots.from(config).stream().noneMatch(real::startsWith)) {
            throw new IllegalArgumentException("'source' is " + SourceRoots.outside(directory));
        }
        return real;
    }

    private HttpService.Response cancel(JobSubmitter s, String jobId) {
        AggregatorClient.Answer answer = aggregators.job(jobId);
        if (!(answer instanceof AggregatorClient.Answer.Found found)) {
            return answer(answer, "job '" + jobId + "'");
        }
        JobSummary summary = JobSummaryJson.fromJson(found.json());
        JobState state = summary.getState();
        if (state == JobState.COMPLETED) {
            return error(409, "job '" + jobId + "' has already COMPLETED; there is nothing left to cancel");
        }
        if (state == JobState.PENDING || summary.getSource() == null || summary.getTaskCount() < 0) {
            return error(409, "the aggregator has results of job '" + jobId + "' but not its job record yet; try again shortly");
        }
        if (state != JobState.CANCELLED) {
            ImageJob job = ImageJob.newBuilder()
                    .setJobId(jobId)
                    .setSource(summary.getSource())
                    .setTaskCount(summary.getTaskCount())
                    .setSkippedCount(summary.getSkippedCount())
                    .setSubmittedAt(summary.getStartedAt() != null ? summary.getStartedAt() : Instant.now())
                    .setPriority(summary.getPriority())
                    .build();
            try {
                s.cancel(job);
            } catch (IllegalStateException e) {
                return error(503, e.getMessage());
            }
            log.info("job {} cancelled after {} of {} results", jobId, summary.getSucceeded() + summary.getFailed(), summary.getTaskCount());
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("jobId", jobId);
        body.put("cancelled", true);
        return HttpService.Response.json(202, body);
    }

    /**
     * A running job's answer with its {@value #SHARE} of the workers ({@link WorkerShares}), from
     * every running job's tasks in the workers' queue. Left out when the job has none there or the
     * job list cannot be read.
     */
    private AggregatorClient.Answer withShare(AggregatorClient.Answer answer) {
        if (!(answer instanceof AggregatorClient.Answer.Found found) || !(found.json() instanceof ObjectNode job)) {
            return answer;
        }
        long own = job.path("inFlightTasks").asLong(0);
        if (own <= 0 || !JobState.RUNNING.name().equals(job.path("state").asText())) {
            return answer;
        }
        if (aggregators.jobs() instanceof AggregatorClient.Answer.Found list) {
            Map<String, Integer> inFlight = new HashMap<>();
            for (JsonNode other : list.json().path("jobs")) {
                if (JobState.RUNNING.name().equals(other.path("state").asText())) {
                    inFlight.put(other.path("jobId").asText(), other.path("inFlightTasks").asInt(0));
                }
            }
            // The list was read after the job: make sure the job counts with what it said.
            inFlight.put(job.path("jobId").asText(), (int) own);
            job.put(SHARE, WorkerShares.of(inFlight).get(job.path("jobId").asText()));
        }
        return answer;
    }

    private static HttpService.Response answer(AggregatorClient.Answer answer, String what) {
        if (answer instanceof AggregatorClient.Answer.Found found) {
            return HttpService.Response.json(200, found.json());
        }
        if (answer instanceof AggregatorClient.Answer.Missing) {
            throw new NoSuchElementException("no " + what);
        }
        return error(503, "cannot read " + what + ": " + ((AggregatorClient.Answer.Unavailable) answer).why());
    }

    private static HttpService.Response error(int status, String message) {
        return HttpService.Response.json(status, Map.of("error", message));
    }
}
