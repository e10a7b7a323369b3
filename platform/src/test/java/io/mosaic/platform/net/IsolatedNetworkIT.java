package io.mosaic.platform.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.mosaic.platform.lifecycle.ChildProcesses;
import io.mosaic.platform.net.IsolatedNetwork.Host;
import io.mosaic.platform.testing.Partitions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Real partitions between real namespaces: a server in one host, clients in another and in this
 * JVM, and what each rule lets through, checked by connecting. Skipped, with the reason, where the
 * machine cannot make namespaces (not root, no nft).
 */
class IsolatedNetworkIT {

    private static final int PORT = 9000;
    private final List<Process> processes = new ArrayList<>();

    @BeforeAll
    static void machineAllowsIt() {
        Partitions.assumeAvailable("IsolatedNetworkIT");
    }

    @AfterEach
    void endProcesses() {
        processes.forEach(p -> ChildProcesses.end(p, java.time.Duration.ofSeconds(5), "test process"));
    }

    @Test
    void rulesCutExactlyTheTrafficTheyNameAndHealingRestoresIt() throws Exception {
        long owner = ProcessHandle.current().pid();
        try (IsolatedNetwork network = IsolatedNetwork.create()) {
            Host server = network.host("server");
            Host client = network.host("client");
            serve(server);
            assertThat(IsolatedNetwork.namespacesOf(owner)).containsExactlyInAnyOrder(server.namespace(), client.namespace());

            assertThat(IsolatedNetwork.connectsFromHere(server.address(), PORT)).as("this JVM to the server").isTrue();
            assertThat(network.connects(client, server.address(), PORT)).as("client to server").isTrue();

            network.drop(client, server);
            assertThat(network.rules(server)).contains("ip saddr " + client.address() + " drop");
            assertThat(network.connects(client, server.address(), PORT)).as("client to server, dropped").isFalse();
            assertThat(IsolatedNetwork.connectsFromHere(server.address(), PORT)).as("this JVM to the server, not named by the rule").isTrue();

            network.heal(server);
            assertThat(network.connects(client, server.address(), PORT)).as("client to server, healed").isTrue();

            network.isolate(server);
            assertThat(network.connects(client, server.address(), PORT)).as("client to an isolated server").isFalse();
            assertThat(IsolatedNetwork.connectsFromHere(server.address(), PORT)).as("this JVM to an isolated server").isFalse();
            network.healAll();
            assertThat(IsolatedNetwork.connectsFromHere(server.address(), PORT)).as("this JVM to the server, healed").isTrue();

            network.limit(server, "1mbit");
            assertThat(IsolatedNetwork.run("tc", "qdisc", "show", "dev", server.link())).contains("tbf", "rate 1Mbit");
            network.unlimit(server);
            assertThat(IsolatedNetwork.run("tc", "qdisc", "show", "dev", server.link())).doesNotContain("tbf");
        }
        assertThat(IsolatedNetwork.namespacesOf(owner)).as("namespaces after close").isEmpty();
        assertThat(IsolatedNetwork.run("ip", "-o", "link", "show")).doesNotContain("mzb" + owner + ":");
    }

    @Test
    void whatAKilledOwnerLeftIsRemovedByTheNextStart() throws Exception {
        Process owner = new ProcessBuilder(ChildProcesses.javaExecutable(), "-cp", System.getProperty("java.class.path"),
                NetworkOwnerMain.class.getName()).redirectErrorStream(true).start();
        processes.add(owner);
        BufferedReader out = new BufferedReader(new InputStreamReader(owner.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null && !line.equals("ready")) {
            // start-up output
        }
        assertThat(line).as("the owner made its network").isEqualTo("ready");
        assertThat(IsolatedNetwork.namespacesOf(owner.pid())).hasSize(1);

        owner.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        assertThat(IsolatedNetwork.namespacesOf(owner.pid())).as("kill -9 leaves the namespace behind").hasSize(1);

        try (IsolatedNetwork next = IsolatedNetwork.create()) {
            assertThat(IsolatedNetwork.namespacesOf(owner.pid())).as("after the next start").isEmpty();
            assertThat(IsolatedNetwork.run("ip", "-o", "link", "show")).doesNotContain("mzb" + owner.pid() + ":");
        }
    }

    private void serve(Host host) throws IOException {
        List<String> command = new ArrayList<>(host.launcher());
        command.addAll(List.of(ChildProcesses.javaExecutable(), "-cp", System.getProperty("java.class.path"),
                AcceptorMain.class.getName(), host.address(), Integer.toString(PORT)));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        processes.add(process);
        String first = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)).readLine();
        assertThat(first).as("the server in " + host).isEqualTo("listening");
    }
}
