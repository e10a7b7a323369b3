package io.mosaic.dashboard.alert;

import static io.mosaic.dashboard.alert.AlertPolicyTest.group;
import static io.mosaic.dashboard.alert.AlertPolicyTest.report;
import static io.mosaic.dashboard.alert.AlertPolicyTest.stall;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.mosaic.dashboard.lag.Status;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WebhookNotifierTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private HttpServer receiver;
    private final List<JsonNode> received = new CopyOnWriteArrayList<>();
    private final List<String> contentTypes = new CopyOnWriteArrayList<>();
    private final AtomicInteger failing = new AtomicInteger();

    @BeforeEach
    void startReceiver() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 10);
        receiver.createContext("/hook", exchange -> {
            received.add(JSON.readTree(exchange.getRequestBody()));
            contentTypes.add(exchange.getRequestHeaders().getFirst("Content-Type"));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.createContext("/broken", exchange -> {
            failing.incrementAndGet();
            exchange.sendResponseHeaders(500, -1);
            exchange.close();
        });
        receiver.start();
    }

    @AfterEach
    void stopReceiver() {
        receiver.stop(0);
    }

    @Test
    void postsAJobsStallAndItsEndWithTheJobInsteadOfAGroup() throws IOException {
        try (WebhookNotifier notifier = new WebhookNotifier(new AlertPolicy(Duration.ofSeconds(10), Duration.ofMinutes(5)),
                List.of(url("/hook")), "test-cluster", "http://127.0.0.1:8080", Duration.ofSeconds(2))) {
            notifier.jobs(List.of(stall("job-7", false, 1_000, 76_000)));
            notifier.jobs(List.of(stall("job-7", true, 1_000, 90_000)));
            await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 2);
        }
        JsonNode firing = received.get(0);
        assertThat(firing.get("event").asText()).isEqualTo("FIRING");
        assertThat(firing.get("job").asText()).isEqualTo("job-7");
        assertThat(firing.has("group")).isFalse();
        assertThat(firing.get("status").asText()).isEqualTo("STALLED");
        assertThat(firing.get("durationSeconds").asDouble()).isEqualTo(75.0);
        assertThat(firing.get("done").asInt()).isEqualTo(3);
        assertThat(firing.get("taskCount").asInt()).isEqualTo(10);
        assertThat(firing.get("text").asText()).isEqualTo("[test-cluster] job job-7 is STALLED: no result for 75 s, 3 of 10 tasks done,"
                + " 2 at the workers, 0 held back");
        JsonNode resolved = received.get(1);
        assertThat(resolved.get("event").asText()).isEqualTo("RESOLVED");
        assertThat(resolved.get("status").asText()).isEqualTo("RUNNING");
        assertThat(resolved.get("text").asText()).contains("job job-7 is no longer stalled (RUNNING) after 89 s without a result");
    }

    @Test
    void manyJobsStallingAtOneLookArePostedAsOneDigestAndAFewAsTheirOwn() throws IOException {
        List<String> ids = IntStream.range(0, 7).mapToObj(i -> "job-" + i).toList();
        try (WebhookNotifier notifier = new WebhookNotifier(new AlertPolicy(Duration.ofSeconds(10), Duration.ofMinutes(5)),
                List.of(url("/hook")), "test-cluster", "http://127.0.0.1:8080", Duration.ofSeconds(2))) {
            // Every worker gone: seven jobs stall at one look, three more at the next.
            notifier.jobs(ids.stream().map(id -> stall(id, false, 1_000, 76_000 + id.length())).toList());
            notifier.jobs(List.of(stall("a", false, 2_000, 78_000), stall("b", false, 2_000, 78_000), stall("c", false, 2_000, 78_000)));
            // The workers back: the seven move again at one look.
            notifier.jobs(ids.stream().map(id -> stall(id, true, 1_000, 90_000)).toList());
            await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 5);
        }
        JsonNode firing = received.get(0);
        assertThat(firing.get("event").asText()).isEqualTo("FIRING");
        assertThat(firing.get("count").asInt()).isEqualTo(7);
        assertThat(firing.get("jobs")).extracting(job -> job.get("job").asText()).containsExactlyElementsOf(ids);
        assertThat(firing.get("jobs").get(0).get("status").asText()).isEqualTo("STALLED");
        assertThat(firing.get("jobs").get(0).get("done").asInt()).isEqualTo(3);
        assertThat(firing.get("text").asText()).isEqualTo("[test-cluster] 7 jobs are STALLED, each without a result for 75 s or more:"
                + " job-0, job-1, job-2, job-3, job-4 and 2 more");
        assertThat(received.subList(1, 4)).extracting(alert -> alert.get("job").asText()).containsExactly("a", "b", "c");
        JsonNode resolved = received.get(4);
        assertThat(resolved.get("event").asText()).isEqualTo("RESOLVED");
        assertThat(resolved.get("count").asInt()).isEqualTo(7);
        assertThat(resolved.get("jobs").get(6).get("status").asText()).isEqualTo("RUNNING");
        assertThat(resolved.get("text").asText()).startsWith("[test-cluster] 7 jobs are no longer stalled: job-0, ");
    }

    @Test
    void postsFiringAndRecoveryAsJsonEvenWhenAnotherWebhookFails() throws IOException {
        URI good = url("/hook");
        URI broken = url("/broken");
        URI refused = URI.create("http://127.0.0.1:" + freePort() + "/nobody");
        try (WebhookNotifier notifier = new WebhookNotifier(new AlertPolicy(Duration.ofSeconds(10), Duration.ofMinutes(5)),
                List.of(refused, broken, good), "test-cluster", "http://127.0.0.1:8080", Duration.ofSeconds(2))) {

            notifier.accept(report(1_000, group("mosaic-analyzers", Status.STOP)));
            notifier.accept(report(11_000, group("mosaic-analyzers", Status.STOP)));
            notifier.accept(report(12_000, group("mosaic-analyzers", Status.STOP)));
            notifier.accept(report(30_000, group("mosaic-analyzers", Status.OK)));

            await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 2 && failing.get() == 2);
            assertThat(notifier.recent()).extracting(m -> m.get("event")).containsExactly("RESOLVED", "FIRING");
        }
        JsonNode firing = received.get(0);
        assertThat(firing.get("event").asText()).isEqualTo("FIRING");
        assertThat(firing.get("cluster").asText()).isEqualTo("test-cluster");
        assertThat(firing.get("group").asText()).isEqualTo("mosaic-analyzers");
        assertThat(firing.get("status").asText()).isEqualTo("STOP");
        assertThat(firing.get("durationSeconds").asDouble()).isEqualTo(10.0);
        assertThat(firing.get("lag").asLong()).isEqualTo(7);
        assertThat(firing.get("dashboard").asText()).isEqualTo("http://127.0.0.1:8080/#group=mosaic-analyzers");
        assertThat(firing.get("text").asText()).contains("mosaic-analyzers is STOP for 10 s").contains("lag 7 records");

        JsonNode resolved = received.get(1);
        assertThat(resolved.get("event").asText()).isEqualTo("RESOLVED");
        assertThat(resolved.get("status").asText()).isEqualTo("OK");
        assertThat(resolved.get("durationSeconds").asDouble()).isEqualTo(29.0);
        assertThat(resolved.get("text").asText()).contains("recovered");
        assertThat(contentTypes).containsOnly("application/json");
    }

    @Test
    void aGroupThatFlapsIsReportedOncePerInterval() {
        try (WebhookNotifier notifier = new WebhookNotifier(new AlertPolicy(Duration.ZERO, Duration.ofMinutes(5)),
                List.of(url("/hook")), "c", "http://127.0.0.1:8080", Duration.ofSeconds(2))) {
            for (int i = 0; i < 10; i++) {
                notifier.accept(report(i * 2_000L, group("g", i % 2 == 0 ? Status.WARN : Status.OK)));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> received.size() >= 2);
            assertThat(notifier.recent()).hasSize(2);
        }
        assertThat(received).extracting(n -> n.get("event").asText()).containsExactly("FIRING", "RESOLVED");
    }

    private URI url(String path) {
        return URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + path);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
