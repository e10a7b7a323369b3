package io.mosaic.platform.kafka;

import io.mosaic.platform.lifecycle.Poll;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Node;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starting and stopping several Kafka nodes side by side, and the free ports they listen on. */
final class KafkaNodes {

    private static final Logger log = LoggerFactory.getLogger(KafkaNodes.class);

    private KafkaNodes() {
    }

    /**
     * Returns once an Admin client at {@code bootstrapServers} sees every one of {@code brokers};
     * fails at once, naming its log, if a broker in a process of its own exits meanwhile.
     */
    static void awaitVisible(String bootstrapServers, List<KafkaNode> brokers, Duration timeout, IntFunction<Path> logOf) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            AtomicReference<Collection<Node>> nodes = new AtomicReference<>(List.of());
            boolean visible = Poll.within(timeout, Duration.ofMillis(100), () -> {
                try {
                    nodes.set(admin.describeCluster(new DescribeClusterOptions().timeoutMs(5_000)).nodes().get());
                } catch (ExecutionException notYet) {
                    // Child processes are still starting: nothing listens yet.
                }
                if (nodes.get().size() == brokers.size()) {
                    return true;
                }
                for (KafkaNode broker : brokers) {
                    if (broker.process().isPresent() && !broker.isAlive()) {
                        throw new IllegalStateException("Kafka broker " + broker.nodeId() + " exited during start-up; see "
                                + logOf.apply(broker.nodeId()));
                    }
                }
                return false;
            });
            if (!visible) {
                throw new IllegalStateException("the cluster shows " + nodes.get().size() + " of " + brokers.size() + " brokers after " + timeout);
            }
        }
    }

    /**
     * Starts the brokers side by side: in this JVM each startup blocks until the controller
     * unfences that broker, which takes a few heartbeats; a child process returns at once.
     */
    static void startAll(List<KafkaNode> brokers, Duration timeout) throws Exception {
        List<CompletableFuture<Void>> startups = new ArrayList<>();
        for (KafkaNode broker : brokers) {
            CompletableFuture<Void> startup = new CompletableFuture<>();
            Thread thread = new Thread(() -> {
                try {
                    broker.start();
                    startup.complete(null);
                } catch (Throwable t) {
                    startup.completeExceptionally(t);
                }
            }, "mosaic-kafka-broker-start-" + broker.nodeId());
            thread.setDaemon(true);
            thread.start();
            startups.add(startup);
        }
        try {
            CompletableFuture.allOf(startups.toArray(CompletableFuture[]::new))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a Kafka broker failed to start: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the Kafka brokers did not start within " + timeout, e);
        }
    }

    /** Shuts the nodes down side by side and waits for all of them; logs instead of throwing. */
    static void shutDownAll(List<KafkaNode> nodes, String role) {
        List<Thread> threads = new ArrayList<>();
        for (KafkaNode node : nodes) {
            Thread thread = new Thread(() -> {
                try {
                    node.stop();
                } catch (Throwable t) {
                    log.warn("Stopping Kafka {} {} failed: {}", role, node.nodeId(), t.toString());
                }
            }, "mosaic-kafka-" + role + "-stop-" + node.nodeId());
            thread.setDaemon(true);
            thread.start();
            threads.add(thread);
        }
        boolean interrupted = false;
        for (Thread thread : threads) {
            while (thread.isAlive()) {
                try {
                    thread.join();
                } catch (InterruptedException e) {
                    // Finish stopping: returning early would leave brokers running.
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Ports free on 127.0.0.1 now, all distinct; held open together so none is handed out twice. */
    static List<Integer> freePorts(int count) throws IOException {
        InetAddress loopback = InetAddress.getByName(KafkaNodeConfig.HOST);
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                sockets.add(new ServerSocket(0, 1, loopback));
            }
            return sockets.stream().map(ServerSocket::getLocalPort).toList();
        } finally {
            for (ServerSocket socket : sockets) {
                socket.close();
            }
        }
    }
}
