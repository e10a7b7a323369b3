package io.mosaic.app.lab;

import static io.mosaic.app.lab.LabResult.decimal;

import com.sun.net.httpserver.HttpServer;
import io.mosaic.platform.kafka.EmbeddedKafkaCluster;
import io.mosaic.platform.lifecycle.Poll;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Three ways for a sender to hand work to receivers, each with the receiver taking 1 ms per
 * message: a synchronous HTTP call (the sender waits for the answer), an asynchronous queue (a
 * Kafka topic read by one consumer group: the sender waits only for the broker) and pub-sub (the
 * same topic read by three groups, each getting every message). Each sends {@value #MESSAGES}
 * messages with its receivers up, then {@value #WHILE_DOWN} more with them down, then starts them
 * again; counted: the sender's rate, the time from sending to handling, what the sender saw
 * while the receivers were down, and what was handled in the end.
 */
final class CommunicationExperiment implements Experiment.Trial {

    static final int MESSAGES = 400;
    static final int WHILE_DOWN = 100;
    static final int GROUPS = 3;
    static final Duration WORK = Duration.ofMillis(1);

    private record Outcome(double sendRate, double medianLatencyMs, int senderErrors, int handled, int expected) {
    }

    @Override
    public LabResult run(LabRun run) throws Exception {
        Outcome sync = requestResponse();
        run.say("request-response: %s sends/s, %d sender errors while the receiver was down", decimal(sync.sendRate()), sync.senderErrors());
        Outcome queue;
        Outcome pubSub;
        try (EmbeddedKafkaCluster kafka = LabClients.oneBroker()) {
            queue = viaTopic(kafka.bootstrapServers(), "lab-queue", 1);
            run.say("queue: %s sends/s, %d handled of %d", decimal(queue.sendRate()), queue.handled(), queue.expected());
            pubSub = viaTopic(kafka.bootstrapServers(), "lab-pubsub", GROUPS);
            run.say("pub-sub: %s sends/s, %d handled of %d", decimal(pubSub.sendRate()), pubSub.handled(), pubSub.expected());
        }
        int total = MESSAGES + WHILE_DOWN;
        return LabResult.builder("communication: " + total + " messages each, " + WHILE_DOWN + " of them sent while the receivers were down;"
                        + " a receiver spends " + WORK.toMillis() + " ms per message", "style", "sender rate", "send to handled, median",
                        "sender errors, receivers down", "handled / expected")
                .row("request-response (HTTP)", decimal(sync.sendRate()) + "/s", decimal(sync.medianLatencyMs()) + " ms",
                        Integer.toString(sync.senderErrors()), sync.handled() + " / " + sync.expected())
                .row("queue (a topic, 1 group)", decimal(queue.sendRate()) + "/s", decimal(queue.medianLatencyMs()) + " ms",
                        Integer.toString(queue.senderErrors()), queue.handled() + " / " + queue.expected())
                .row("pub-sub (a topic, " + GROUPS + " groups)", decimal(pubSub.sendRate()) + "/s", decimal(pubSub.medianLatencyMs()) + " ms",
                        Integer.toString(pubSub.senderErrors()), pubSub.handled() + " / " + pubSub.expected())
                .lesson("The synchronous sender went as fast as its receiver and no faster (%s/s), and with the receiver down it failed"
                        + " %d times: those messages are gone unless the sender keeps and retries them.", decimal(sync.sendRate()),
                        sync.senderErrors())
                .lesson("Through a topic the sender only waits for the broker (%s/s), the receivers may be down (no sender error) and catch"
                        + " up later; pub-sub hands every message to each of %d groups. The price: a longer way from send to handled.",
                        decimal(queue.sendRate()), GROUPS)
                .measure("syncRate", sync.sendRate()).measure("queueRate", queue.sendRate()).measure("pubSubRate", pubSub.sendRate())
                .measure("syncErrors", sync.senderErrors()).measure("queueErrors", queue.senderErrors())
                .measure("syncHandled", sync.handled()).measure("queueHandled", queue.handled()).measure("pubSubHandled", pubSub.handled())
                .measure("expectedPerGroup", total)
                .build();
    }

    private static Outcome requestResponse() throws Exception {
        Set<String> handled = ConcurrentHashMap.newKeySet();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        List<Double> latencies = new ArrayList<>();
        HttpServer receiver = startReceiver(0, handled);
        int port = receiver.getAddress().getPort();
        long started = System.nanoTime();
        for (int i = 0; i < MESSAGES; i++) {
            long sent = System.nanoTime();
            send(http, port, "m-" + i);
            latencies.add((System.nanoTime() - sent) / 1e6);
        }
        double rate = MESSAGES / ((System.nanoTime() - started) / 1e9);
        receiver.stop(0);
        int errors = 0;
        for (int i = MESSAGES; i < MESSAGES + WHILE_DOWN; i++) {
            try {
                send(http, port, "m-" + i);
            } catch (IOException e) {
                errors++;
            }
        }
        HttpServer again = startReceiver(port, handled);
        again.stop(0);
        return new Outcome(rate, median(latencies), errors, handled.size(), MESSAGES + WHILE_DOWN);
    }

    private static HttpServer startReceiver(int port, Set<String> handled) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
        server.createContext("/", exchange -> {
            String message = exchange.getRequestURI().getPath().substring(1);
            sleep(WORK);
            handled.add(message);
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
        return server;
    }

    private static void send(HttpClient http, int port, String message) throws IOException, InterruptedException {
        HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/" + message))
                .timeout(Duration.ofSeconds(2)).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() != 204) {
            throw new IOException("HTTP " + response.statusCode());
        }
    }

    private static Outcome viaTopic(String bootstrap, String topic, int groups) throws Exception {
        LabClients.createTopics(bootstrap, new NewTopic(topic, 1, (short) 1));
        Map<String, Set<String>> handled = new ConcurrentHashMap<>();
        List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
        Set<String> joined = ConcurrentHashMap.newKeySet();
        AtomicBoolean up = new AtomicBoolean(true);
        List<Thread> receivers = startConsumers(bootstrap, topic, groups, handled, joined, latencies, up);
        AtomicInteger errors = new AtomicInteger();
        double rate;
        try (KafkaProducer<String, String> producer = LabClients.producer(bootstrap, Map.of(ProducerConfig.LINGER_MS_CONFIG, 0))) {
            // The receivers are in their groups before the first message, as running services are.
            awaitJoined(joined, groups);
            long started = System.nanoTime();
            // Sent as an asynchronous sender sends: without waiting for each one; flush waits for the broker's acks.
            for (int i = 0; i < MESSAGES; i++) {
                producer.send(new ProducerRecord<>(topic, "m-" + i), (metadata, error) -> countError(error, errors));
            }
            producer.flush();
            rate = MESSAGES / ((System.nanoTime() - started) / 1e9);
            stop(receivers, up);
            for (int i = MESSAGES; i < MESSAGES + WHILE_DOWN; i++) {
                producer.send(new ProducerRecord<>(topic, "m-" + i), (metadata, error) -> countError(error, errors));
            }
            producer.flush();
        }
        up.set(true);
        receivers = startConsumers(bootstrap, topic, groups, handled, joined, latencies, up);
        int expected = (MESSAGES + WHILE_DOWN) * groups;
        Poll.within(Duration.ofSeconds(30), Duration.ofMillis(100), () -> handledCount(handled) >= expected);
        stop(receivers, up);
        List<Double> upLatencies;
        synchronized (latencies) {
            upLatencies = new ArrayList<>(latencies.subList(0, Math.min(latencies.size(), MESSAGES * groups)));
        }
        return new Outcome(rate, median(upLatencies), errors.get(), handledCount(handled), expected);
    }

    private static void countError(Exception error, AtomicInteger errors) {
        if (error != null) {
            errors.incrementAndGet();
        }
    }

    private static List<Thread> startConsumers(String bootstrap, String topic, int groups, Map<String, Set<String>> handled,
                                               Set<String> joined, List<Double> latencies, AtomicBoolean up) {
        List<Thread> threads = new ArrayList<>();
        for (int g = 0; g < groups; g++) {
            String group = topic + "-group-" + g;
            handled.putIfAbsent(group, ConcurrentHashMap.newKeySet());
            Thread thread = new Thread(() -> {
                Map<String, Object> props = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ConsumerConfig.GROUP_ID_CONFIG, group,
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
                try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
                    consumer.subscribe(List.of(topic));
                    while (up.get()) {
                        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(50))) {
                            sleep(WORK);
                            if (handled.get(group).add(record.value())) {
                                latencies.add((double) (System.currentTimeMillis() - record.timestamp()));
                            }
                        }
                        if (!consumer.assignment().isEmpty()) {
                            joined.add(group);
                        }
                        consumer.commitSync();
                    }
                }
            }, "lab-" + group);
            thread.start();
            threads.add(thread);
        }
        return threads;
    }

    private static void awaitJoined(Set<String> joined, int groups) throws InterruptedException {
        Waits.until(Duration.ofSeconds(30), () -> joined.size() >= groups, "the receivers to join their groups");
    }

    private static int handledCount(Map<String, Set<String>> handled) {
        return handled.values().stream().mapToInt(Set::size).sum();
    }

    private static void stop(List<Thread> threads, AtomicBoolean up) throws InterruptedException {
        up.set(false);
        for (Thread thread : threads) {
            thread.join(10_000);
        }
    }

    private static double median(List<Double> values) {
        if (values.isEmpty()) {
            return 0;
        }
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
