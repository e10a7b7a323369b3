package io.mosaic.consumers.reports;

import io.mosaic.platform.config.MosaicConfig;
import io.mosaic.platform.config.Setting;
import io.mosaic.platform.kafka.KafkaClients;
import io.mosaic.platform.lifecycle.Lifecycle;
import io.mosaic.schemas.ImageResult;
import io.mosaic.schemas.JobSummary;
import io.mosaic.schemas.NearDuplicateGroups;
import io.mosaic.schemas.Topics;
import io.mosaic.schemas.serde.RegistryUnavailableException;
import io.mosaic.schemas.serde.AvroSerde;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes {@code <report-dir>/<jobId>.json} when a job completes.
 *
 * <p>Reads {@code mosaic.image-results}, {@code mosaic.job-summaries} and {@code
 * mosaic.near-duplicate-groups} (all keyed by jobId), read_committed, in consumer group {@code
 * mosaic-reports}. Results and group chunks are appended to per-job spools before offsets are
 * committed; a COMPLETED summary is turned into a report once the spools hold a result for every
 * counted task and every chunk of the groups computed with that count (the three topics are read
 * independently, so the summary may come before the last results or chunks). A CANCELLED summary
 * deletes its job's spools ({@link ReportAssembly}).
 */
public final class ReportWriter implements Lifecycle {

    /** The report writer's group under the default {@code group.prefix}. */
    public static final String GROUP_ID = KafkaClients.groupId(MosaicConfig.defaults(), "reports");
    private static final Logger log = LoggerFactory.getLogger(ReportWriter.class);
    private static final Duration REGISTRY_RETRY = Duration.ofSeconds(1);

    public static final Setting<String> REPORT_DIR = Setting.string("report.dir", "reports", "where job reports are written");
    public static final List<Setting<?>> SETTINGS = List.of(REPORT_DIR);

    private final MosaicConfig config;
    private final Topics topics;
    private final Path reportDir;
    private final List<Consumer<Path>> listeners = new CopyOnWriteArrayList<>();
    private volatile boolean running;
    private Thread thread;
    private KafkaConsumer<byte[], byte[]> consumer;
    private ReportAssembly reports;

    public ReportWriter(MosaicConfig config, Topics topics) {
        this.config = config;
        this.topics = topics;
        this.reportDir = Path.of(config.get(REPORT_DIR));
    }

    @Override
    public String name() {
        return "report writer (" + reportDir + ")";
    }

    /** Called with the report's path each time a report is written. */
    public void onReport(Consumer<Path> listener) {
        listeners.add(listener);
    }

    public Path reportDir() {
        return reportDir;
    }

    @Override
    public synchronized void start() throws IOException {
        @SuppressWarnings("unchecked")
        AvroSerde<ImageResult> resultSerde = (AvroSerde<ImageResult>) topics.imageResults().valueSerde();
        @SuppressWarnings("unchecked")
        AvroSerde<NearDuplicateGroups> chunkSerde = (AvroSerde<NearDuplicateGroups>) topics.nearDuplicateGroups().valueSerde();
        reports = new ReportAssembly(reportDir, resultSerde, topics.imageResults().name(), chunkSerde, topics.nearDuplicateGroups().name());
        Map<String, Object> props = KafkaClients.base(config, "reports");
        props.put(ConsumerConfig.GROUP_ID_CONFIG, KafkaClients.groupId(config, "reports"));
        // Offsets are committed by hand, after the results they cover are on disk.
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // Only results and summaries of committed transactions are real.
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.name().toLowerCase(Locale.ROOT));
        // A new report writer must see every result of the jobs still in the topics.
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumer = new KafkaConsumer<>(KafkaClients.withOverrides(props, config), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(topics.imageResults().name(), topics.jobSummaries().name(), topics.nearDuplicateGroups().name()));
        running = true;
        thread = new Thread(this::run, "mosaic-report-writer");
        thread.start();
    }

    private void run() {
        try {
            while (running) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    handle(record);
                }
                reports.flush();
                for (Path report : reports.writeReadyReports()) {
                    log.info("wrote report {}", report);
                    listeners.forEach(l -> l.accept(report));
                }
                if (!records.isEmpty()) {
                    consumer.commitSync();
                }
            }
        } catch (WakeupException e) {
            if (running) {
                log.error("report writer woken up unexpectedly", e);
            }
        } catch (IOException | RuntimeException e) {
            log.error("report writer stopped: {}", e.toString(), e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /**
     * Hands one record to the reports; while the schema registry cannot give its schema, waits and
     * tries again rather than skip it: the record is fine, and a report without it would be wrong.
     */
    private void handle(ConsumerRecord<byte[], byte[]> record) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                handleOnce(record);
                return;
            } catch (RegistryUnavailableException e) {
                if (!running) {
                    throw new WakeupException();
                }
                if (attempt == 1) {
                    log.warn("record at {}-{}@{}: {}; waiting for the schema registry", record.topic(), record.partition(), record.offset(),
                            e.getMessage());
                }
                try {
                    Thread.sleep(REGISTRY_RETRY.toMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new WakeupException();
                }
            }
        }
    }

    private void handleOnce(ConsumerRecord<byte[], byte[]> record) throws IOException {
        try {
            if (record.topic().equals(topics.imageResults().name())) {
                reports.result(topics.imageResults().value(record), record.value());
            } else if (record.topic().equals(topics.nearDuplicateGroups().name())) {
                NearDuplicateGroups chunk = topics.nearDuplicateGroups().value(record);
                if (chunk != null) {
                    reports.chunk(chunk, record.value());
                }
            } else {
                JobSummary summary = topics.jobSummaries().value(record);
                if (summary != null) {
                    reports.summary(summary);
                }
            }
        } catch (SerializationException e) {
            log.warn("skipping unreadable record at {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.getMessage());
        }
    }

    @Override
    public synchronized void stop() {
        if (!running) {
            return;
        }
        running = false;
        consumer.wakeup();
        try {
            thread.join(Duration.ofSeconds(15).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
