package io.mosaic.app.lab;

import io.mosaic.platform.kafka.EmbeddedKafkaCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Idempotency and exactly-once, on a real broker run as a child process so that it can be paused.
 *
 * <p>Part one, a forced retry: the broker is paused (SIGSTOP) while writes are in flight, the
 * producer's requests time out and are sent again, and when the broker resumes it appends the
 * first copy as well as the retry. Without idempotence both stay; with it, the broker knows the
 * producer id and sequence number of every batch and drops the copy.
 *
 * <p>Part two, a crash in a read-process-write loop: it copies an input topic to an output topic
 * and dies after writing part of a batch whose offsets it has not committed. Its successor starts
 * from the last committed offset. At least once, the part written twice stays twice; exactly once
 * (a transaction holds the writes and the offsets together), the dead instance's open transaction
 * is aborted and a read_committed reader sees every record once.
 */
final class ExactlyOnceExperiment implements Experiment.Trial {

    static final int SENDS = 300;
    static final int INPUT = 1_000;
    static final int BATCH = 100;
    /** The first instance dies after this many records of its batch, before committing it. */
    static final int CRASH_AFTER = 450;

    @Override
    public LabResult run(LabRun run) throws Exception {
        try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.builder().brokers(1).childProcesses(true).childHeap("384m").build()) {
            kafka.start();
            String bootstrap = kafka.bootstrapServers();
            run.say("1 broker up as a child process at %s", bootstrap);
            int plain = retried(run, kafka, false);
            int idempotent = retried(run, kafka, true);

            LabClients.createTopics(bootstrap, new NewTopic("lab-eos-input", 1, (short) 1));
            try (KafkaProducer<String, String> producer = LabClients.producer(bootstrap, Map.of())) {
                for (int i = 0; i < INPUT; i++) {
                    producer.send(new ProducerRecord<>("lab-eos-input", "k" + i, "record-" + i));
                }
            }
            int atLeastOnce = crashMidBatch(run, bootstrap, false);
            int exactlyOnce = crashMidBatch(run, bootstrap, true);

            return LabResult.builder("exactly-once: duplicates on a real broker", "case", "records", "read back", "duplicates")
                    .row("retried send, enable.idempotence=false", Integer.toString(SENDS), Integer.toString(SENDS + plain), Integer.toString(plain))
                    .row("retried send, enable.idempotence=true", Integer.toString(SENDS), Integer.toString(SENDS + idempotent), Integer.toString(idempotent))
                    .row("crash mid-batch, at least once", Integer.toString(INPUT), Integer.toString(INPUT + atLeastOnce), Integer.toString(atLeastOnce))
                    .row("crash mid-batch, exactly once (transactions)", Integer.toString(INPUT), Integer.toString(INPUT + exactlyOnce),
                            Integer.toString(exactlyOnce))
                    .lesson("A timed-out request is not a failed one: the paused broker appended the first copy when it woke, and the retry"
                            + " wrote %d duplicates; the idempotent producer's sequence numbers let the broker drop them (%d).", plain, idempotent)
                    .lesson("A crash between writing and committing replays the uncommitted part: %d records twice at least once, %d when"
                            + " the writes and the consumed offsets commit in one transaction and readers read committed.", atLeastOnce, exactlyOnce)
                    .measure("retryDuplicatesPlain", plain).measure("retryDuplicatesIdempotent", idempotent)
                    .measure("crashDuplicatesAtLeastOnce", atLeastOnce).measure("crashDuplicatesExactlyOnce", exactlyOnce)
                    .build();
        }
    }

    /** Sends SENDS records with the broker paused in the middle; the duplicates found in the topic. */
    private int retried(LabRun run, EmbeddedKafkaCluster kafka, boolean idempotent) throws Exception {
        String topic = "lab-eos-retry-" + (idempotent ? "idempotent" : "plain");
        String bootstrap = kafka.bootstrapServers();
        LabClients.createTopics(bootstrap, new NewTopic(topic, 1, (short) 1));
        int broker = kafka.brokerIds().get(0);
        Map<String, Object> settings = new HashMap<>();
        settings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, idempotent);
        settings.put(ProducerConfig.ACKS_CONFIG, "all");
        // A short request timeout, a long delivery timeout: requests to the paused broker time out
        // and are sent again, and no record is given up.
        settings.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 1_000);
        settings.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
        settings.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 100);
        settings.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        try (KafkaProducer<String, String> producer = LabClients.producer(bootstrap, settings)) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (int i = 0; i < SENDS; i++) {
                sent.add(producer.send(new ProducerRecord<>(topic, "k", "value-" + i)));
                if (i == SENDS / 3) {
                    kafka.pauseBroker(broker);
                    // Writes go on into the pause: each request times out after 1 s and is sent again.
                    Thread.sleep(100);
                }
                if (i == SENDS / 3 + 20) {
                    Thread.sleep(3_500);
                    kafka.resumeBroker(broker);
                }
                Thread.sleep(5);
            }
            for (Future<RecordMetadata> future : sent) {
                future.get(120, TimeUnit.SECONDS);
            }
        }
        int stored = LabClients.readAll(bootstrap, topic, "read_uncommitted").size();
        run.say("%s producer: %d records sent through a 3.5 s pause of the broker, %d in the topic",
                idempotent ? "idempotent" : "plain", SENDS, stored);
        return stored - SENDS;
    }

    /** Copies the input to an output topic, crashing once mid-batch; the duplicates a read_committed reader finds. */
    private int crashMidBatch(LabRun run, String bootstrap, boolean transactions) throws Exception {
        String mode = transactions ? "exactly-once" : "at-least-once";
        String output = "lab-eos-output-" + mode;
        LabClients.createTopics(bootstrap, new NewTopic(output, 1, (short) 1));
        int first = copy(bootstrap, output, mode, transactions, CRASH_AFTER);
        int second = copy(bootstrap, output, mode, transactions, Integer.MAX_VALUE);
        Map<String, Integer> copies = new HashMap<>();
        for (LabClients.Read record : LabClients.readAll(bootstrap, output, "read_committed")) {
            copies.merge(record.value(), 1, Integer::sum);
        }
        int duplicates = copies.values().stream().mapToInt(n -> n - 1).sum();
        run.say("%s: the first instance wrote %d records and died, its successor %d; %d distinct, %d duplicates", mode, first, second,
                copies.size(), duplicates);
        if (copies.size() != INPUT) {
            throw new IllegalStateException(mode + ": " + copies.size() + " of " + INPUT + " records reached the output");
        }
        return duplicates;
    }

    /**
     * One instance of the copying loop, in group {@code lab-eos-<mode>}: reads batches of BATCH,
     * writes each record to {@code output}, commits the batch's offsets (in the transaction, if
     * {@code transactions}); dies without committing once it has written {@code crashAfter}.
     * Returns how many records it wrote.
     */
    private static int copy(String bootstrap, String output, String mode, boolean transactions, int crashAfter) {
        Map<String, Object> consumerProps = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "lab-eos-" + mode, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest", ConsumerConfig.MAX_POLL_RECORDS_CONFIG, BATCH,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Map<String, Object> producerProps = new HashMap<>();
        if (transactions) {
            producerProps.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "lab-eos-copier");
        }
        int written = 0;
        TopicPartition input = new TopicPartition("lab-eos-input", 0);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps, new StringDeserializer(), new StringDeserializer());
             KafkaProducer<String, String> producer = LabClients.producer(bootstrap, producerProps)) {
            if (transactions) {
                // Fences any earlier instance with the same transactional id and aborts its open transaction.
                producer.initTransactions();
            }
            consumer.subscribe(List.of("lab-eos-input"));
            long idleSince = System.nanoTime();
            while (System.nanoTime() - idleSince < Duration.ofSeconds(5).toNanos()) {
                ConsumerRecords<String, String> batch = consumer.poll(Duration.ofMillis(500));
                if (batch.isEmpty()) {
                    if (consumer.assignment().contains(input) && consumer.position(input) >= INPUT) {
                        break;
                    }
                    continue;
                }
                idleSince = System.nanoTime();
                if (transactions) {
                    producer.beginTransaction();
                }
                long next = -1;
                for (ConsumerRecord<String, String> record : batch) {
                    producer.send(new ProducerRecord<>(output, record.key(), record.value()));
                    written++;
                    next = record.offset() + 1;
                    if (written == crashAfter) {
                        // The crash: the writes so far are out, the batch's offsets are not committed.
                        producer.flush();
                        return written;
                    }
                }
                Map<TopicPartition, OffsetAndMetadata> offsets = Map.of(input, new OffsetAndMetadata(next));
                if (transactions) {
                    producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
                    producer.commitTransaction();
                } else {
                    producer.flush();
                    consumer.commitSync(offsets);
                }
            }
        }
        return written;
    }
}
