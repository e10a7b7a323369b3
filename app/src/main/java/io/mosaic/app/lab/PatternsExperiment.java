package io.mosaic.app.lab;

import com.sun.net.httpserver.HttpServer;
import io.github.resilience4j.bulkhead.ThreadPoolBulkhead;
import io.github.resilience4j.bulkhead.ThreadPoolBulkheadConfig;
import io.mosaic.app.Pipeline;
import io.mosaic.platform.config.KafkaSettings;
import io.mosaic.platform.config.MosaicConfig;
import io.mosaic.streams.JobAggregator;
import io.mosaic.streams.JobAggregatorTopology;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyQueryMetadata;

/**
 * Three patterns of distributed services, measured. Load balancing: a consumer group of three
 * members shares 12 partitions, and the records each member handles are counted, keys spread
 * evenly and then with one hot key. Service discovery: a new member is found through the group
 * coordinator (the Admin client's description of the group), and a job's summary through Kafka
 * Streams' interactive-query metadata, which names the aggregator instance that holds it. Bulkhead:
 * a slow source and a fast one served from one shared pool of threads, then from a pool each
 * (resilience4j's thread-pool bulkhead): how soon the fast source's requests are answered.
 */
final class PatternsExperiment implements Experiment.Trial {

    static final int MEMBERS = 3;
    static final int PARTITIONS = 12;
    static final int RECORDS = 12_000;
    static final double HOT_SHARE = 0.3;
    static final int THREADS = 8;
    static final int SLOW_REQUESTS = 16;
    static final int FAST_REQUESTS = 400;
    static final Duration SLOW = Duration.ofSeconds(1);
    private static final int DISCOVERY_JOBS = 12;
    private static final Duration WAIT = Duration.ofSeconds(60);

    /** Records each member of a group handled. */
    private record Shares(List<Integer> perMember) {
        double skew() {
            double mean = perMember.stream().mapToInt(Integer::intValue).average().orElse(0);
            return perMember.stream().mapToInt(Integer::intValue).max().orElse(0) / mean;
        }
    }

    /** Requests of the fast source: answered within the first second, and the time until all were. */
    private record Fast(int withinASecond, double allMillis) {
    }

    @Override
    public LabResult run(LabRun run) throws Exception {
        try (Pipeline pipeline = Pipeline.builder().brokers(1).services(false).images(run.directory())
                .reportDir(run.directory().resolve("reports")).workDir(run.directory().resolve("work")).instanceId("lab").start()) {
            String bootstrap = pipeline.config().bootstrapServers();
            run.say("1 broker and the schema registry are up; %d members share %d partitions", MEMBERS, PARTITIONS);
            Shares even = shares(bootstrap, "lab-patterns-even", run.random(), false);
            Shares hot = shares(bootstrap, "lab-patterns-hot", run.random(), true);
            double joinedMs = memberFound(bootstrap);
            run.say("two aggregator instances fold %d jobs; asking each job's holder from the metadata", DISCOVERY_JOBS);
            int[] routed = routedByMetadata(pipeline, run);
            run.say("a slow source and a fast one, %d threads shared, then a bulkhead each", THREADS);
            Fast shared = bulkhead(false);
            Fast bulkheads = bulkhead(true);
            return result(even, hot, joinedMs, routed, shared, bulkheads);
        }
    }

    /** {@link #RECORDS} records, evenly keyed or with one hot key, consumed by {@link #MEMBERS} members of one group. */
    private static Shares shares(String bootstrap, String topic, Random random, boolean hotKey) throws Exception {
        LabClients.createTopics(bootstrap, new NewTopic(topic, PARTITIONS, (short) 1));
        String group = topic + "-group";
        Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
        AtomicInteger total = new AtomicInteger();
        AtomicBoolean done = new AtomicBoolean();
        List<Thread> members = new ArrayList<>();
        for (int m = 0; m < MEMBERS; m++) {
            String name = "member-" + m;
            counts.put(name, new AtomicInteger());
            Thread member = new Thread(() -> consume(bootstrap, topic, group, name, counts.get(name), total, done), "lab-" + name);
            members.add(member);
            member.start();
        }
        try {
            // Every member owns its partitions before the first record, so none takes more for having come first.
            Waits.until(WAIT, () -> assigned(bootstrap, group) == MEMBERS, "the group to give each member partitions");
            try (KafkaProducer<String, String> producer = LabClients.producer(bootstrap, Map.of(ProducerConfig.LINGER_MS_CONFIG, 5))) {
                for (int i = 0; i < RECORDS; i++) {
                    String key = hotKey && random.nextDouble() < HOT_SHARE ? "hot" : "key-" + random.nextInt(1_000_000);
                    producer.send(new ProducerRecord<>(topic, key, "v"));
                }
            }
            Waits.until(WAIT, () -> total.get() >= RECORDS, "the group to consume every record");
        } finally {
            done.set(true);
            for (Thread member : members) {
                member.join();
            }
        }
        return new Shares(counts.values().stream().map(AtomicInteger::get).sorted((a, b) -> b - a).toList());
    }

