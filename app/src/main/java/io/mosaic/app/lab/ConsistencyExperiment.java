package io.mosaic.app.lab;

import io.mosaic.platform.kafka.EmbeddedKafkaCluster;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Consistency models a reader meets on a log, on a real broker. Read-your-writes: a writer updates
 * a value and reads it straight back, from a view kept by a consumer (a replica that lags by its
 * poll), or from the log up to the offset its write was acknowledged at. Monotonic reads: a reader
 * asks two views of a counter, one lagging more than the other, at random or always the same one.
 * Consistent prefix: questions and their answers written with a shared key (one partition, one
 * order) or each with its own key (spread over partitions), read back by a plain consumer.
 */
final class ConsistencyExperiment implements Experiment.Trial {

    static final int WRITES = 100;
    static final int PAIRS = 500;
    private static final String VALUES = "lab-consistency-values";

    @Override
    public LabResult run(LabRun run) throws Exception {
        try (EmbeddedKafkaCluster kafka = LabClients.oneBroker(new NewTopic(VALUES, 1, (short) 1),
                new NewTopic("lab-prefix-shared", 6, (short) 1), new NewTopic("lab-prefix-own", 6, (short) 1))) {
            String bootstrap = kafka.bootstrapServers();

            View fast = new View(bootstrap, Duration.ofMillis(20));
            View slow = new View(bootstrap, Duration.ofMillis(400));
            int staleFromView;
            int staleByOffset;
            int backwardsRandom;
            int backwardsSticky;
            try (fast; slow; KafkaProducer<String, String> producer = LabClients.producer(bootstrap, Map.of(ProducerConfig.LINGER_MS_CONFIG, 0));
                 KafkaConsumer<String, String> log = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                         new StringDeserializer(), new StringDeserializer())) {
                log.assign(List.of(new TopicPartition(VALUES, 0)));
                fast.start();
                slow.start();
                staleFromView = 0;
                staleByOffset = 0;
                for (int i = 1; i <= WRITES; i++) {
                    RecordMetadata written = producer.send(new ProducerRecord<>(VALUES, "counter", Integer.toString(i))).get(10, TimeUnit.SECONDS);
                    staleFromView += slow.read() < i ? 1 : 0;
                    staleByOffset += readAt(log, written.offset()) < i ? 1 : 0;
                    Thread.sleep(20);
                }
                run.say("read-your-writes: %d writes, %d stale reads from the lagging view, %d reading up to the acknowledged offset",
                        WRITES, staleFromView, staleByOffset);
                Random random = run.random();
                backwardsRandom = 0;
                backwardsSticky = 0;
                int lastRandom = 0;
                int lastSticky = 0;
                for (int i = WRITES + 1; i <= 2 * WRITES; i++) {
                    producer.send(new ProducerRecord<>(VALUES, "counter", Integer.toString(i))).get(10, TimeUnit.SECONDS);
                    for (int r = 0; r < 3; r++) {
                        int seen = (random.nextBoolean() ? fast : slow).read();
                        backwardsRandom += seen < lastRandom ? 1 : 0;
                        lastRandom = Math.max(lastRandom, seen);
                        int sticky = slow.read();
                        backwardsSticky += sticky < lastSticky ? 1 : 0;
                        lastSticky = Math.max(lastSticky, sticky);
                        Thread.sleep(10);
                    }
                }
                run.say("monotonic reads: %d times a read went back in time across two views, %d from one view", backwardsRandom, backwardsSticky);
            }

            int sharedOutOfOrder = prefix(bootstrap, "lab-prefix-shared", true);
            int ownOutOfOrder = prefix(bootstrap, "lab-prefix-own", false);
            run.say("consistent prefix: %d answers before their question with a shared key, %d with a key each", sharedOutOfOrder, ownOutOfOrder);

            return LabResult.builder("consistency on a real broker: a view is a consumer that polls every 20 ms (fast) or 400 ms (slow)",
                            "guarantee", "how the reader reads", "violations", "out of")
                    .row("read-your-writes", "from the slow view", Integer.toString(staleFromView), Integer.toString(WRITES))
                    .row("read-your-writes", "the log up to the write's acknowledged offset", Integer.toString(staleByOffset), Integer.toString(WRITES))
                    .row("monotonic reads", "either view, at random", Integer.toString(backwardsRandom), Integer.toString(3 * WRITES))
                    .row("monotonic reads", "always the same view", Integer.toString(backwardsSticky), Integer.toString(3 * WRITES))
                    .row("consistent prefix", "question and answer share a key (1 partition)", Integer.toString(sharedOutOfOrder), Integer.toString(PAIRS))
                    .row("consistent prefix", "each has its own key (6 partitions)", Integer.toString(ownOutOfOrder), Integer.toString(PAIRS))
                    .lesson("A replica that lags answers with the past: reading your own write from it failed %d times in %d; reading the"
                            + " log up to the offset the write was acknowledged at never did. Hopping between replicas that lag differently"
                            + " made time go backwards %d times; staying on one (sticky sessions) never.", staleFromView, WRITES,
                            backwardsRandom)
                    .lesson("Kafka orders records within a partition only: answers keyed apart from their questions were read before them"
                            + " %d times in %d; with a shared key, never.", ownOutOfOrder, PAIRS)
                    .measure("staleFromView", staleFromView).measure("staleByOffset", staleByOffset)
                    .measure("backwardsRandom", backwardsRandom).measure("backwardsSticky", backwardsSticky)
                    .measure("prefixShared", sharedOutOfOrder).measure("prefixOwn", ownOutOfOrder)
                    .build();
        }
    }

    /** The counter's value at {@code offset}, read from the log itself by {@code log}, a consumer assigned its partition. */
    private static int readAt(KafkaConsumer<String, String> log, long offset) {
        TopicPartition partition = new TopicPartition(VALUES, 0);
        log.seek(partition, offset);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<String, String> record : log.poll(Duration.ofMillis(100))) {
                if (record.offset() == offset) {
                    return Integer.parseInt(record.value());
                }
            }
        }
        return 0;
    }

    /** Writes PAIRS question/answer pairs and counts the answers a reader of every partition meets before their question. */
    private static int prefix(String bootstrap, String topic, boolean sharedKey) throws Exception {
        try (KafkaProducer<String, String> producer = LabClients.producer(bootstrap, Map.of(ProducerConfig.LINGER_MS_CONFIG, 5))) {
            for (int i = 0; i < PAIRS; i++) {
                producer.send(new ProducerRecord<>(topic, sharedKey ? "pair-" + i : "question-" + i, "question-" + i));
                producer.send(new ProducerRecord<>(topic, sharedKey ? "pair-" + i : "answer-" + i, "answer-" + i));
            }
        }
        Map<String, Integer> seenAt = new HashMap<>();
        List<LabClients.Read> records = LabClients.readAll(bootstrap, topic, "read_uncommitted");
        for (int position = 0; position < records.size(); position++) {
            seenAt.putIfAbsent(records.get(position).value(), position);
        }
        int outOfOrder = 0;
        for (int i = 0; i < PAIRS; i++) {
            outOfOrder += seenAt.get("answer-" + i) < seenAt.get("question-" + i) ? 1 : 0;
        }
        return outOfOrder;
    }

    /** A replica of the counter: a consumer thread that polls the values topic every {@code interval} and keeps the latest value. */
    private static final class View implements AutoCloseable {
        private final String bootstrap;
        private final Duration interval;
        private final Map<String, Integer> latest = new ConcurrentHashMap<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private Thread thread;

        View(String bootstrap, Duration interval) {
            this.bootstrap = bootstrap;
            this.interval = interval;
        }

        void start() {
            Thread t = new Thread(() -> {
                Map<String, Object> props = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
                TopicPartition partition = new TopicPartition(VALUES, 0);
                try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
                    consumer.assign(List.of(partition));
                    consumer.seekToBeginning(List.of(partition));
                    while (running.get()) {
                        consumer.poll(Duration.ofMillis(10)).forEach(r -> latest.put(r.key(), Integer.parseInt(r.value())));
                        Thread.sleep(interval.toMillis());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "lab-view-" + interval.toMillis());
            t.start();
            thread = t;
        }

        int read() {
            return latest.getOrDefault("counter", 0);
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            if (thread != null) {
                thread.join(5_000);
            }
        }
    }
}
