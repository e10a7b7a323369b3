package io.mosaic.producers.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mosaic.platform.http.HttpService;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AggregatorClientTest {

    private final List<HttpService> servers = new ArrayList<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();

    @AfterEach
    void stopServers() {
        servers.forEach(HttpService::stop);
    }

    /** An aggregator stand-in that answers every query with {@code status}. */
    private String aggregator(String name, int status) throws Exception {
        HttpService http = new HttpService(name, "127.0.0.1", 0).route("/jobs", request -> {
            requests.add(name + " " + request.path());
            return HttpService.Response.json(status, status == 200 ? Map.of("jobId", "from-" + name) : Map.of("error", name + " says " + status));
        });
        http.start();
        servers.add(http);
        return http.url();
    }

    private static String closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return "http://127.0.0.1:" + socket.getLocalPort();
        }
    }

    @Test
    void skipsAggregatorsThatAreDownOrUnavailableUntilOneAnswers() throws Exception {
        AggregatorClient client = new AggregatorClient(List.of(closedPort(), aggregator("a", 503), aggregator("b", 200)), Duration.ofSeconds(2));

        AggregatorClient.Answer answer = client.job("job 1");

        assertThat(answer).isInstanceOf(AggregatorClient.Answer.Found.class);
        assertThat(((AggregatorClient.Answer.Found) answer).json().get("jobId").textValue()).isEqualTo("from-b");
        assertThat(requests).containsExactly("a /jobs/job 1", "b /jobs/job 1");
    }

    @Test
    void aNotFoundFromAnAggregatorThatAnswersIsFinal() throws Exception {
        AggregatorClient client = new AggregatorClient(List.of(aggregator("a", 404), aggregator("b", 200)), Duration.ofSeconds(2));

        assertThat(client.job("nope")).isInstanceOf(AggregatorClient.Answer.Missing.class);
        assertThat(requests).containsExactly("a /jobs/nope");
    }

    @Test
    void whenNoneAnswersItSaysWhatEachDid() throws Exception {
        String down = closedPort();
        AggregatorClient client = new AggregatorClient(List.of(down, aggregator("a", 503)), Duration.ofSeconds(2));

        AggregatorClient.Answer answer = client.jobs();

        assertThat(answer).isInstanceOf(AggregatorClient.Answer.Unavailable.class);
        assertThat(((AggregatorClient.Answer.Unavailable) answer).why())
                .contains(down + " did not answer")
                .contains("answered 503 (a says 503)");
        assertThat(requests).containsExactly("a /jobs");
    }

    @Test
    void theSettingIsAListOfHttpUrls() {
        assertThat(AggregatorClient.parseUrls(" http://a:7072 ,http://b:7072/, ")).containsExactly("http://a:7072", "http://b:7072/");
        assertThatThrownBy(() -> AggregatorClient.parseUrls(" , ")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("names no aggregator");
        assertThatThrownBy(() -> AggregatorClient.parseUrls("a:7072")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'a:7072'");
        assertThatThrownBy(() -> AggregatorClient.parseUrls("ftp://a:7072")).isInstanceOf(IllegalArgumentException.class);
    }
}
