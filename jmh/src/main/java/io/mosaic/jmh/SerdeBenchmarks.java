package io.mosaic.jmh;

import io.mosaic.schemas.HashHex;
import io.mosaic.schemas.Identity;
import io.mosaic.schemas.ImageResult;
import io.mosaic.schemas.ImageTask;
import io.mosaic.schemas.ResultStatus;
import io.mosaic.schemas.registry.InMemorySchemaRegistry;
import io.mosaic.schemas.serde.AvroSerde;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The per-record functions of the pipeline: a task's id, and the Avro serde (Confluent wire
 * format) of a task and of a result, with the schema id already known, as it is after a
 * process's first record.
 */
@State(Scope.Benchmark)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SerdeBenchmarks extends MeasuredAlike {

    private AvroSerde<ImageTask> tasks;
    private AvroSerde<ImageResult> results;
    private ImageTask task;
    private ImageResult result;
    private byte[] taskBytes;
    private byte[] resultBytes;

    @Setup
    public void setUp() {
        InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
        tasks = new AvroSerde<>(registry, ImageTask.class);
        results = new AvroSerde<>(registry, ImageResult.class);
        Instant now = Instant.now();
        String uri = "file:///data/photos/2024/05/holiday/IMG_20240517_140322.jpg";
        task = ImageTask.newBuilder().setTaskId(Identity.taskId("job-0123456789abcdef", uri)).setJobId("job-0123456789abcdef")
                .setUri(uri).setSubmittedAt(now).build();
        result = ImageResult.newBuilder().setTaskId(task.getTaskId()).setJobId(task.getJobId()).setUri(uri)
                .setStatus(ResultStatus.OK).setFormat("jpeg").setWidth(4032).setHeight(3024).setBytes(3_456_789)
                .setMeanLuma(0.47).setSharpness(5.2).setBlurry(false).setPerceptualHashHex(HashHex.of(0x5a5a_1234_9876_abcdL))
                .setAnalyzedAt(now).setWorker("host-1/worker-0-2").setDurationMs(41).build();
        taskBytes = tasks.serialize("mosaic.image-tasks", task);
        resultBytes = results.serialize("mosaic.image-results", result);
    }

    @Benchmark
    public String taskId() {
        return Identity.taskId("job-0123456789abcdef", "file:///data/photos/2024/05/holiday/IMG_20240517_140322.jpg");
    }

    @Benchmark
    public byte[] serializeTask() {
        return tasks.serialize("mosaic.image-tasks", task);
    }

    @Benchmark
    public ImageTask deserializeTask() {
        return tasks.deserialize("mosaic.image-tasks", taskBytes);
    }

    @Benchmark
    public byte[] serializeResult() {
        return results.serialize("mosaic.image-results", result);
    }

    @Benchmark
    public ImageResult deserializeResult() {
        return results.deserialize("mosaic.image-results", resultBytes);
    }
}
