package io.mosaic.app;

import io.mosaic.platform.config.MosaicConfig;
import io.mosaic.platform.progress.Progress;
import io.mosaic.producers.JobSource;
import io.mosaic.producers.JobSources;
import io.mosaic.producers.JobSubmitter;
import io.mosaic.producers.SummaryWatcher;
import io.mosaic.schemas.JobPriority;
import io.mosaic.schemas.JobSummary;
import io.mosaic.schemas.Topics;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mosaic submit SOURCE}: publishes a job to a running cluster. */
@Command(name = "submit", header = "Publish a job of images to a running cluster.", mixinStandardHelpOptions = true,
        description = {"Publish a job: one ImageJob record, then one ImageTask per image in SOURCE:",
                "  a directory (recursive), which the workers read at the same path;",
                "  s3://bucket/prefix, every image object under the prefix: the bucket must be",
                "    in source.s3.allowed.buckets; credentials come from the AWS SDK's chain;",
                "    source.s3.endpoint points at MinIO or another S3-compatible store;",
                "  a text file of http(s):// and s3:// image URIs, one per line, whose hosts",
                "    and buckets must be allowed (source.http.allowed.hosts and",
                "    source.s3.allowed.buckets).",
                "The same SOURCE gives the same job id and task ids, so submitting twice is safe.",
                "Running jobs share the workers: the dispatcher lets each job's tasks in a window at a time,",
                "so a small job does not wait behind a big one; --priority weighs the shares."})
final class SubmitCommand extends CommandBase.Client implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "SOURCE", description = "A directory of images, s3://bucket/prefix, or a file of image URIs.")
    String source;

    @Option(names = "--job-id", paramLabel = "ID", description = "Job id. Default: derived from SOURCE.")
    String jobId;

    @Option(names = "--priority", paramLabel = "PRIORITY", defaultValue = "normal", converter = PriorityConverter.class,
            description = "The job's share of the workers while other jobs run: high, normal or batch (shares 4 : 2 : 1)."
                    + " Default: ${DEFAULT-VALUE}.")
    JobPriority priority;

    @Option(names = "--wait", description = "Wait until the job has completed and print its summary.")
    boolean await;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "3600", description = "With --wait: give up after this long. Default: ${DEFAULT-VALUE}.")
    long timeoutSeconds;

    @Override
    public Integer call() {
        MosaicConfig config = options.config();
        Topics topics = ServiceOptions.topics(config);
        PrintWriter out = out();
        JobSubmitter.SubmittedJob job;
        long listingMs;
        try (JobSources sources = new JobSources(config); JobSource images = sources.open(source)) {
            listingMs = images.listingMs();
            try (JobSubmitter submitter = new JobSubmitter(config, topics); Progress progress = Progress.terminal("Publishing")) {
                job = submitter.submit(images, jobId, priority, progress);
            }
        }
        out.printf("jobId=%s%ntaskCount=%d%nskipped=%d%npriority=%s%nlistingMs=%d%n", job.jobId(), job.taskCount(), job.skipped(),
                priority, listingMs);
        out.flush();
        if (!await) {
            return 0;
        }
        Optional<JobSummary> end;
        try (Progress progress = Progress.terminal("Analysing")) {
            end = new SummaryWatcher(config, topics).awaitEnd(job.jobId(), Duration.ofSeconds(timeoutSeconds),
                    s -> progress.stepTo(s.getSucceeded() + s.getFailed(), job.taskCount()));
        }
        if (end.isEmpty()) {
            out.printf("state=TIMEOUT (no end after %d s)%n", timeoutSeconds);
            return 1;
        }
        JobSummary s = end.get();
        out.printf("state=%s%nsucceeded=%d%nfailed=%d%nduplicatesIgnored=%d%n", s.getState(), s.getSucceeded(), s.getFailed(), s.getDuplicatesIgnored());
        out.flush();
        return 0;
    }

    /** {@code high}, {@code normal} or {@code batch}, in any case. */
    static final class PriorityConverter implements CommandLine.ITypeConverter<JobPriority> {
        @Override
        public JobPriority convert(String value) {
            try {
                return JobPriority.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
