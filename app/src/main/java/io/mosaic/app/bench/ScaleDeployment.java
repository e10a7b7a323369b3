package io.mosaic.app.bench;

import io.mosaic.app.Pipeline;
import io.mosaic.app.chaos.ChildJvm;
import io.mosaic.platform.lifecycle.Poll;
import io.mosaic.producers.SummaryWatcher;
import io.mosaic.schemas.JobState;
import io.mosaic.schemas.JobSummary;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the scale lines run a job: the whole pipeline in this process, or the services as
 * processes of their own ({@code mosaic worker}, {@code aggregator}, {@code reports},
 * {@code jobs-api}, each with a fixed heap) around brokers in this one, as a deployment runs them.
 * Either way it says what each process used: CPU, peak resident memory, peak heap.
 */
abstract class ScaleDeployment implements AutoCloseable {

    /** What one process used: CPU seconds so far (or over a job, {@link #between}), peak RSS and heap since the last reset. */
    record Use(String name, double cpuSeconds, double peakRssMiB, double peakHeapMiB) {

        /** CPU over the job (from {@code before} to {@code completed}), memory peaks up to {@code reported}. */
        static List<Use> between(List<Use> before, List<Use> completed, List<Use> reported) {
            List<Use> job = new ArrayList<>();
            for (int i = 0; i < completed.size(); i++) {
                job.add(new Use(completed.get(i).name(), completed.get(i).cpuSeconds() - before.get(i).cpuSeconds(),
                        reported.get(i).peakRssMiB(), reported.get(i).peakHeapMiB()));
            }
            return job;
        }
    }

    private final Pipeline pipeline;

    ScaleDeployment(Pipeline pipeline) {
        this.pipeline = pipeline;
    }

    Pipeline pipeline() {
        return pipeline;
    }

    /** How the lines name this deployment: empty for the one process. */
    abstract String label();

    abstract void awaitCompleted(String jobId, Duration timeout, Consumer<JobSummary> progress) throws Exception;

    abstract Optional<Path> awaitReport(String jobId, Duration timeout) throws Exception;

    abstract void resetPeaks() throws IOException;

    abstract List<Use> use() throws IOException;

    @Override
    public void close() {
        pipeline.close();
    }

    /** Everything in this process. */
    static ScaleDeployment inProcess(Pipeline pipeline) {
        return new ScaleDeployment(pipeline) {
            @Override
            String label() {
                return "";
            }

            @Override
            void awaitCompleted(String jobId, Duration timeout, Consumer<JobSummary> progress) throws Exception {
                pipeline.awaitCompleted(jobId, timeout, Duration.ofMillis(20), progress);
            }

            @Override
            Optional<Path> awaitReport(String jobId, Duration timeout) throws Exception {
                return pipeline.awaitReport(jobId, timeout);
            }

            @Override
            void resetPeaks() {
                Self.resetPeaks();
            }

            @Override
            List<Use> use() {
                return List.of(Self.use("one process: brokers, services, workers"));
            }
        };
    }

    /**
     * The services as child JVMs with {@code heap} each (G1, the launcher's region size), the
     * brokers and the submitter in this one; the registry's process is left out (it is idle once
     * the schemas are registered).
     */
    static ScaleDeployment processes(Pipeline pipeline, Path work, Path images, int threads, String heap, int workers) throws Exception {
        Path reports = Files.createDirectories(work.resolve("process-reports"));
        String state = Files.createDirectories(work.resolve("process-state")).toString();
        List<String> connection = ChildJvm.connection(pipeline.config());
        List<String> jvm = List.of("-Xmx" + heap, "-XX:G1HeapRegionSize=8m");
        int aggregatorPort = freePort();
        Map<String, ChildJvm> children = new java.util.LinkedHashMap<>();
        Map<String, Integer> ports = new java.util.LinkedHashMap<>();
        for (int w = 1; w <= workers; w++) {
            ports.put(workers == 1 ? "worker" : "worker-" + w, freePort());
        }
        ports.put("aggregator", aggregatorPort);
        ports.put("reports", freePort());
        ports.put("jobs-api", freePort());
        for (Map.Entry<String, Integer> service : ports.entrySet()) {
            List<String> args = new ArrayList<>(connection);
            args.addAll(List.of("--http-port", Integer.toString(service.getValue()), "--set", "instance.id=scale-" + service.getKey()));
            String kind = service.getKey().startsWith("worker") ? "worker" : service.getKey();
            switch (kind) {
                case "worker" -> args.addAll(List.of("--threads", Integer.toString(threads), "--set", "source.file.allowed.roots=" + images));
                case "aggregator" -> args.addAll(List.of("--set", "state.dir=" + state));
                case "reports" -> args.addAll(List.of("--report-dir", reports.toString()));
                default -> args.addAll(List.of("--aggregator-urls", "http://127.0.0.1:" + aggregatorPort));
            }
            children.put(service.getKey(), new ChildJvm("scale-" + service.getKey(), kind, args, jvm,
                    work.resolve("scale-" + service.getKey() + ".log")));
        }
        try {
            for (ChildJvm child : children.values()) {
                child.start();
            }
            for (ChildJvm child : children.values()) {
                child.awaitRunning(Duration.ofSeconds(120));
            }
        } catch (Exception | Error e) {
            children.values().forEach(ChildJvm::destroy);
            throw e;
        }
        String label = String.format(java.util.Locale.ROOT, "%d broker%s, %d worker process%s", brokers(pipeline), brokers(pipeline) == 1 ? "" : "s",
                workers, workers == 1 ? "" : "es");
        return new Processes(pipeline, children, ports, reports, heap, label);
    }

