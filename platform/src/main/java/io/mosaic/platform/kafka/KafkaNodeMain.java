package io.mosaic.platform.kafka;

import io.mosaic.platform.lifecycle.ParentWatchdog;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

/**
 * Entry point of a Kafka node in its own JVM: {@code KafkaNodeMain --parent-pid PID FILE} runs
 * the node configured in the properties file until SIGTERM, or until the parent process is gone,
 * so that killing the parent with SIGKILL does not leave brokers behind.
 */
public final class KafkaNodeMain {

    private KafkaNodeMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3 || !args[0].equals("--parent-pid")) {
            System.err.println("usage: KafkaNodeMain --parent-pid PID server.properties");
            System.exit(2);
        }
        long parentPid = Long.parseLong(args[1]);
        Map<String, String> properties = read(Path.of(args[2]));
        int nodeId = Integer.parseInt(properties.get("node.id"));
        InProcessKafkaNode node = new InProcessKafkaNode(nodeId, properties);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            node.stop();
            stopped.countDown();
        }, "kafka-node-shutdown"));
        // A broker's controlled shutdown waits for the controller, which may be gone with the
        // parent: halted if stopping cleanly takes longer than 20 s.
        ParentWatchdog.start(parentPid, "node " + nodeId, Duration.ofSeconds(20), 0);
        node.start();
        System.out.println("node " + nodeId + " started");
        stopped.await();
    }

    private static Map<String, String> read(Path file) throws IOException {
        Properties props = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            props.load(reader);
        }
        Map<String, String> map = new HashMap<>();
        props.stringPropertyNames().forEach(k -> map.put(k, props.getProperty(k)));
        return map;
    }
}
