package io.mosaic.platform.net;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A network of hosts on one machine that can be cut apart for real: each host is a Linux network
 * namespace with its own address, joined to the others by a veth pair on one bridge, and with an
 * nftables table of its own in which faults are rules. This JVM stays in the machine's own
 * namespace and reaches every host through the bridge, at {@link #outsideAddress()}.
 *
 * <p>A partition is a drop rule in the receiving host's {@code input} chain, so it is exactly as
 * one-sided as asked: {@link #drop(Host, Host)} loses what {@code from} sends to {@code to}, and
 * nothing else. A slow link is a tbf queue on both ends of the host's veth pair.
 *
 * <p>Needs root, {@code ip} (iproute2) and {@code nft} (nftables); {@link #unavailable()} says
 * why not. Names carry this JVM's pid ({@code mosaic-<pid>-<host>} namespaces, an
 * {@code mzb<pid>} bridge), so {@link #create()} first removes what a JVM no longer alive left
 * behind, after a kill -9. {@link #close()} removes everything, processes still inside included.
 *
 * <pre>{@code
 * try (IsolatedNetwork net = IsolatedNetwork.create()) {
 *     Host a = net.host("a"), b = net.host("b");
 *     net.cut(a, b);        // a and b no longer reach each other; both still reach this JVM
 *     net.healAll();
 * }
 * }</pre>
 */
public final class IsolatedNetwork implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(IsolatedNetwork.class);
    private static final String PREFIX = "mosaic-";
    private static final Pattern OWN_NAMESPACE = Pattern.compile("mosaic-(\\d+)-.+");
    private static final Pattern OWN_BRIDGE = Pattern.compile("mzb(\\d+)");
    private static final String TABLE = "mosaic";
    private static final int MAX_HOSTS = 200;
    private static final long COMMAND_TIMEOUT_SECONDS = 20;

    /**
     * One host of the network.
     *
     * @param name      what the caller called it, e.g. {@code broker-1}
     * @param namespace the network namespace it lives in
     * @param address   its IPv4 address on the bridge
     * @param link      the machine-side end of its veth pair
     */
    public record Host(String name, String namespace, String address, String link) {

        /** The command prefix that runs a program in this host: {@code ip netns exec <namespace>}. */
        public List<String> launcher() {
            return List.of("ip", "netns", "exec", namespace);
        }

        @Override
        public String toString() {
            return name + " (" + address + ")";
        }
    }

    private final long owner = ProcessHandle.current().pid();
    private final String bridge = "mzb" + owner;
    private final String subnet;
    private final Map<String, Host> hosts = new LinkedHashMap<>();
    private boolean closed;

    private IsolatedNetwork(String subnet) {
        this.subnet = subnet;
    }

    /** Why this machine cannot make isolated networks, or empty when it can. */
    public static Optional<String> unavailable() {
        if (!System.getProperty("os.name", "").toLowerCase().startsWith("linux")) {
            return Optional.of("network namespaces need Linux");
        }
        for (String tool : List.of("ip", "nft", "tc")) {
            if (!onPath(tool)) {
                return Optional.of("'" + tool + "' is not installed (" + (tool.equals("nft") ? "Debian package nftables" : "iproute2") + ")");
            }
        }
        try {
            String uid = run("id", "-u").trim();
            if (!uid.equals("0")) {
                return Optional.of("network namespaces need root (uid is " + uid + ")");
            }
        } catch (IOException e) {
            return Optional.of("cannot tell the user id: " + e.getMessage());
        }
        return Optional.empty();
    }

    /** A new, empty network on a /24 of 10.213.0.0/16 that no interface here uses yet. */
    public static IsolatedNetwork create() throws IOException {
        unavailable().ifPresent(reason -> {
            throw new IllegalStateException("cannot isolate hosts: " + reason);
        });
        removeLeftovers();
        String used = run("ip", "-4", "-o", "addr", "show");
        long pid = ProcessHandle.current().pid();
        for (int i = 0; i < 250; i++) {
            int third = (int) ((pid + i) % 250) + 1;
            String subnet = "10.213." + third;
            if (!used.contains(" " + subnet + ".")) {
                IsolatedNetwork network = new IsolatedNetwork(subnet);
                network.makeBridge();
                return network;
            }
        }
        throw new IOException("no free /24 left in 10.213.0.0/16");
    }

    private void makeBridge() throws IOException {
        if (linkExists(bridge)) {
            run("ip", "link", "del", bridge);
        }
        run("ip", "link", "add", bridge, "type", "bridge");
        run("ip", "addr", "add", outsideAddress() + "/24", "dev", bridge);
        run("ip", "link", "set", bridge, "up");
        log.info("Isolated network {}.0/24 on bridge {}", subnet, bridge);
    }

    /** This JVM's address on the bridge: where hosts reach a server that runs outside them. */
    public String outsideAddress() {
        return subnet + ".1";
    }

    /** Adds host {@code name}: a namespace, a veth pair on the bridge, an address and an empty nftables table. */
    public synchronized Host host(String name) throws IOException {
        if (closed) {
            throw new IllegalStateException("the network is closed");
        }
        if (!name.matches("[a-z0-9][a-z0-9-]{0,30}")) {
            throw new IllegalArgumentException("a host name is lower-case letters, digits and '-', got '" + name + "'");
        }
        if (hosts.containsKey(name)) {
            throw new IllegalArgumentException("host " + name + " exists already");
        }
        if (hosts.size() >= MAX_HOSTS) {
            throw new IllegalStateException("at most " + MAX_HOSTS + " hosts");
        }
        int index = hosts.size() + 1;
        Host host = new Host(name, PREFIX + owner + "-" + name, subnet + "." + (10 + index), "mzv" + owner + "n" + index);
        run("ip", "netns", "add", host.namespace());
        try {
            run("ip", "link", "add", host.link(), "type", "veth", "peer", "name", "eth0", "netns", host.namespace());
            run("ip", "link", "set", host.link(), "master", bridge, "up");
            inHost(host, "ip", "addr", "add", host.address() + "/24", "dev", "eth0");
            inHost(host, "ip", "link", "set", "eth0", "up");
            inHost(host, "ip", "link", "set", "lo", "up");
            inHost(host, "nft", "add", "table", "inet", TABLE);
            inHost(host, "nft", "add", "chain", "inet", TABLE, "input", "{ type filter hook input priority 0; policy accept; }");
        } catch (IOException e) {
            deleteNamespace(host.namespace());
            throw e;
        }
        hosts.put(name, host);
        return host;
    }

    public synchronized List<Host> hosts() {
        return List.copyOf(hosts.values());
    }

    /** Host {@code name}, which must exist. */
    public synchronized Host get(String name) {
        Host host = hosts.get(name);
        if (host == null) {
            throw new IllegalArgumentException("no host " + name + "; hosts are " + hosts.keySet());
        }
        return host;
    }

    /** What {@code from} sends to {@code to} is lost; the other way still works. */
    public void drop(Host from, Host to) throws IOException {
        drop(from.address(), to);
    }

    /** What {@code address} (a host's, or {@link #outsideAddress()}) sends to {@code to} is lost. */
    public void drop(String address, Host to) throws IOException {
        inHost(to, "nft", "add", "rule", "inet", TABLE, "input", "ip", "saddr", address, "drop");
    }

    /** {@code a} and {@code b} no longer reach each other, in either direction. */
    public void cut(Host a, Host b) throws IOException {
        drop(a, b);
        drop(b, a);
    }

    /** {@code host} is cut off from every other host and from this JVM; it still reaches itself. */
    public void isolate(Host host) throws IOException {
        inHost(host, "nft", "add", "rule", "inet", TABLE, "input", "iifname", "eth0", "drop");
    }

    /** Removes every drop rule of {@code host}: what others send reaches it again. */
    public void heal(Host host) throws IOException {
        inHost(host, "nft", "flush", "chain", "inet", TABLE, "input");
    }

    /** Heals every host and removes every rate limit. */
    public synchronized void healAll() throws IOException {
        for (Host host : hosts.values()) {
            heal(host);
            unlimit(host);
        }
    }

    /** Whether a TCP connection from this JVM, outside every host, to {@code address:port} opens within 2 s. */
    public static boolean connectsFromHere(String address, int port) {
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new java.net.InetSocketAddress(address, port), 2_000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether a TCP connection from inside {@code from} to {@code address:port} opens within 2 s. */
    public boolean connects(Host from, String address, int port) throws IOException {
        List<String> command = new ArrayList<>(from.launcher());
        command.addAll(List.of("timeout", "2", "bash", "-c", "exec 3<>/dev/tcp/" + address + "/" + port));
        Process probe = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            probe.getInputStream().readAllBytes();
            return probe.waitFor(10, TimeUnit.SECONDS) && probe.exitValue() == 0;
        } catch (InterruptedException e) {
            probe.destroyForcibly();
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The drop rules in {@code host}'s input chain, as nft lists them. */
    public String rules(Host host) throws IOException {
        return inHost(host, "nft", "list", "chain", "inet", TABLE, "input");
    }

    /**
     * Limits {@code host}'s link to {@code rate} (tc's notation, e.g. {@code 1mbit}) both ways:
     * a tbf queue on its side of the veth pair for what it sends, and on the machine's side for
     * what it receives.
     */
    public void limit(Host host, String rate) throws IOException {
        if (!rate.matches("\\d{1,9}(bit|kbit|mbit|gbit)")) {
            throw new IllegalArgumentException("a rate is a number and bit, kbit, mbit or gbit, got '" + rate + "'");
        }
        List<String> tbf = List.of("root", "tbf", "rate", rate, "burst", "32kbit", "latency", "400ms");
        List<String> inside = new ArrayList<>(List.of("tc", "qdisc", "replace", "dev", "eth0"));
        inside.addAll(tbf);
        inHost(host, inside.toArray(String[]::new));
        List<String> outside = new ArrayList<>(List.of("tc", "qdisc", "replace", "dev", host.link()));
        outside.addAll(tbf);
        run(outside.toArray(String[]::new));
    }

    /** Removes {@code host}'s rate limits, if any. */
    public void unlimit(Host host) throws IOException {
        String inside = inHost(host, "tc", "qdisc", "show", "dev", "eth0");
        if (inside.contains("tbf")) {
            inHost(host, "tc", "qdisc", "del", "dev", "eth0", "root");
        }
        if (run("tc", "qdisc", "show", "dev", host.link()).contains("tbf")) {
            run("tc", "qdisc", "del", "dev", host.link(), "root");
        }
    }

    /** Removes every host (ending any process still inside) and the bridge. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Host host : hosts.values()) {
            deleteNamespace(host.namespace());
        }
        hosts.clear();
        try {
            if (linkExists(bridge)) {
                run("ip", "link", "del", bridge);
            }
        } catch (IOException e) {
            log.warn("Cannot remove bridge {}: {}", bridge, e.getMessage());
        }
    }

    /**
     * Removes the namespaces and bridges of isolated networks whose JVM is no longer alive; returns
     * how many. Those of live JVMs, and anything not named by this class, are left alone.
     */
    public static int removeLeftovers() throws IOException {
        int removed = 0;
        for (String line : run("ip", "netns", "list").split("\n")) {
            String namespace = line.trim().split("\\s+")[0];
            Matcher m = OWN_NAMESPACE.matcher(namespace);
            if (m.matches() && !alive(Long.parseLong(m.group(1)))) {
                deleteNamespace(namespace);
                removed++;
            }
        }
        for (String line : run("ip", "-o", "link", "show", "type", "bridge").split("\n")) {
            String[] fields = line.split(":\\s+");
            if (fields.length < 2) {
                continue;
            }
            String name = fields[1].split("@")[0].trim();
            Matcher m = OWN_BRIDGE.matcher(name);
            if (m.matches() && !alive(Long.parseLong(m.group(1)))) {
                run("ip", "link", "del", name);
                removed++;
            }
        }
        if (removed > 0) {
            log.info("Removed {} namespace(s) and bridge(s) left by isolated networks of JVMs no longer running", removed);
        }
        return removed;
    }

    /** Namespaces of this network that exist on the machine now, for checks that cleaning up worked. */
    public static List<String> namespacesOf(long ownerPid) throws IOException {
        List<String> own = new ArrayList<>();
        for (String line : run("ip", "netns", "list").split("\n")) {
            String namespace = line.trim().split("\\s+")[0];
            if (namespace.startsWith(PREFIX + ownerPid + "-")) {
                own.add(namespace);
            }
        }
        return own;
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private static void deleteNamespace(String namespace) {
        try {
            // A process left inside keeps the namespace alive after its name is gone: end it first.
            for (String pid : run("ip", "netns", "pids", namespace).split("\\s+")) {
                if (!pid.isBlank()) {
                    ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
                }
            }
            run("ip", "netns", "del", namespace);
        } catch (IOException | RuntimeException e) {
            log.warn("Cannot remove network namespace {}: {}", namespace, e.getMessage());
        }
    }

    private static boolean linkExists(String name) throws IOException {
        return !run("ip", "-o", "link", "show").lines().filter(l -> l.matches("\\d+: " + Pattern.quote(name) + "[:@].*")).toList().isEmpty();
    }

    private static String inHost(Host host, String... command) throws IOException {
        List<String> full = new ArrayList<>(host.launcher());
        full.addAll(List.of(command));
        return run(full.toArray(String[]::new));
    }

    private static boolean onPath(String tool) {
        for (String dir : Objects.requireNonNullElse(System.getenv("PATH"), "").split(":")) {
            if (!dir.isEmpty() && java.nio.file.Files.isExecutable(java.nio.file.Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    /** Runs a command and returns its output; a non-zero exit is an IOException with what it printed. */
    static String run(String... command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish within " + COMMAND_TIMEOUT_SECONDS + " s");
            }
            if (process.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed (exit " + process.exitValue() + "): " + output.trim());
            }
            return output;
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException(String.join(" ", command) + " interrupted", e);
        }
    }
}