    private static final class Processes extends ScaleDeployment {

        private final Map<String, ChildJvm> children;
        private final Map<String, Integer> ports;
        private final Path reports;
        private final String heap;
        private final String label;
        private final Map<String, Double> peakHeap = new ConcurrentHashMap<>();
        private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        private final Thread sampler;
        private volatile boolean running = true;

        Processes(Pipeline pipeline, Map<String, ChildJvm> children, Map<String, Integer> ports, Path reports, String heap, String label) {
            super(pipeline);
            this.label = label;
            this.children = children;
            this.ports = ports;
            this.reports = reports;
            this.heap = heap;
            this.sampler = new Thread(this::sample, "mosaic-bench-heap-sampler");
            sampler.setDaemon(true);
            sampler.start();
        }

        /** Every half second, each service's heap in use, from its /metrics: the highest seen is its peak. */
        private void sample() {
            Pattern heapLine = Pattern.compile("^jvm_memory_used_bytes\\{[^}]*area=\"heap\"[^}]*} ([0-9.eE+-]+)", Pattern.MULTILINE);
            while (running) {
                for (Map.Entry<String, Integer> service : ports.entrySet()) {
                    try {
                        String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.getValue() + "/metrics"))
                                .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString()).body();
                        Matcher m = heapLine.matcher(metrics);
                        double used = 0;
                        while (m.find()) {
                            used += Double.parseDouble(m.group(1));
                        }
                        double mib = used / (1024 * 1024);
                        peakHeap.merge(service.getKey(), mib, Math::max);
                    } catch (IOException e) {
                        // A busy or stopping service misses one sample.
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        @Override
        String label() {
            return label;
        }

        @Override
        void awaitCompleted(String jobId, Duration timeout, Consumer<JobSummary> progress) {
            JobSummary end = new SummaryWatcher(pipeline().config(), pipeline().topics()).awaitEnd(jobId, timeout, progress)
                    .orElseThrow(() -> new IllegalStateException("job " + jobId + " did not end within " + timeout.toMinutes() + " min"));
            if (end.getState() != JobState.COMPLETED) {
                throw new IllegalStateException("job " + jobId + " ended " + end.getState());
            }
        }

        @Override
        Optional<Path> awaitReport(String jobId, Duration timeout) throws InterruptedException {
            Path report = reports.resolve(jobId + ".json");
            return Poll.find(timeout, Duration.ofMillis(50), () -> Optional.of(report).filter(Files::exists));
        }

        @Override
        void resetPeaks() throws IOException {
            Self.resetPeaks();
            for (ChildJvm child : children.values()) {
                Files.writeString(Path.of("/proc/" + child.pid() + "/clear_refs"), "5");
            }
            peakHeap.clear();
        }

        @Override
        List<Use> use() throws IOException {
            List<Use> use = new ArrayList<>();
            use.add(Self.use("this process: brokers, submitter"));
            for (Map.Entry<String, ChildJvm> child : children.entrySet()) {
                long pid = child.getValue().pid();
                use.add(new Use(child.getKey() + " (-Xmx" + heap + ")", cpuSeconds(pid), peakRssMiB(Path.of("/proc/" + pid + "/status")),
                        peakHeap.getOrDefault(child.getKey(), Double.NaN)));
            }
            return use;
        }

        @Override
        public void close() {
            running = false;
            sampler.interrupt();
            children.values().forEach(ChildJvm::destroy);
            super.close();
        }

        /** User and system CPU of a process, from /proc/PID/stat (fields 14 and 15, in clock ticks of 1/100 s). */
        private static double cpuSeconds(long pid) throws IOException {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
        }
    }

    /** This process: CPU from the JVM, peak RSS from Linux, peak heap from the memory pools. */
    private static final class Self {

        static void resetPeaks() {
            try {
                Files.writeString(Path.of("/proc/self/clear_refs"), "5");
            } catch (IOException | UnsupportedOperationException e) {
                // Not Linux, or not allowed: the peak then covers the process's whole life.
            }
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                pool.resetPeakUsage();
            }
        }

        static Use use(String name) {
            long peak = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                    peak += pool.getPeakUsage().getUsed();
                }
            }
            double cpu = CpuBreakdown.processCpuNanos() / 1e9;
            return new Use(name, cpu, peakRssMiB(Path.of("/proc/self/status")), peak / (1024.0 * 1024));
        }
    }

    /** Linux's VmHWM of a process, in MiB; NaN where there is none. */
    static double peakRssMiB(Path status) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
                }
            }
        } catch (IOException e) {
            // Not Linux, or the process is gone.
        }
        return Double.NaN;
    }

    private static int brokers(Pipeline pipeline) {
        return pipeline.config().bootstrapServers().split(",").length;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
