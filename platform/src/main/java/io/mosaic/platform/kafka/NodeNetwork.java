package io.mosaic.platform.kafka;

import io.mosaic.platform.net.IsolatedNetwork;
import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the nodes of an {@link EmbeddedKafkaCluster} listen: all on loopback, each on a free port;
 * or, isolated, each in a host of its own on an {@link IsolatedNetwork}, on the usual ports.
 */
final class NodeNetwork implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(NodeNetwork.class);

    private final IsolatedNetwork network;
    private final boolean ownsNetwork;
    private final Map<Integer, IsolatedNetwork.Host> hosts = new HashMap<>();
    private final Map<Integer, Integer> ports = new HashMap<>();

    private NodeNetwork(IsolatedNetwork network, boolean ownsNetwork) {
        this.network = network;
        this.ownsNetwork = ownsNetwork;
    }

    /**
     * The controller and {@code brokerIds}: isolated in hosts {@code controller} and
     * {@code broker-<id>} of {@code shared}, or of a network of their own when it is null; or on loopback.
     */
    static NodeNetwork of(boolean isolated, IsolatedNetwork shared, int controllerId, List<Integer> brokerIds) throws IOException {
        Map<Integer, String> names = new LinkedHashMap<>();
        names.put(controllerId, "controller");
        brokerIds.forEach(id -> names.put(id, "broker-" + id));
        if (!isolated) {
            return loopback(List.copyOf(names.keySet()));
        }
        return isolated(shared != null ? new NodeNetwork(shared, false) : new NodeNetwork(IsolatedNetwork.create(), true), names, controllerId);
    }

    /** Every node on 127.0.0.1, each on a port free now. */
    private static NodeNetwork loopback(List<Integer> nodeIds) throws IOException {
        NodeNetwork nodes = new NodeNetwork(null, false);
        List<Integer> free = KafkaNodes.freePorts(nodeIds.size());
        for (int i = 0; i < nodeIds.size(); i++) {
            nodes.ports.put(nodeIds.get(i), free.get(i));
        }
        return nodes;
    }

    /** Every node in a host of its own named by {@code names}: node id to host name. */
    private static NodeNetwork isolated(NodeNetwork nodes, Map<Integer, String> names, int controllerId) throws IOException {
        try {
            for (Map.Entry<Integer, String> node : names.entrySet()) {
                nodes.hosts.put(node.getKey(), nodes.network.host(node.getValue()));
                nodes.ports.put(node.getKey(), node.getKey() == controllerId
                        ? EmbeddedKafkaCluster.ISOLATED_CONTROLLER_PORT : EmbeddedKafkaCluster.ISOLATED_BROKER_PORT);
            }
        } catch (IOException | RuntimeException e) {
            nodes.close();
            throw e;
        }
        return nodes;
    }

    String address(int nodeId) {
        IsolatedNetwork.Host host = hosts.get(nodeId);
        return host == null ? KafkaNodeConfig.HOST : host.address();
    }

    int port(int nodeId) {
        return ports.get(nodeId);
    }

    /** What goes before a node's java command: {@code ip netns exec <namespace>} when isolated. */
    List<String> launcher(int nodeId) {
        IsolatedNetwork.Host host = hosts.get(nodeId);
        return host == null ? List.of() : host.launcher();
    }

    Optional<IsolatedNetwork> network() {
        return Optional.ofNullable(network);
    }

    IsolatedNetwork.Host host(int nodeId) {
        IsolatedNetwork.Host host = hosts.get(nodeId);
        if (host == null) {
            throw new IllegalStateException("node " + nodeId + " is not on an isolated network");
        }
        return host;
    }

    /** Removes every partition and rate limit: a node cut off from the controller cannot shut down cleanly. */
    void healAll() {
        if (network != null) {
            try {
                network.healAll();
            } catch (IOException e) {
                log.warn("Cannot heal the cluster's network: {}", e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        if (network != null && ownsNetwork) {
            network.close();
        }
    }
}