    private static void consume(String bootstrap, String topic, String group, String name, AtomicInteger mine, AtomicInteger total,
                                AtomicBoolean done) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, group, ConsumerConfig.CLIENT_ID_CONFIG, name,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            while (!done.get()) {
                int n = consumer.poll(Duration.ofMillis(100)).count();
                mine.addAndGet(n);
                total.addAndGet(n);
            }
        }
    }

    /** Members of {@code group} that own at least one partition, as the group coordinator describes the group. */
    private static int assigned(String bootstrap, String group) {
        try (Admin admin = LabClients.admin(bootstrap)) {
            ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group)).all().get(10, TimeUnit.SECONDS).get(group);
            return (int) description.members().stream().filter(m -> !m.assignment().topicPartitions().isEmpty()).count();
        } catch (Exception e) {
            return 0;
        }
    }

    /** A member joining a group of {@link #MEMBERS}: how long until the coordinator lists it with partitions of its own. */
    private static double memberFound(String bootstrap) throws Exception {
        String topic = "lab-patterns-even";
        String group = topic + "-group";
        AtomicBoolean done = new AtomicBoolean();
        List<Thread> members = new ArrayList<>();
        for (int m = 0; m <= MEMBERS; m++) {
            String name = "member-" + m;
            Thread member = new Thread(() -> consume(bootstrap, topic, group, name, new AtomicInteger(), new AtomicInteger(), done), "lab-" + name);
            members.add(member);
            if (m < MEMBERS) {
                member.start();
            }
        }
        try {
            Waits.until(WAIT, () -> assigned(bootstrap, group) == MEMBERS, "the group of " + MEMBERS + " to settle");
            long started = System.nanoTime();
            members.get(MEMBERS).start();
            Waits.until(WAIT, () -> memberHolds(bootstrap, group, "member-" + MEMBERS), "the new member to be listed with partitions");
            return (System.nanoTime() - started) / 1e6;
        } finally {
            done.set(true);
            for (Thread member : members) {
                if (member.isAlive()) {
                    member.join();
                }
            }
        }
    }

    private static boolean memberHolds(String bootstrap, String group, String clientId) {
        try (Admin admin = LabClients.admin(bootstrap)) {
            List<MemberDescription> members = new ArrayList<>(admin.describeConsumerGroups(List.of(group)).all().get(10, TimeUnit.SECONDS)
                    .get(group).members());
            return members.stream().anyMatch(m -> m.clientId().equals(clientId) && !m.assignment().topicPartitions().isEmpty());
        } catch (Exception e) {
            return false;
        }
    }

    /**
     * Two aggregator instances, each advertising where it serves queries; for every job, the
     * instance that the metadata names is asked whether it holds the job. Returns {routed right, jobs}.
     */
    private static int[] routedByMetadata(Pipeline pipeline, LabRun run) throws Exception {
        MosaicConfig config = pipeline.config().with(KafkaSettings.GROUP_PREFIX, "lab-patterns");
        List<String> jobs = LabAggregators.publishResults(pipeline, "discover", DISCOVERY_JOBS, 50);
        // Addresses only: the metadata names them; nothing needs to listen there for this.
        Map<Integer, JobAggregator> byPort = Map.of(
                7101, LabAggregators.aggregator(config, pipeline.topics(), "a1", run.directory(), "http://127.0.0.1:7101"),
                7102, LabAggregators.aggregator(config, pipeline.topics(), "a2", run.directory(), "http://127.0.0.1:7102"));
        try {
            for (JobAggregator aggregator : byPort.values()) {
                aggregator.start();
            }
            Waits.until(WAIT, () -> byPort.values().stream().mapToLong(a -> LabAggregators.answering(a, jobs, 50)).sum() == jobs.size(),
                    "the two instances to fold every job");
            JobAggregator asked = byPort.get(7101);
            int routed = 0;
            for (String job : jobs) {
                KeyQueryMetadata metadata = asked.kafkaStreams().queryMetadataForKey(JobAggregatorTopology.JOB_SUMMARIES_STORE, job,
                        new StringSerializer());
                JobAggregator holder = byPort.get(metadata.activeHost().port());
                if (holder != null && holder.localSummary(job).isPresent()) {
                    routed++;
                }
            }
            return new int[] {routed, jobs.size()};
        } finally {
            for (JobAggregator aggregator : byPort.values()) {
                aggregator.stop();
            }
        }
    }

    /**
     * {@link #SLOW_REQUESTS} requests to a slow source, then {@link #FAST_REQUESTS} to a fast one,
     * on {@link #THREADS} threads: shared, or split half and half between two bulkheads.
     */
    private static Fast bulkhead(boolean split) throws Exception {
        ExecutorService serverThreads = Executors.newCachedThreadPool();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
        server.setExecutor(serverThreads);
        server.createContext("/slow", exchange -> {
            sleep(SLOW);
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.createContext("/fast", exchange -> {
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
        HttpClient http = HttpClient.newHttpClient();
        int port = server.getAddress().getPort();
        ExecutorService shared = Executors.newFixedThreadPool(THREADS);
        ThreadPoolBulkhead slowHead = bulkhead("slow-source");
        ThreadPoolBulkhead fastHead = bulkhead("fast-source");
        try {
            Function<String, Supplier<Void>> call = path -> () -> get(http, port, path);
            long started = System.nanoTime();
            List<CompletableFuture<Void>> slow = new ArrayList<>();
            for (int i = 0; i < SLOW_REQUESTS; i++) {
                slow.add(split ? slowHead.executeSupplier(call.apply("/slow")).toCompletableFuture()
                        : CompletableFuture.supplyAsync(call.apply("/slow"), shared));
            }
            AtomicInteger withinASecond = new AtomicInteger();
            List<CompletableFuture<Void>> fast = new ArrayList<>();
            for (int i = 0; i < FAST_REQUESTS; i++) {
                CompletableFuture<Void> request = split ? fastHead.executeSupplier(call.apply("/fast")).toCompletableFuture()
                        : CompletableFuture.supplyAsync(call.apply("/fast"), shared);
                fast.add(request.thenRun(() -> {
                    if (System.nanoTime() - started < Duration.ofSeconds(1).toNanos()) {
                        withinASecond.incrementAndGet();
                    }
                }));
            }
            CompletableFuture.allOf(fast.toArray(CompletableFuture[]::new)).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            double allMillis = (System.nanoTime() - started) / 1e6;
            CompletableFuture.allOf(slow.toArray(CompletableFuture[]::new)).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            return new Fast(withinASecond.get(), allMillis);
        } finally {
            shared.shutdownNow();
            slowHead.close();
            fastHead.close();
            server.stop(0);
            serverThreads.shutdownNow();
        }
    }

    /** Half the threads, and room to queue every request. */
    private static ThreadPoolBulkhead bulkhead(String name) {
        return ThreadPoolBulkhead.of(name, ThreadPoolBulkheadConfig.custom().coreThreadPoolSize(THREADS / 2).maxThreadPoolSize(THREADS / 2)
                .queueCapacity(SLOW_REQUESTS + FAST_REQUESTS).build());
    }

    private static Void get(HttpClient http, int port, String path) {
        try {
            http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.discarding());
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static LabResult result(Shares even, Shares hot, double joinedMs, int[] routed, Fast shared, Fast bulkheads) {
        return LabResult.builder("patterns: load balancing, service discovery, bulkheads", "pattern", "case", "measured")
                .row("load balancing", "keys spread evenly", "records per member " + even.perMember() + ", busiest / mean "
                        + LabResult.decimal(even.skew()))
                .row("", "one key " + LabResult.percent(HOT_SHARE) + " of the records", "records per member " + hot.perMember()
                        + ", busiest / mean " + LabResult.decimal(hot.skew()))
                .row("service discovery", "group coordinator", "a new member listed with partitions of its own after "
                        + String.format(Locale.ROOT, "%.1f s", joinedMs / 1000))
                .row("", "interactive-query metadata", "found " + routed[0] + " of " + routed[1] + " jobs on the instance the metadata named")
                .row("bulkhead", "one pool of " + THREADS + " threads", fastLine(shared))
                .row("", "a bulkhead of " + THREADS / 2 + " threads per source", fastLine(bulkheads))
                .lesson("A group balances partitions, not records: with keys spread evenly each member handled about a third; one hot"
                        + " key lives in one partition, so its member handled %s times the mean, and adding members cannot help it.",
                        LabResult.decimal(hot.skew()))
                .lesson("No registry was needed to find anyone: the group coordinator knows every member and what it owns, and a Kafka"
                        + " Streams instance knows from the metadata which instance holds a key, which is how the jobs API routes a query.")
                .lesson("Sharing one pool, %d slow requests took every thread and the fast source waited behind them (%d of %d answered"
                        + " in the first second); with a bulkhead per source it kept its own threads (%d in the first second).",
                        SLOW_REQUESTS, shared.withinASecond(), FAST_REQUESTS, bulkheads.withinASecond())
                .measure("evenSkew", even.skew())
                .measure("hotSkew", hot.skew())
                .measure("memberFoundMs", joinedMs)
                .measure("routed", routed[0])
                .measure("jobs", routed[1])
                .measure("fastWithinASecondShared", shared.withinASecond())
                .measure("fastWithinASecondBulkhead", bulkheads.withinASecond())
                .build();
    }

    private static String fastLine(Fast fast) {
        return String.format(Locale.ROOT, "fast source: %d of %d answered in the first second, all after %.1f s", fast.withinASecond(),
                FAST_REQUESTS, fast.allMillis() / 1000);
    }
}
