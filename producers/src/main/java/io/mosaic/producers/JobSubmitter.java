package io.mosaic.producers;

import io.mosaic.platform.config.DispatchSettings;
import io.mosaic.platform.config.MosaicConfig;
import io.mosaic.platform.kafka.Acknowledgements;
import io.mosaic.platform.kafka.KafkaClients;
import io.mosaic.platform.progress.Progress;
import io.mosaic.schemas.Identity;
import io.mosaic.schemas.ImageJob;
import io.mosaic.schemas.ImageTask;
import io.mosaic.schemas.JobPriority;
import io.mosaic.schemas.Topics;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Publishes a job: its {@link ImageJob} record first (so consumers learn the task count early),
 * then one {@link ImageTask} per image. Ids are deterministic, so submitting the same directory
 * again publishes the same job and tasks, and the aggregator counts them once.
 *
 * <p>Writes {@code mosaic.jobs} (key jobId) and the tasks to {@code mosaic.task-backlog} (key
 * jobId), from which the dispatcher lets each job into the workers' queue a window at a time so
 * that jobs share the workers; with {@code dispatch.enabled=false}, straight to
 * {@code mosaic.image-tasks} (key taskId), where a job waits behind every task published before it.
 */
public final class JobSubmitter implements AutoCloseable {

    /** What was published; {@code tasksTopic} is where the tasks went (the backlog, or the tasks topic). */
    public record SubmittedJob(String jobId, String source, int taskCount, int skipped, String tasksTopic) {
    }

    /** Tasks are tiny; a few milliseconds of batching sends thousands of them in few requests. */
    public static final int LINGER_MS = 10;

    private final Topics topics;
    private final boolean dispatched;
    private final Producer<byte[], byte[]> producer;

    public JobSubmitter(MosaicConfig config, Topics topics) {
        this.topics = topics;
        this.dispatched = config.get(DispatchSettings.ENABLED);
        Map<String, Object> props = KafkaClients.base(config, "submitter");
        // acks=all with idempotence: a task survives the loss of one replica, and a retried
        // send after a lost acknowledgement is not written twice.
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, LINGER_MS);
        this.producer = new KafkaProducer<>(KafkaClients.withOverrides(props, config),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Submits every image under {@code directory}; {@code jobId} null derives it from the directory. */
    public SubmittedJob submit(Path directory, String jobId, Progress progress) {
        return submit(SourceScanner.scan(directory), jobId, JobPriority.NORMAL, progress);
    }

    /** As {@link #submit(Path, String, Progress)}, with the job's share of the workers. */
    public SubmittedJob submit(Path directory, String jobId, JobPriority priority, Progress progress) {
        return submit(SourceScanner.scan(directory), jobId, priority, progress);
    }

    /** As {@link #submit(JobSource, String, JobPriority, Progress)}, NORMAL priority. */
    public SubmittedJob submit(JobSource source, String jobId, Progress progress) {
        return submit(source, jobId, JobPriority.NORMAL, progress);
    }

    /**
     * Submits the images of a source already counted (a directory's scan, a bucket's listing, a
     * list of URIs); {@code jobId} null derives it from the source's URI. The job record, with
     * the count, goes first; the tasks follow as the source is walked again, so no list of the
     * job's images is ever held.
     *
     * @throws IllegalStateException when the source changed between the count and the walk: the
     *     job's record would promise a count its tasks do not keep (submitting again fixes it; the
     *     tasks already published are the same tasks)
     */
    public SubmittedJob submit(JobSource images, String jobId, JobPriority priority, Progress progress) {
        String source = images.uri();
        String id = jobId != null && !jobId.isBlank() ? jobId : Identity.jobIdForSource(source);
        Instant now = Instant.now();
        int total = images.imageCount();
        ImageJob job = ImageJob.newBuilder()
                .setJobId(id)
                .setSource(source)
                .setTaskCount(total)
                .setSkippedCount(images.skipped())
                .setSubmittedAt(now)
                .setPriority(priority.name())
                .setListingMs(images.listingMs())
                .build();
        publishJob(job);

        Acknowledgements acknowledged = new Acknowledgements(count -> progress.stepTo(count, total));
        int[] published = new int[1];
        images.forEachTaskUri(uri -> {
            ImageTask task = ImageTask.newBuilder()
                    .setTaskId(Identity.taskId(id, uri))
                    .setJobId(id)
                    .setUri(uri)
                    .setSubmittedAt(now)
                    .build();
            published[0]++;
            var record = dispatched ? topics.taskBacklog().record(id, task) : topics.imageTasks().record(task.getTaskId(), task);
            producer.send(record, acknowledged);
        });
        producer.flush();
        acknowledged.throwIfFailed("publishing the " + total + " tasks of job " + id);
        if (published[0] != total) {
            throw new IllegalStateException(source + " changed while job " + id + " was submitted: " + total
                    + " images counted, " + published[0] + " found when publishing; submit it again when it is complete");
        }
        progress.stepTo(total, total);
        return new SubmittedJob(id, source, total, images.skipped(), dispatched ? topics.taskBacklog().name() : topics.imageTasks().name());
    }

    /**
     * Publishes {@code job} again with {@code cancelled} set: workers then answer its remaining
     * tasks without analysing them, and the aggregator marks the job CANCELLED. Returns once the
     * record is acknowledged.
     */
    public ImageJob cancel(ImageJob job) {
        // A copy of every field, so that a field added to the schema is never dropped here.
        ImageJob cancelled = ImageJob.newBuilder(job)
                .setCancelled(true)
                .build();
        publishJob(cancelled);
        return cancelled;
    }

    private void publishJob(ImageJob job) {
        String id = job.getJobId();
        try {
            Future<RecordMetadata> sent = producer.send(topics.jobs().record(id, job));
            // Sent now rather than after linger.ms: a one-image job is waited for by a person.
            producer.flush();
            sent.get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing job " + id, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot publish job " + id + ": " + (e.getCause() != null ? e.getCause() : e), e);
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
