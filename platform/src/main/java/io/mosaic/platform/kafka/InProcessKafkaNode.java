package io.mosaic.platform.kafka;

import java.util.Map;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A node running in this JVM. A new server object is built at each start, so it can restart. */
final class InProcessKafkaNode implements KafkaNode {

    private static final Logger log = LoggerFactory.getLogger(InProcessKafkaNode.class);
    /**
     * Nodes in one JVM share Kafka's global metrics registry: two built at the same moment race
     * to register the same JMX names and log InstanceAlreadyExistsException. Build one at a time;
     * the slow part, startup, still runs side by side.
     */
    private static final Object CONSTRUCTION = new Object();

    private final int nodeId;
    private final Map<String, String> properties;
    private volatile KafkaRaftServer server;

    InProcessKafkaNode(int nodeId, Map<String, String> properties) {
        this.nodeId = nodeId;
        this.properties = Map.copyOf(properties);
    }

    @Override
    public int nodeId() {
        return nodeId;
    }

    @Override
    public void start() {
        KafkaRaftServer s;
        synchronized (CONSTRUCTION) {
            s = new KafkaRaftServer(new KafkaConfig(properties, false), Time.SYSTEM);
        }
        server = s;
        s.startup();
    }

    @Override
    public void stop() {
        KafkaRaftServer s = server;
        server = null;
        if (s == null) {
            return;
        }
        try {
            s.shutdown();
            s.awaitShutdown();
        } catch (Throwable t) {
            log.warn("Shutting down Kafka node {} failed: {}", nodeId, t.toString());
        }
    }

    /** In one JVM there is no harder stop than a shutdown. */
    @Override
    public void kill() {
        stop();
    }

    @Override
    public boolean isAlive() {
        return server != null;
    }
}
