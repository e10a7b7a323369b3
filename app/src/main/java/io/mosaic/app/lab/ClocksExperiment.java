package io.mosaic.app.lab;

import io.mosaic.platform.kafka.EmbeddedKafkaCluster;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.processor.WallclockTimestampExtractor;

/**
 * Clocks and time, with Kafka Streams on a real broker: two producers write events, one with a
 * clock {@value #SKEW_SECONDS} s behind, and the events carry each producer's idea of "now". A
 * windowed count by event time with no grace drops the slow clock's events as late (the stream's
 * time has moved past their windows); with a grace period longer than the skew it keeps them; a
 * count by processing time (when Streams sees the event) keeps them all but files them under the
 * wrong minute.
 */
final class ClocksExperiment implements Experiment.Trial {

    static final int EVENTS = 100;
    static final long SKEW_SECONDS = 30;
    static final Duration WINDOW = Duration.ofSeconds(10);
    private static final String TOPIC = "lab-clocks-events";

    @Override
    public LabResult run(LabRun run) throws Exception {
        try (EmbeddedKafkaCluster kafka = LabClients.oneBroker(new NewTopic(TOPIC, 1, (short) 1))) {
            String bootstrap = kafka.bootstrapServers();
            try (KafkaProducer<String, String> producer = LabClients.producer(bootstrap, Map.of(ProducerConfig.LINGER_MS_CONFIG, 0))) {
                for (int i = 0; i < EVENTS; i++) {
                    long now = System.currentTimeMillis();
                    // Each producer stamps its events with its own clock; the second one's is behind.
                    producer.send(new ProducerRecord<>(TOPIC, null, now, "on-time", "on-time-" + i));
                    producer.send(new ProducerRecord<>(TOPIC, null, now - SKEW_SECONDS * 1000, "skewed", "skewed-" + i));
                    Thread.sleep(20);
                }
                producer.flush();
            }
            run.say("%d events from a producer with a good clock and %d from one %d s behind, interleaved", EVENTS, EVENTS, SKEW_SECONDS);

            Map<String, Long> noGrace = count(run, bootstrap, "no-grace", TimeWindows.ofSizeWithNoGrace(WINDOW), false);
            Map<String, Long> withGrace = count(run, bootstrap, "grace", TimeWindows.ofSizeAndGrace(WINDOW, Duration.ofSeconds(2 * SKEW_SECONDS)), false);
            Map<String, Long> processing = count(run, bootstrap, "processing-time", TimeWindows.ofSizeWithNoGrace(WINDOW), true);
            run.say("three windowed counts of the same events: by event time without grace, with %d s of grace, by processing time", 2 * SKEW_SECONDS);

            long skewedNoGrace = noGrace.getOrDefault("skewed", 0L);
            long skewedGrace = withGrace.getOrDefault("skewed", 0L);
            long skewedProcessing = processing.getOrDefault("skewed", 0L);
            return LabResult.builder("clocks: " + EVENTS + " events from each of two producers, one clock " + SKEW_SECONDS
                            + " s behind; counts in " + WINDOW.toSeconds() + " s windows (Kafka Streams on a real broker)",
                            "count by", "on-time events counted", "skewed events counted", "skewed dropped as late")
                    .row("event time, no grace", Long.toString(noGrace.getOrDefault("on-time", 0L)), Long.toString(skewedNoGrace),
                            Long.toString(EVENTS - skewedNoGrace))
                    .row("event time, " + 2 * SKEW_SECONDS + " s grace", Long.toString(withGrace.getOrDefault("on-time", 0L)),
                            Long.toString(skewedGrace), Long.toString(EVENTS - skewedGrace))
                    .row("processing time", Long.toString(processing.getOrDefault("on-time", 0L)), Long.toString(skewedProcessing),
                            Long.toString(EVENTS - skewedProcessing))
                    .lesson("By event time, a window closes when the stream's time (the latest event seen) passes its end: the slow"
                            + " clock's events came %d s late and %d were dropped; a grace period longer than the skew kept them (%d).",
                            SKEW_SECONDS, EVENTS - skewedNoGrace, skewedGrace)
                    .lesson("By processing time nothing is late, but the count says when Streams saw an event, not when it happened:"
                            + " the skewed events fell %d s away from where their own clock put them. No clock is the truth; each choice"
                            + " trades lateness for accuracy.", SKEW_SECONDS)
                    .measure("skewedCountedNoGrace", skewedNoGrace).measure("skewedCountedGrace", skewedGrace)
                    .measure("skewedCountedProcessingTime", skewedProcessing).measure("events", EVENTS)
                    .build();
        }
    }

    /** Runs a windowed count of the events by producer until it has read them all; the counts per producer, summed over windows. */
    private static Map<String, Long> count(LabRun run, String bootstrap, String name, TimeWindows windows, boolean processingTime)
            throws Exception {
        Map<String, Long> latestPerWindow = new ConcurrentHashMap<>();
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "lab-clocks-" + name);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(StreamsConfig.STATE_DIR_CONFIG, run.directory().resolve("streams-" + name).toString());
        props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        StreamsBuilder builder = new StreamsBuilder();
        Consumed<String, String> consumed = Consumed.with(Serdes.String(), Serdes.String());
        if (processingTime) {
            consumed = consumed.withTimestampExtractor(new WallclockTimestampExtractor());
        }
        builder.stream(TOPIC, consumed).groupByKey().windowedBy(windows).count()
                .toStream().foreach((window, count) -> latestPerWindow.put(window.key() + "@" + window.window().start(), count));
        KafkaStreams streams = new KafkaStreams(builder.build(), props);
        try {
            streams.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            long stableSince = System.nanoTime();
            long last = -1;
            // Done when the counts have not changed for 2 s after something was counted.
            while (System.nanoTime() < deadline) {
                long total = latestPerWindow.values().stream().mapToLong(Long::longValue).sum();
                if (total != last) {
                    last = total;
                    stableSince = System.nanoTime();
                } else if (total > 0 && System.nanoTime() - stableSince > TimeUnit.SECONDS.toNanos(2)) {
                    break;
                }
                Thread.sleep(100);
            }
        } finally {
            streams.close(Duration.ofSeconds(10));
            streams.cleanUp();
        }
        Map<String, Long> perProducer = new ConcurrentHashMap<>();
        latestPerWindow.forEach((key, count) -> perProducer.merge(key.substring(0, key.indexOf('@')), count, Long::sum));
        return perProducer;
    }
}
